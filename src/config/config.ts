// Configuration: defaults < config file (JSON) < environment (LOADWIRE_*) < command-line flags.
// Every knob is declared once in OPTIONS, which also drives `--help` and the README table, so
// the three sources cannot drift apart.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface UserConfig {
  name: string;
  /** Plain password; hashed at load time and never kept. */
  password?: string;
  /** mysql_native_password hash as MySQL shows it: '*' + 40 hex digits (SHA1(SHA1(password))). */
  nativeHash?: string;
  plugin?: 'mysql_native_password' | 'caching_sha2_password';
  /** Sees and controls every job, not only their own. */
  admin?: boolean;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  importDir: string;
  logLevel: LogLevel;
  /** 'auto' generates a self-signed certificate in <dataDir>/tls; 'off' disables TLS. */
  tls: 'auto' | 'off' | { cert: string; key: string };
  requireSecureTransport: boolean;
  authPlugin: 'mysql_native_password' | 'caching_sha2_password';
  users: UserConfig[];
  maxConnections: number;
  maxAllowedPacket: number;
  /** 'embedded' or a mysql:// URL. */
  target: string;
  /**
   * Connections loads write through into a MySQL target (a task holds its own and one per THREAD
   * lane). Optional so configurations built by hand keep the writer's default.
   */
  targetConnections?: number;
  httpHost: string;
  httpPort: number;
  waitTimeout: number;
  /**
   * Front-end processes answering the MySQL protocol; 1 runs everything in this process. Above 1
   * the process becomes a primary that owns all state and forks that many protocol workers
   * (src/cluster/). Optional so configurations built by hand keep meaning one process.
   */
  workers?: number;
}

interface OptionSpec {
  key: keyof Config | 'config' | 'rootPassword' | 'tlsCert' | 'tlsKey';
  flag: string;
  env: string;
  type: 'string' | 'number' | 'boolean';
  default: string;
  help: string;
}

export const DEFAULT_PORT = 4406;

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'config', flag: 'config', env: 'LOADWIRE_CONFIG', type: 'string', default: '', help: 'JSON configuration file (any option below, camelCase keys, plus "users")' },
  { key: 'host', flag: 'host', env: 'LOADWIRE_HOST', type: 'string', default: '127.0.0.1', help: 'address the MySQL protocol listens on' },
  { key: 'port', flag: 'port', env: 'LOADWIRE_PORT', type: 'number', default: String(DEFAULT_PORT), help: 'MySQL protocol port (0 picks a free one)' },
  { key: 'dataDir', flag: 'data-dir', env: 'LOADWIRE_DATA_DIR', type: 'string', default: './data', help: 'job store, embedded target and generated certificates' },
  { key: 'importDir', flag: 'import-dir', env: 'LOADWIRE_IMPORT_DIR', type: 'string', default: '<data-dir>/import', help: 'the only directory local file paths may point into' },
  { key: 'target', flag: 'target', env: 'LOADWIRE_TARGET', type: 'string', default: 'embedded', help: "'embedded' (SQLite in the data dir) or mysql://user:pass@host:port/db" },
  { key: 'targetConnections', flag: 'target-connections', env: 'LOADWIRE_TARGET_CONNECTIONS', type: 'number', default: '16', help: 'connections loads into a MySQL target write through: a task takes its own and one per THREAD lane, or waits its turn' },
  { key: 'logLevel', flag: 'log-level', env: 'LOADWIRE_LOG_LEVEL', type: 'string', default: 'info', help: 'trace, debug, info, warn, error, fatal or silent' },
  { key: 'tls', flag: 'tls', env: 'LOADWIRE_TLS', type: 'string', default: 'auto', help: "'auto' (self-signed, generated once), 'off', or use --tls-cert/--tls-key" },
  { key: 'tlsCert', flag: 'tls-cert', env: 'LOADWIRE_TLS_CERT', type: 'string', default: '', help: 'PEM certificate file' },
  { key: 'tlsKey', flag: 'tls-key', env: 'LOADWIRE_TLS_KEY', type: 'string', default: '', help: 'PEM private key file' },
  { key: 'requireSecureTransport', flag: 'require-secure-transport', env: 'LOADWIRE_REQUIRE_SECURE_TRANSPORT', type: 'boolean', default: 'false', help: 'refuse connections without TLS' },
  { key: 'authPlugin', flag: 'auth-plugin', env: 'LOADWIRE_AUTH_PLUGIN', type: 'string', default: 'mysql_native_password', help: 'plugin named in the greeting and used for users without one' },
  { key: 'rootPassword', flag: 'root-password', env: 'LOADWIRE_ROOT_PASSWORD', type: 'string', default: '', help: "password of the built-in 'root' user (empty: no password, loopback only)" },
  { key: 'maxConnections', flag: 'max-connections', env: 'LOADWIRE_MAX_CONNECTIONS', type: 'number', default: '10000', help: 'connections accepted at once' },
  { key: 'maxAllowedPacket', flag: 'max-allowed-packet', env: 'LOADWIRE_MAX_ALLOWED_PACKET', type: 'number', default: String(64 * 1024 * 1024), help: 'largest packet a client may send, in bytes' },
  { key: 'waitTimeout', flag: 'wait-timeout', env: 'LOADWIRE_WAIT_TIMEOUT', type: 'number', default: '28800', help: 'seconds an idle connection is kept (wait_timeout)' },
  { key: 'httpHost', flag: 'http-host', env: 'LOADWIRE_HTTP_HOST', type: 'string', default: '127.0.0.1', help: 'address of the health and metrics endpoint' },
  { key: 'httpPort', flag: 'http-port', env: 'LOADWIRE_HTTP_PORT', type: 'number', default: '4480', help: 'port of /healthz, /readyz and /metrics (-1 disables it)' },
  { key: 'workers', flag: 'workers', env: 'LOADWIRE_WORKERS', type: 'string', default: '1', help: "protocol front-end processes: 1 (one process), N, or 'auto' (one per CPU); the first process keeps all state" },
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface LoadConfigInput {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  help: boolean;
  version: boolean;
}

export function loadConfig(input: LoadConfigInput = {}): LoadedConfig {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const parsed = parseArgs({
    args: [...(input.argv ?? process.argv.slice(2))],
    options: {
      ...Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: o.type === 'boolean' ? 'boolean' : 'string' } as const])),
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    strict: true,
    allowPositionals: false,
  });
  const flags = parsed.values as Record<string, string | boolean | undefined>;

  const raw: Record<string, unknown> = {};
  for (const o of OPTIONS) raw[o.key] = o.default;

  const configPath = (flags.config as string | undefined) ?? env.LOADWIRE_CONFIG;
  let users: UserConfig[] = [];
  if (configPath) {
    let file: Record<string, unknown>;
    try {
      file = JSON.parse(readFileSync(resolve(cwd, configPath), 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`cannot read config file ${configPath}: ${(e as Error).message}`);
    }
    for (const [k, v] of Object.entries(file)) {
      if (k === 'users') {
        if (!Array.isArray(v)) throw new ConfigError('config file: "users" must be an array of { name, password | nativeHash, plugin?, admin? }');
        users = v as UserConfig[];
        continue;
      }
      if (!OPTIONS.some((o) => o.key === k)) throw new ConfigError(`config file: unknown option "${k}"`);
      raw[k] = typeof v === 'object' && v !== null ? v : String(v);
    }
  }
  for (const o of OPTIONS) {
    const v = env[o.env];
    if (v !== undefined && v !== '') raw[o.key] = v;
  }
  for (const o of OPTIONS) {
    const v = flags[o.flag];
    if (v !== undefined) raw[o.key] = typeof v === 'boolean' ? String(v) : v;
  }

  const num = (key: string, min: number, max: number): number => {
    const s = String(raw[key]);
    const n = Number(s);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${key} must be an integer between ${min} and ${max}, got "${s}"`);
    return n;
  };
  const bool = (key: string): boolean => {
    const s = String(raw[key]).toLowerCase();
    if (['1', 'true', 'on', 'yes'].includes(s)) return true;
    if (['0', 'false', 'off', 'no', ''].includes(s)) return false;
    throw new ConfigError(`${key} must be true or false, got "${s}"`);
  };

  const dataDir = resolvePath(cwd, String(raw.dataDir));
  const importDirRaw = String(raw.importDir);
  const importDir = importDirRaw === '<data-dir>/import' ? resolve(dataDir, 'import') : resolvePath(cwd, importDirRaw);

  const logLevel = String(raw.logLevel) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  let tls: Config['tls'];
  const tlsCert = typeof raw.tlsCert === 'string' ? raw.tlsCert : '';
  const tlsKey = typeof raw.tlsKey === 'string' ? raw.tlsKey : '';
  if (tlsCert || tlsKey) {
    if (!tlsCert || !tlsKey) throw new ConfigError('TLS needs both --tls-cert and --tls-key');
    try {
      tls = { cert: readFileSync(resolvePath(cwd, tlsCert), 'utf8'), key: readFileSync(resolvePath(cwd, tlsKey), 'utf8') };
    } catch (e) {
      throw new ConfigError(`cannot read TLS certificate or key: ${(e as Error).message}`);
    }
  } else {
    const mode = String(raw.tls).toLowerCase();
    if (mode !== 'auto' && mode !== 'off') throw new ConfigError(`tls must be 'auto' or 'off' (or give --tls-cert and --tls-key), got "${mode}"`);
    tls = mode;
  }

  const authPlugin = String(raw.authPlugin);
  if (authPlugin !== 'mysql_native_password' && authPlugin !== 'caching_sha2_password') {
    throw new ConfigError(`auth plugin must be mysql_native_password or caching_sha2_password, got "${authPlugin}"`);
  }

  const host = String(raw.host);
  const rootPassword = typeof raw.rootPassword === 'string' ? raw.rootPassword : '';
  if (!users.some((u) => u.name === 'root')) users = [{ name: 'root', password: rootPassword, admin: true }, ...users];
  for (const u of users) {
    if (!u || typeof u.name !== 'string' || u.name === '') throw new ConfigError('every user needs a "name"');
    if (u.password === undefined && u.nativeHash === undefined) throw new ConfigError(`user "${u.name}" needs a "password" or a "nativeHash"`);
    if (u.nativeHash !== undefined && !/^\*[0-9A-Fa-f]{40}$/.test(u.nativeHash)) throw new ConfigError(`user "${u.name}": nativeHash must be '*' followed by 40 hex digits`);
    if (!LOOPBACK.has(host) && u.password === '') {
      throw new ConfigError(`user "${u.name}" has no password; set one (--root-password for root) before listening on ${host}`);
    }
  }

  const target = String(raw.target);
  if (target !== 'embedded' && !/^mysql:\/\//.test(target)) throw new ConfigError(`target must be 'embedded' or a mysql:// URL, got "${target}"`);

  return {
    help: flags.help === true,
    version: flags.version === true,
    config: {
      host,
      port: num('port', 0, 65535),
      dataDir,
      importDir,
      logLevel,
      tls,
      requireSecureTransport: bool('requireSecureTransport'),
      authPlugin,
      users,
      maxConnections: num('maxConnections', 1, 1_000_000),
      maxAllowedPacket: num('maxAllowedPacket', 1024, 1024 * 1024 * 1024),
      target,
      targetConnections: num('targetConnections', 2, 10_000),
      httpHost: String(raw.httpHost),
      httpPort: num('httpPort', -1, 65535),
      waitTimeout: num('waitTimeout', 1, 31_536_000),
      workers: String(raw.workers).toLowerCase() === 'auto' ? availableParallelism() : num('workers', 1, 256),
    },
  };
}

function resolvePath(cwd: string, p: string): string {
  return isAbsolute(p) ? p : resolve(cwd, p);
}

export function helpText(version: string): string {
  const lines = [
    `loadwire ${version} — a MySQL-protocol daemon that runs data-load jobs`,
    '',
    'Usage: loadwire [options]',
    '',
    'Options (flag / environment variable / default):',
  ];
  for (const o of OPTIONS) {
    lines.push(`  --${o.flag}${o.type === 'boolean' ? '' : ' <value>'}`);
    lines.push(`      ${o.help}`);
    lines.push(`      env ${o.env}; default ${o.default === '' ? '(none)' : o.default}`);
  }
  lines.push('  -h, --help      show this help');
  lines.push('  -v, --version   print the version');
  return lines.join('\n');
}

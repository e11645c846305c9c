import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PORT, OPTIONS, helpText, loadConfig } from './config.js';

const cwd = '/srv/app';

describe('loadConfig', () => {
  it('has documented defaults: loopback, a port that is not 3306, ./data, root without password', () => {
    const { config } = loadConfig({ argv: [], env: {}, cwd });
    expect(config).toMatchObject({
      host: '127.0.0.1', port: DEFAULT_PORT, dataDir: '/srv/app/data', importDir: '/srv/app/data/import',
      logLevel: 'info', tls: 'auto', target: 'embedded', authPlugin: 'mysql_native_password', targetConnections: 16,
    });
    expect(DEFAULT_PORT).not.toBe(3306);
    expect(config.users).toEqual([{ name: 'root', password: '', admin: true }]);
  });

  it('layers file < environment < flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadwire-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ port: 5000, logLevel: 'debug', waitTimeout: 100, users: [{ name: 'ann', password: 'pw', plugin: 'caching_sha2_password' }] }));
    const { config } = loadConfig({ argv: ['--config', file, '--port', '6000'], env: { LOADWIRE_PORT: '5500', LOADWIRE_LOG_LEVEL: 'warn' }, cwd });
    expect(config.port).toBe(6000);
    expect(config.logLevel).toBe('warn');
    expect(config.waitTimeout).toBe(100);
    expect(config.users.map((u) => u.name)).toEqual(['root', 'ann']);
  });

  it('rejects bad values with messages that say what to fix', () => {
    const bad = (argv: string[], env: NodeJS.ProcessEnv = {}) => () => loadConfig({ argv, env, cwd });
    expect(bad(['--port', '70000'])).toThrow(/port must be an integer between 0 and 65535, got "70000"/);
    expect(bad(['--log-level', 'loud'])).toThrow(/log level must be one of/);
    expect(bad(['--tls', 'maybe'])).toThrow(ConfigError);
    expect(bad(['--tls-cert', '/nope.pem'])).toThrow(/needs both --tls-cert and --tls-key/);
    expect(bad(['--target', 'postgres://x'])).toThrow(/target must be 'embedded' or a mysql:\/\/ URL/);
    expect(bad(['--target-connections', '1'])).toThrow(/targetConnections must be an integer between 2 and 10000, got "1"/);
    expect(bad(['--auth-plugin', 'client_ed25519'])).toThrow(/auth plugin/);
    expect(bad(['--host', '0.0.0.0'])).toThrow(/has no password; set one \(--root-password for root\) before listening on 0.0.0.0/);
    expect(() => loadConfig({ argv: ['--host', '0.0.0.0', '--root-password', 'x'], env: {}, cwd })).not.toThrow();
    expect(bad(['--no-such-flag'])).toThrow();
  });

  it('validates users from the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadwire-config-'));
    const write = (users: unknown) => {
      const f = join(dir, `${Math.random()}.json`);
      writeFileSync(f, JSON.stringify({ users }));
      return f;
    };
    expect(() => loadConfig({ argv: ['--config', write([{ name: 'x' }])], env: {}, cwd })).toThrow(/needs a "password" or a "nativeHash"/);
    expect(() => loadConfig({ argv: ['--config', write([{ name: 'x', nativeHash: 'abc' }])], env: {}, cwd })).toThrow(/'\*' followed by 40 hex digits/);
    expect(() => loadConfig({ argv: ['--config', write('root')], env: {}, cwd })).toThrow(/"users" must be an array/);
  });

  it('lists every option, its environment variable and default in --help', () => {
    const text = helpText('1.2.3');
    for (const o of OPTIONS) {
      expect(text).toContain(`--${o.flag}`);
      expect(text).toContain(o.env);
    }
  });
});

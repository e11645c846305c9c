// A scripted ServerHandler: the first ring of protocol test peers. It answers a fixed set of
// statements so protocol behaviour can be tested without the session layer or a parser.

import { setTimeout as sleep } from 'node:timers/promises';
import { ColumnFlag, ColumnType, type Column, type ConnectionInfo, type QueryResult, type Row, type ServerControl, type ServerHandler, type Session, type UserCredentials, type Value } from '../../src/protocol/handler.js';
import { SqlError } from '../../src/protocol/sql-error.js';
import { nativePasswordHash } from '../../src/protocol/auth/native-password.js';
import { sha2PasswordHash } from '../../src/protocol/auth/caching-sha2-password.js';

export const ALL_TYPES_COLUMNS: Column[] = [
  { name: 'tiny', type: ColumnType.TINY },
  { name: 'small', type: ColumnType.SHORT },
  { name: 'int', type: ColumnType.LONG },
  { name: 'big', type: ColumnType.LONGLONG },
  { name: 'ubig', type: ColumnType.LONGLONG, flags: ColumnFlag.UNSIGNED },
  { name: 'flt', type: ColumnType.FLOAT },
  { name: 'dbl', type: ColumnType.DOUBLE },
  { name: 'dec', type: ColumnType.NEWDECIMAL, decimals: 2 },
  { name: 'd', type: ColumnType.DATE },
  { name: 'dt', type: ColumnType.DATETIME },
  { name: 'dtu', type: ColumnType.DATETIME, decimals: 6 },
  { name: 't', type: ColumnType.TIME },
  { name: 'y', type: ColumnType.YEAR },
  { name: 's', type: ColumnType.VAR_STRING },
  { name: 'b', type: ColumnType.BLOB, charset: 63 },
  { name: 'j', type: ColumnType.JSON },
  { name: 'n', type: ColumnType.VAR_STRING },
];

export const ALL_TYPES_ROW: Value[] = [
  -7, 1234, -2147483648, 9007199254740993n, 18446744073709551615n, 1.5, 3.141592653589793, '12345.67',
  '2024-02-29', '2024-02-29 13:14:15', '2024-02-29 13:14:15.123456', '-838:59:59', 2024, 'it\'s ü ☃ 😀',
  Buffer.from([0, 1, 2, 255]), '{"a":1}', null,
];

/** One result object answered to every `constant`, as the session answers a literal SELECT. */
const CONSTANT_RESULT: QueryResult = { kind: 'rows', columns: [{ name: 'c', type: ColumnType.LONGLONG }], rows: [[7]], reused: true };

export interface ScriptedUser {
  password: string;
  plugin?: UserCredentials['plugin'];
  /** Keep only the native hash (forces caching_sha2 full authentication). */
  nativeOnly?: boolean;
}

export class ScriptedHandler implements ServerHandler {
  readonly sessions: ScriptedSession[] = [];
  constructor(private readonly users: Record<string, ScriptedUser>) {}

  lookupUser(user: string): UserCredentials | undefined {
    const u = this.users[user];
    if (!u) return undefined;
    return {
      plugin: u.plugin ?? 'mysql_native_password',
      emptyPassword: u.password === '',
      nativeHash: nativePasswordHash(u.password),
      sha2Hash: u.nativeOnly ? undefined : sha2PasswordHash(u.password),
    };
  }

  async openSession(info: ConnectionInfo, control: ServerControl): Promise<Session> {
    if (info.database === 'nope') throw new SqlError('ER_BAD_DB_ERROR', "Unknown database 'nope'");
    const s = new ScriptedSession(info, control);
    this.sessions.push(s);
    return s;
  }
}

export class ScriptedSession implements Session {
  db: string | null;
  closed = false;
  autocommit = true;
  constructor(readonly info: ConnectionInfo, private readonly control: ServerControl) {
    this.db = info.database;
  }

  statements(sql: string, multiStatements: boolean): readonly string[] {
    const parts = sql.split(';').map((s) => s.trim()).filter(Boolean);
    if (parts.length > 1 && !multiStatements) {
      throw new SqlError('ER_PARSE_ERROR', `You have an error in your SQL syntax; check the manual that corresponds to your loadwire version for the right syntax to use near '${parts[1]}' at line 1`);
    }
    return parts;
  }

  run(sql: string, signal: AbortSignal): Promise<QueryResult> {
    return this.one(sql, [], signal);
  }

  async one(sql: string, params: readonly Value[], signal: AbortSignal): Promise<QueryResult> {
    const [verb, arg] = sql.split(/\s+/, 2);
    switch (verb!.toLowerCase()) {
      case 'select':
        if (arg === '?') return { kind: 'rows', columns: [{ name: 'p', type: ColumnType.VAR_STRING }], rows: [[params[0] ?? null]] };
        return { kind: 'rows', columns: [{ name: arg ?? '1', type: ColumnType.LONGLONG }], rows: [[Number(arg ?? 1)]] };
      case 'constant':
        return CONSTANT_RESULT;
      case 'types':
        return { kind: 'rows', columns: ALL_TYPES_COLUMNS, rows: [ALL_TYPES_ROW] };
      case 'echo':
        return { kind: 'rows', columns: params.map((_, i) => ({ name: `p${i}`, type: ColumnType.VAR_STRING })), rows: [params] };
      case 'rows': {
        const n = Number(arg);
        return { kind: 'rows', columns: [{ name: 'i', type: ColumnType.LONG }], rows: (function* () { for (let i = 0; i < n; i++) yield [i] as Row; })() };
      }
      case 'big':
        return { kind: 'rows', columns: [{ name: 'b', type: ColumnType.LONG_BLOB }], rows: [['x'.repeat(Number(arg))]] };
      case 'insert':
        return { kind: 'ok', affectedRows: 3, insertId: 7, warnings: 1 };
      case 'autocommit0':
        this.autocommit = false;
        return { kind: 'ok' };
      case 'error':
        throw new SqlError('ER_NO_SUCH_TABLE', "Table 'test.nope' doesn't exist");
      case 'boom':
        throw new Error('internal detail that must not reach the client');
      case 'sleep': {
        await sleep(Number(arg), undefined, { signal }).catch(() => { throw signal.reason; });
        return { kind: 'ok' };
      }
      case 'failmid':
        return {
          kind: 'rows',
          columns: [{ name: 'i', type: ColumnType.LONG }],
          rows: (async function* () { yield [1]; yield [2]; throw new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'); })(),
        };
      case 'kill':
        if (!this.control.kill(Number(arg), 'query')) throw new SqlError('ER_NO_SUCH_THREAD', `Unknown thread id: ${arg}`);
        return { kind: 'ok' };
      case 'whoami':
        return { kind: 'rows', columns: [{ name: 'u', type: ColumnType.VAR_STRING }, { name: 'db', type: ColumnType.VAR_STRING }, { name: 'tls', type: ColumnType.LONG }], rows: [[this.info.user, this.db, this.info.tls ? 1 : 0]] };
      default:
        throw new SqlError('ER_PARSE_ERROR', `You have an error in your SQL syntax; check the manual that corresponds to your loadwire version for the right syntax to use near '${sql}' at line 1`);
    }
  }

  async prepare(sql: string) {
    return { paramCount: (sql.match(/\?/g) ?? []).length, columns: [] };
  }
  async execute(sql: string, params: readonly Value[], signal: AbortSignal) {
    return this.one(sql, params, signal);
  }
  async initDb(database: string) {
    if (database === 'nope') throw new SqlError('ER_BAD_DB_ERROR', "Unknown database 'nope'");
    this.db = database;
  }
  async fieldList(table: string) {
    if (table !== 't') throw new SqlError('ER_NO_SUCH_TABLE', `Table 'test.${table}' doesn't exist`);
    return [{ name: 'id', type: ColumnType.LONG, table: 't' }, { name: 'name', type: ColumnType.VAR_STRING, table: 't' }] as Column[];
  }
  status() {
    return { autocommit: this.autocommit, inTransaction: false };
  }
  database() {
    return this.db;
  }
  idleTimeoutSeconds() {
    return this.info.clientAttributes.get('idle') ? Number(this.info.clientAttributes.get('idle')) : 28800;
  }
  async reset() {
    this.autocommit = true;
  }
  close() {
    this.closed = true;
  }
}

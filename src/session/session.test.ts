// Session statements answered locally, driven through the Session interface with a fake target:
// every connect-time statement of clients.md §3/§9, SET validation errors, SHOW filters, KILL.

import { describe, expect, it } from 'vitest';
import type { ConnectionInfo, ProcessInfo, QueryResult, Row, ServerControl } from '../protocol/handler.js';
import { SqlError } from '../protocol/sql-error.js';
import type { Target } from '../targets/target.js';
import { PassthroughCatalog } from './catalog-statements.js';
import { LoadwireSession, bindParameters, nowInZone } from './session.js';
import { GlobalVariables } from './variables.js';

class FakeTarget implements Target {
  readonly kind = 'mysql' as const;
  readonly executed: string[] = [];
  async execute(sql: string): Promise<QueryResult> {
    this.executed.push(sql);
    return { kind: 'ok', affectedRows: 1, insertId: 42 };
  }
  async databases() {
    return ['shop', 'test'];
  }
  async tables() {
    return [];
  }
  async table() {
    return undefined;
  }
  async tableStatus() {
    return undefined;
  }
  async close() {}
}

class FakeControl implements ServerControl {
  killed: [number, string][] = [];
  processes: ProcessInfo[] = [
    { id: 1, user: 'root', host: 'localhost', db: 'test', command: 'Query', timeSeconds: 0, state: 'executing', info: 'SHOW PROCESSLIST' },
    { id: 2, user: 'bob', host: 'localhost', db: null, command: 'Sleep', timeSeconds: 5, state: '', info: null },
  ];
  processList() {
    return this.processes;
  }
  kill(id: number, mode: 'query' | 'connection') {
    this.killed.push([id, mode]);
    return this.processes.some((p) => p.id === id);
  }
  counters() {
    return { questions: 10, connections: 3 };
  }
}

const globals = () =>
  new GlobalVariables({
    version: '8.0.36-loadwire-test', versionComment: 'loadwire test', port: 4406, hostname: 'h', dataDir: '/d', importDir: '/d/import',
    maxAllowedPacket: 67108864, maxConnections: 100, waitTimeout: 28800, tlsEnabled: false, requireSecureTransport: false,
    defaultAuthPlugin: 'mysql_native_password', systemTimeZone: 'UTC',
  });

function makeSession(user = { name: 'root', admin: true }, caps = 0) {
  const target = new FakeTarget();
  const control = new FakeControl();
  const info: ConnectionInfo = { id: 1, user: user.name, host: 'localhost', database: null, clientAttributes: new Map(), tls: false, clientCapabilities: caps };
  const session = new LoadwireSession(info, { ...user, credentials: { plugin: 'mysql_native_password', emptyPassword: true } }, control, {
    globals: globals(), target, catalog: new PassthroughCatalog(target), jobs: null, version: '8.0.36-loadwire-test', startedAt: Date.now(),
  });
  return { session, target, control };
}

async function q(session: LoadwireSession, sql: string, multiStatements = false): Promise<QueryResult[]> {
  const out: QueryResult[] = [];
  const signal = new AbortController().signal;
  for (const statement of session.statements(sql, multiStatements)) out.push(await session.run(statement, signal));
  return out;
}

async function rows(session: LoadwireSession, sql: string): Promise<{ names: string[]; rows: Row[] }> {
  const [r] = await q(session, sql);
  if (r?.kind !== 'rows') throw new Error(`expected rows from ${sql}`);
  const out: Row[] = [];
  for (const row of r.rows as Iterable<Row>) out.push(row);
  return { names: r.columns.map((c) => c.name), rows: out };
}

describe('what drivers send on connect', () => {
  it('answers Connector/J: set autocommit=1, sql_mode = concat(...) and its variable probe', async () => {
    const { session } = makeSession();
    await q(session, "set autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES')");
    const r = await rows(session, 'SELECT @@max_allowed_packet,@@system_time_zone,@@time_zone,@@auto_increment_increment');
    expect(r.names).toEqual(['@@max_allowed_packet', '@@system_time_zone', '@@time_zone', '@@auto_increment_increment']);
    expect(r.rows).toEqual([[67108864n, 'UTC', 'SYSTEM', 1n]]);
    expect((await rows(session, 'select @@sql_mode')).rows[0]![0]).toBe('ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION');
  });

  it('answers PyMySQL, mysqlclient, DBD and mysqli connect statements and reads them back', async () => {
    const { session } = makeSession();
    await q(session, 'SET AUTOCOMMIT = 0');
    expect(session.status()).toEqual({ autocommit: false, inTransaction: false });
    await q(session, 'SET NAMES utf8mb4');
    await q(session, "SET NAMES 'utf8mb4'");
    await q(session, "SET character_set_server = 'utf8mb4'");
    await q(session, "SET collation_connection = 'utf8mb4_unicode_ci'");
    await q(session, "SET time_zone = '+00:00'");
    const r = await rows(session, 'select @@character_set_client, @@character_set_connection, @@character_set_server, @@collation_connection, @@time_zone, @@autocommit limit 1');
    expect(r.rows).toEqual([['utf8mb4', 'utf8mb4', 'utf8mb4', 'utf8mb4_unicode_ci', '+00:00', 0n]]);
    await q(session, 'COMMIT');
    await q(session, 'ROLLBACK');
  });

  it('answers the version probes of SQLAlchemy, Sequelize, Knex and mycli', async () => {
    const { session } = makeSession();
    expect((await rows(session, 'SELECT VERSION()')).rows).toEqual([['8.0.36-loadwire-test']]);
    expect((await rows(session, 'SELECT VERSION() as `version`')).names).toEqual(['version']);
    expect((await rows(session, 'select version() as version')).names).toEqual(['version']);
    expect((await rows(session, 'SELECT DATABASE()')).rows).toEqual([[null]]);
    expect((await rows(session, 'SELECT @@tx_isolation')).rows).toEqual([['REPEATABLE-READ']]);
    expect((await rows(session, 'SELECT @@transaction_isolation')).rows).toEqual([['REPEATABLE-READ']]);
    expect((await rows(session, 'SELECT @@lower_case_table_names')).rows).toEqual([[0n]]);
    expect((await rows(session, 'SELECT 1+1 AS result')).rows).toEqual([[2n]]);
    expect((await rows(session, 'select connection_id()')).rows).toEqual([[1n]]);
    expect((await rows(session, 'select DATABASE(), USER() limit 1')).rows).toEqual([[null, 'root@localhost']]);
    expect((await rows(session, "SELECT '' TABLE_SCHEM, '' TABLE_catalog  FROM DUAL WHERE 1=0")).rows).toEqual([]);
    expect((await rows(session, "SELECT 'it\\'s ü ☃ 😀' AS s")).rows).toEqual([["it's ü ☃ 😀"]]);
    expect((await rows(session, 'select @@version_comment limit 1')).rows).toEqual([['loadwire test']]);
  });

  it('evaluates constant expressions with MySQL semantics', async () => {
    const { session } = makeSession();
    const r = await rows(session, "SELECT 7 DIV 2, 7 / 2, 1.50 * 2, 'a' = 'A', NULL + 1, IF(1 > 0, 'y', 'n'), CONCAT('x', 1, NULL), COALESCE(NULL, 3), '10' + 5, 5 BETWEEN 1 AND 10, 'abc' LIKE 'a%', CASE WHEN 1 THEN 'one' END");
    expect(r.rows[0]).toEqual([3n, '3.5000', '3.00', 1n, null, 'y', null, 3n, 15, 1n, 1n, 'one']);
  });
});

describe('SET and variables', () => {
  it('reports MySQL errors for unknown, read-only, global-only and badly valued variables', async () => {
    const { session } = makeSession({ name: 'bob', admin: false });
    await expect(q(session, 'SET nonsense_var = 1')).rejects.toMatchObject({ errno: 1193, sqlState: 'HY000' });
    await expect(q(session, 'SET version = 1')).rejects.toMatchObject({ errno: 1238 });
    await expect(q(session, 'SET max_connections = 5')).rejects.toMatchObject({ errno: 1229 });
    await expect(q(session, 'SET GLOBAL max_connections = 5')).rejects.toMatchObject({ errno: 1227, sqlState: '42000' });
    await expect(q(session, "SET autocommit = 'maybe'")).rejects.toMatchObject({ errno: 1231, message: "Variable 'autocommit' can't be set to the value of 'maybe'" });
    await expect(q(session, "SET sql_mode = 'NOT_A_MODE'")).rejects.toMatchObject({ errno: 1231 });
    await expect(q(session, "SET time_zone = 'Mars/Base'")).rejects.toMatchObject({ errno: 1298 });
    await expect(q(session, 'SET NAMES klingon')).rejects.toMatchObject({ errno: 1115 });
    await expect(q(session, "SET collation_connection = 'nope_ci'")).rejects.toMatchObject({ errno: 1273 });
    await expect(q(session, 'SELECT @@session.max_connections')).rejects.toMatchObject({ errno: 1238 });
    await expect(q(session, 'SELECT @@global.warning_count')).rejects.toMatchObject({ errno: 1238 });
  });

  it('keeps session values per session, global values for new sessions, and DEFAULT restores', async () => {
    const a = makeSession();
    await q(a.session, 'SET SESSION wait_timeout = 60, @@session.sql_select_limit = 10, @x = 5, @y := @x * 2');
    expect((await rows(a.session, 'SELECT @@wait_timeout, @@sql_select_limit, @x, @y, @unset')).rows).toEqual([[60n, 10n, 5n, 10n, null]]);
    expect(a.session.idleTimeoutSeconds()).toBe(60);
    await q(a.session, 'SET wait_timeout = DEFAULT');
    expect(a.session.idleTimeoutSeconds()).toBe(28800);
    await q(a.session, 'SET GLOBAL sql_safe_updates = ON');
    expect((await rows(a.session, 'SELECT @@global.sql_safe_updates, @@session.sql_safe_updates')).rows).toEqual([[1n, 0n]]);
    await q(a.session, 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    expect((await rows(a.session, 'SELECT @@transaction_isolation')).rows).toEqual([['READ-COMMITTED']]);
  });

  it('shows variables with LIKE and WHERE, booleans as ON/OFF', async () => {
    const { session } = makeSession();
    expect((await rows(session, "SHOW VARIABLES LIKE 'autocommit'")).rows).toEqual([['autocommit', 'ON']]);
    expect((await rows(session, "SHOW SESSION VARIABLES LIKE 'character\\_set\\_c%'")).rows).toEqual([
      ['character_set_client', 'utf8mb4'], ['character_set_connection', 'utf8mb4'],
    ]);
    expect((await rows(session, "SHOW VARIABLES WHERE Variable_name = 'max_allowed_packet' OR variable_name = 'lower_case_table_names'")).rows).toEqual([
      ['lower_case_table_names', '0'], ['max_allowed_packet', '67108864'],
    ]);
    await expect(q(session, 'SHOW VARIABLES WHERE nope = 1')).rejects.toMatchObject({ errno: 1054 });
    expect((await rows(session, "SHOW STATUS LIKE 'Threads_connected'")).rows).toEqual([['Threads_connected', '2']]);
  });
});

describe('other session statements', () => {
  it('answers SHOW DATABASES, CHARSET, COLLATION, ENGINES, GRANTS and USE', async () => {
    const { session } = makeSession();
    expect((await rows(session, 'SHOW DATABASES')).rows).toEqual([['information_schema'], ['shop'], ['test']]);
    expect((await rows(session, "SHOW schemas LIKE 's%'")).rows).toEqual([['shop']]);
    expect((await rows(session, "SHOW CHARACTER SET LIKE 'utf8mb4'")).rows).toEqual([['utf8mb4', 'UTF-8 Unicode', 'utf8mb4_general_ci', 4n]]);
    expect((await rows(session, "SHOW COLLATION WHERE Charset = 'latin1' AND `Default` = 'Yes'")).rows).toEqual([['latin1_swedish_ci', 'latin1', 8n, 'Yes', 'Yes', 1n, 'PAD SPACE']]);
    expect((await rows(session, 'SHOW ENGINES')).rows[0]![0]).toBe('InnoDB');
    expect((await rows(session, 'SHOW GRANTS')).rows).toEqual([['GRANT ALL PRIVILEGES ON *.* TO `root`@`%`']]);
    await q(session, 'USE shop');
    expect(session.database()).toBe('shop');
    await expect(q(session, 'USE nowhere')).rejects.toMatchObject({ errno: 1049, message: "Unknown database 'nowhere'" });
  });

  it('keeps warnings for SHOW WARNINGS and errors for SHOW ERRORS', async () => {
    const { session } = makeSession();
    await expect(q(session, 'SELECT 1 +')).rejects.toMatchObject({ errno: 1064 });
    const errs = await rows(session, 'SHOW ERRORS');
    expect(errs.names).toEqual(['Level', 'Code', 'Message']);
    expect(errs.rows[0]!.slice(0, 2)).toEqual(['Error', 1064n]);
    expect((await rows(session, 'SHOW COUNT(*) ERRORS')).rows).toEqual([[1n]]);
    await q(session, 'SELECT 1');
    expect((await rows(session, 'SHOW WARNINGS')).rows).toEqual([]);
  });

  it('lists processes (own only unless admin) and kills with MySQL errors', async () => {
    const admin = makeSession();
    expect((await rows(admin.session, 'SHOW PROCESSLIST')).rows.length).toBe(2);
    await q(admin.session, 'KILL QUERY 2');
    expect(admin.control.killed).toEqual([[2, 'query']]);
    await expect(q(admin.session, 'KILL 99')).rejects.toMatchObject({ errno: 1094, message: 'Unknown thread id: 99' });
    const user = makeSession({ name: 'carol', admin: false });
    expect((await rows(user.session, 'SHOW FULL PROCESSLIST')).rows.length).toBe(0);
    await expect(q(user.session, 'KILL 2')).rejects.toMatchObject({ errno: 1095 });
  });

  it('runs multi-statements in order and passes other statements to the target as written', async () => {
    const { session, target } = makeSession();
    const results = await q(session, 'SELECT 1; create table t (id int); SELECT LAST_INSERT_ID();', true);
    expect(results.map((r) => r.kind)).toEqual(['rows', 'ok', 'rows']);
    expect(target.executed).toEqual(['create table t (id int)']);
    expect([...((results[2] as { rows: Iterable<Row> }).rows)]).toEqual([[42n]]);
    await expect(q(session, 'SELECT 1; SELECT 2')).rejects.toMatchObject({ errno: 1064 });
  });

  it('refuses job statements clearly while no job engine is attached', async () => {
    const { session } = makeSession();
    await expect(q(session, "CANCEL JOB '123'")).rejects.toBeInstanceOf(SqlError);
  });
});

describe('helpers', () => {
  it('binds prepared-statement parameters as escaped literals, skipping ? inside strings', () => {
    expect(bindParameters("SELECT ?, '?', ?, ?, ?", ["it's\n", 2n, null, Buffer.from('ab')])).toBe("SELECT 'it\\'s\\n', '?', 2, NULL, X'6162'");
    expect(() => bindParameters('SELECT ?', [])).toThrow(SqlError);
  });

  it('renders NOW() in the session time zone', () => {
    const at = new Date(Date.UTC(2024, 0, 31, 23, 30, 0));
    expect(nowInZone('+00:00', at)).toBe('2024-01-31 23:30:00');
    expect(nowInZone('+05:30', at)).toBe('2024-02-01 05:00:00');
    expect(nowInZone('America/New_York', at)).toBe('2024-01-31 18:30:00');
  });
});

// The real daemon, on port 0, with a real mariadbd as its target, driven by real clients: mysql2
// (queries, prepared statements with every column type, multi-statements, TLS, both auth plugins,
// wrong passwords, KILL) and the `mariadb` CLI in batch mode.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, startMariaDb, type MariaDbInstance } from './harness/mariadb.js';
import { startTestDaemon, type TestDaemon } from './support/daemon.js';

const run = promisify(execFile);
let mariadb: MariaDbInstance;
let lw: TestDaemon;

beforeAll(async () => {
  mariadb = await startMariaDb();
  lw = await startTestDaemon(['--target', mariadb.url], {
    users: [
      { name: 'alice', password: 's3cret' },
      { name: 'sha', password: 'sha-pass', plugin: 'caching_sha2_password' },
      // known only by its native hash (SHA1(SHA1('legacy-pass'))): caching_sha2 needs full auth
      { name: 'legacy', nativeHash: '*5116D9518E23291D84759788E66077916D9AEDDC', plugin: 'caching_sha2_password' },
    ],
  });
}, 120_000);

afterAll(async () => {
  await lw?.stop();
  await mariadb?.stop();
});

const open: mysql.Connection[] = [];
async function connect(opts: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: lw.port, user: 'root', password: '', ...opts });
  c.on('error', () => undefined);
  open.push(c);
  return c;
}
afterAll(() => {
  for (const c of open) c.destroy();
});

describe('mysql2 through loadwire to a MariaDB target', () => {
  it('creates a table with every column type, inserts, and reads back in text and binary protocol', async () => {
    const c = await connect({ database: 'test', supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
    await c.query('DROP TABLE IF EXISTS all_types');
    await c.query(`CREATE TABLE all_types (
      id INT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT, bi BIGINT, ub BIGINT UNSIGNED,
      f FLOAT, d DOUBLE, dec1 DECIMAL(12,2), dt DATE, dtm DATETIME(6), ts TIMESTAMP NULL, tm TIME, y YEAR,
      vc VARCHAR(64), tx TEXT, bl BLOB, js JSON, en ENUM('a','b'), bt BIT(8), nul INT)`);
    const [ins] = await c.query<mysql.ResultSetHeader>(
      `INSERT INTO all_types VALUES (1, -128, -32768, -8388608, -9223372036854775808, 18446744073709551615,
        1.5, 2.25, 1234567890.12, '2024-02-29', '2024-02-29 13:14:15.123456', '2024-01-01 00:00:01', '-838:59:59', 2024,
        'it''s ü ☃ 😀', 'long text', X'00FF10', '{"k": [1, 2]}', 'b', b'10100101', NULL)`,
    );
    expect(ins.affectedRows).toBe(1);
    const expected = {
      id: 1, ti: -128, si: -32768, mi: -8388608, bi: '-9223372036854775808', ub: '18446744073709551615',
      f: 1.5, d: 2.25, dec1: '1234567890.12', dt: '2024-02-29', dtm: '2024-02-29 13:14:15.123456', ts: '2024-01-01 00:00:01',
      tm: '-838:59:59', y: 2024, vc: "it's ü ☃ 😀", tx: 'long text', bl: Buffer.from([0, 0xff, 0x10]),
      en: 'b', bt: Buffer.from([0xa5]), nul: null,
    };
    const [text] = await c.query<mysql.RowDataPacket[]>('SELECT * FROM all_types');
    expect(text[0]).toMatchObject(expected);
    expect(JSON.parse(String(text[0]!.js))).toEqual({ k: [1, 2] });
    const [binary] = await c.execute<mysql.RowDataPacket[]>('SELECT * FROM all_types WHERE id = ?', [1]);
    expect(binary[0]).toMatchObject({ ...expected, js: expect.anything() });
  });

  it('passes target errors through with their errno and SQLSTATE, and keeps the connection', async () => {
    const c = await connect({ database: 'test' });
    await expect(c.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ errno: 1146, sqlState: '42S02' });
    await expect(c.query('SELEC 1')).rejects.toMatchObject({ errno: 1064, sqlState: '42000' });
    await expect(c.query('SELECT 1 +')).rejects.toMatchObject({ errno: 1064, sqlState: '42000', message: expect.stringContaining("loadwire version for the right syntax to use near '' at line 1") });
    const [rows] = await c.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('answers multi-statements when negotiated, and 1064 otherwise', async () => {
    const multi = await connect({ database: 'test', multipleStatements: true });
    const [results] = await multi.query('SELECT 1 AS a; SELECT @@autocommit AS b; SELECT COUNT(*) AS n FROM all_types');
    expect(results).toEqual([[{ a: 1 }], [{ b: 1 }], [{ n: 1 }]]);
    const single = await connect({ database: 'test' });
    await expect(single.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ errno: 1064 });
  });

  it('authenticates with both plugins, switches plugins, and refuses wrong passwords with 1045', async () => {
    await connect({ user: 'alice', password: 's3cret' });
    await connect({ user: 'sha', password: 'sha-pass' });
    await expect(connect({ user: 'alice', password: 'nope' })).rejects.toMatchObject({ errno: 1045, sqlState: '28000' });
    await expect(connect({ user: 'sha', password: 'nope' })).rejects.toMatchObject({ errno: 1045, sqlState: '28000' });
  });

  it('runs caching_sha2 full authentication (RSA key retrieval) for a user known by its native hash', async () => {
    const c = await connect({ user: 'legacy', password: 'legacy-pass' });
    const [rows] = await c.query('SELECT CURRENT_USER() AS u');
    expect(rows).toEqual([{ u: 'legacy@%' }]);
    await expect(connect({ user: 'legacy', password: 'wrong' })).rejects.toMatchObject({ errno: 1045 });
  });

  it('upgrades to TLS with the auto-generated certificate', async () => {
    const c = await connect({ ssl: { rejectUnauthorized: false } });
    const [rows] = await c.query<mysql.RowDataPacket[]>("SHOW STATUS LIKE 'Ssl_version'");
    expect(rows[0]!.Value).toMatch(/^TLS/);
    const [plain] = await (await connect()).query<mysql.RowDataPacket[]>("SHOW STATUS LIKE 'Ssl_version'");
    expect(plain[0]!.Value).toBe('');
  });

  it('KILL QUERY interrupts SLEEP as MySQL does (it returns 1), KILL CONNECTION ends the session', async () => {
    const victim = await connect();
    const killer = await connect();
    const id = victim.threadId;
    const started = Date.now();
    const sleeping = victim.query<mysql.RowDataPacket[]>('SELECT SLEEP(20) AS s');
    await new Promise((r) => setTimeout(r, 200));
    const [list] = await killer.query<mysql.RowDataPacket[]>('SHOW PROCESSLIST');
    expect(list.find((p) => p.Id === id)).toMatchObject({ Command: 'Query', Info: 'SELECT SLEEP(20) AS s' });
    await killer.query(`KILL QUERY ${id}`);
    const [[row]] = await sleeping;
    expect(row).toEqual({ s: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
    await killer.query(`KILL ${id}`);
    await expect(victim.query('SELECT 1')).rejects.toBeTruthy();
    await expect(killer.query('KILL 987654')).rejects.toMatchObject({ errno: 1094 });
  });
});

describe('the mariadb CLI in batch mode', () => {
  const cli = (): string => findBinary(['mariadb', 'mysql']);

  it('connects, lists databases, switches database, runs a query', async () => {
    const { stdout } = await run(cli(), ['-h', '127.0.0.1', '-P', String(lw.port), '-u', 'root', '--batch', '-e', 'SHOW DATABASES; USE test; SELECT DATABASE(), COUNT(*) FROM all_types']);
    expect(stdout).toContain('Database\ninformation_schema\n');
    expect(stdout).toContain('test\n');
    expect(stdout).toContain('DATABASE()\tCOUNT(*)\ntest\t1\n');
  });

  it('reports an error with its code and SQLSTATE and exits non-zero', async () => {
    const err = await run(cli(), ['-h', '127.0.0.1', '-P', String(lw.port), '-u', 'root', '--batch', '-e', 'SELECT 1 +']).catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/ERROR 1064 \(42000\) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your loadwire version/);
  });

  it('uses TLS when offered (the CLI always asks) and the connection works', async () => {
    const { stdout } = await run(cli(), ['-h', '127.0.0.1', '-P', String(lw.port), '-u', 'root', '--batch', '-e', "SHOW STATUS LIKE 'Ssl_version'"]);
    expect(stdout).toMatch(/Ssl_version\tTLS/);
  });

  it('refuses a wrong password with 1045', async () => {
    const err = await run(cli(), ['-h', '127.0.0.1', '-P', String(lw.port), '-u', 'alice', '-pwrong', '--batch', '-e', 'SELECT 1']).catch((e: { stderr: string }) => e);
    expect(err.stderr).toMatch(/ERROR 1045 \(28000\): Access denied for user 'alice'@'localhost' \(using password: YES\)/);
  });
});

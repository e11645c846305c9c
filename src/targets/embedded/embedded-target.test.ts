// The embedded target end to end: MySQL statements in, MySQL answers out, against a real
// warehouse directory. Metadata queries are the exact texts real clients send (clients.md §3/§9,
// Connector/J 2.7.6's DatabaseMetaData as built by its source).

import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ColumnFlag, ColumnType, type QueryResult, type Row, type RowsResult } from '../../protocol/handler.js';
import { SqlError } from '../../protocol/sql-error.js';
import { EmbeddedTarget } from './embedded-target.js';

let dir: string;
let target: EmbeddedTarget;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadwire-embedded-'));
  target = EmbeddedTarget.open({ directory: dir, version: '8.0.36-loadwire-test' });
});

afterEach(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(sql: string, database: string | null = 'test'): Promise<QueryResult> {
  return target.execute(sql, { database });
}

async function query(sql: string, database: string | null = 'test'): Promise<RowsResult> {
  const r = await run(sql, database);
  if (r.kind !== 'rows') throw new Error(`expected rows from ${sql}`);
  return r;
}

function rowsOf(r: RowsResult): Row[] {
  return [...(r.rows as Iterable<Row>)];
}

async function fails(sql: string, errno: number, sqlState: string, database: string | null = 'test'): Promise<SqlError> {
  try {
    await run(sql, database);
  } catch (e) {
    expect(e).toBeInstanceOf(SqlError);
    const err = e as SqlError;
    expect({ errno: err.errno, sqlState: err.sqlState }).toEqual({ errno, sqlState });
    return err;
  }
  throw new Error(`expected ${sql} to fail with ${errno}`);
}

const T_MIXED = `CREATE TABLE t_mixed (
  id int NOT NULL AUTO_INCREMENT,
  qty int DEFAULT NULL,
  name varchar(64) DEFAULT NULL COMMENT 'display name',
  amount decimal(12,2) DEFAULT NULL,
  created datetime DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='mixed types'`;

async function withMixed(): Promise<void> {
  await run(T_MIXED);
  await run(`INSERT INTO t_mixed (qty, name, amount, created) VALUES
    (1, 'it\\'s ü ☃ 😀', 12.5, '2024-01-31 12:00:00'), (NULL, 'b', NULL, NULL), (3, 'c', 0.1, '2024-02-29')`);
}

describe('warehouse', () => {
  it('creates test on first start, one file per database, and validates names', async () => {
    expect(await target.databases()).toEqual(['test']);
    expect(existsSync(join(dir, 'test.sqlite'))).toBe(true);
    await run('CREATE DATABASE shop');
    await run('CREATE DATABASE IF NOT EXISTS shop');
    await fails('CREATE DATABASE shop', 1007, 'HY000');
    expect(await target.databases()).toEqual(['shop', 'test']);
    await fails('CREATE DATABASE `../evil`', 1102, '42000');
    await fails('CREATE DATABASE `a/b`', 1102, '42000');
    await fails('CREATE DATABASE information_schema', 1044, '42000');
    await run('CREATE TABLE shop.items (id int PRIMARY KEY)');
    await run('INSERT INTO shop.items VALUES (1), (2)');
    expect(rowsOf(await query('SELECT count(*) FROM shop.items'))).toEqual([[2]]);
    expect(await run('DROP DATABASE shop')).toMatchObject({ kind: 'ok', affectedRows: 1 });
    expect(existsSync(join(dir, 'shop.sqlite'))).toBe(false);
    await fails('DROP DATABASE shop', 1008, 'HY000');
    await run('DROP DATABASE IF EXISTS shop');
  });

  it('does not recreate test after it was dropped, and keeps data across reopen', async () => {
    await run('CREATE TABLE keep (a int)');
    await run('INSERT INTO keep VALUES (7)');
    await target.close();
    target = EmbeddedTarget.open({ directory: dir });
    expect(rowsOf(await query('SELECT a FROM keep'))).toEqual([[7]]);
    await run('DROP DATABASE test');
    await target.close();
    target = EmbeddedTarget.open({ directory: dir });
    expect(await target.databases()).toEqual([]);
  });

  it('uses more databases than SQLite can attach at once', async () => {
    for (let i = 0; i < 14; i++) {
      await run(`CREATE DATABASE d${i}`);
      await run(`CREATE TABLE d${i}.t (v int)`);
      await run(`INSERT INTO d${i}.t VALUES (${i})`);
    }
    for (let i = 13; i >= 0; i--) expect(rowsOf(await query(`SELECT v FROM d${i}.t`))).toEqual([[i]]);
    const union = Array.from({ length: 9 }, (_, i) => `SELECT v FROM d${i}.t`).join(' UNION ALL ');
    expect(rowsOf(await query(union))).toHaveLength(9);
    const tooMany = Array.from({ length: 10 }, (_, i) => `SELECT v FROM d${i}.t`).join(' UNION ALL ');
    await fails(tooMany, 1116, 'HY000');
    const all = rowsOf(await query("SELECT count(*) FROM information_schema.tables WHERE table_schema LIKE 'd%'"));
    expect(all).toEqual([[14]]);
  });

  it('keeps same-named tables of different databases apart', async () => {
    await run('CREATE DATABASE other');
    await run('CREATE TABLE t (v varchar(10))');
    await run('CREATE TABLE other.t (v varchar(10))');
    await run("INSERT INTO t VALUES ('test')");
    await run("INSERT INTO t VALUES ('other')", 'other');
    expect(rowsOf(await query('SELECT v FROM t'))).toEqual([['test']]);
    expect(rowsOf(await query('SELECT v FROM t', 'other'))).toEqual([['other']]);
    expect(rowsOf(await query('SELECT a.v, b.v FROM test.t a JOIN other.t b'))).toEqual([['test', 'other']]);
  });
});

describe('DDL and DML', () => {
  it('creates, fills, updates and deletes with MySQL semantics', async () => {
    await withMixed();
    await fails(T_MIXED, 1050, '42S01');
    expect(await run(T_MIXED.replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS'))).toMatchObject({ kind: 'ok', warnings: 1 });
    const r = await query('SELECT * FROM t_mixed ORDER BY id');
    expect(rowsOf(r)).toEqual([
      [1, 1, 'it\'s ü ☃ 😀', '12.50', '2024-01-31 12:00:00'],
      [2, null, 'b', null, null],
      [3, 3, 'c', '0.10', '2024-02-29 00:00:00'],
    ]);
    expect(await run("UPDATE t_mixed SET qty = qty + 1 WHERE name = 'C'")).toMatchObject({ affectedRows: 1 });
    expect(await run('DELETE FROM t_mixed WHERE id = 2')).toMatchObject({ affectedRows: 1 });
    expect(rowsOf(await query('SELECT id, qty FROM t_mixed ORDER BY id'))).toEqual([[1, 1], [3, 4]]);
  });

  it('reports the first AUTO_INCREMENT id of a multi-row insert and honours AUTO_INCREMENT=n', async () => {
    await run('CREATE TABLE a (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, v int) AUTO_INCREMENT=100');
    expect(await run('INSERT INTO a (v) VALUES (1), (2), (3)')).toMatchObject({ affectedRows: 3, insertId: 100 });
    expect(await run('INSERT INTO a (v) VALUES (4)')).toMatchObject({ insertId: 103 });
    expect((await target.tableStatus('test', 'a'))?.autoIncrement).toBe(104n);
    await run('TRUNCATE TABLE a');
    expect(await run('INSERT INTO a (v) VALUES (5)')).toMatchObject({ insertId: 1 });
  });

  it('supports INSERT IGNORE, REPLACE, ON DUPLICATE KEY UPDATE and INSERT ... SET', async () => {
    await run('CREATE TABLE kv (k varchar(10) PRIMARY KEY, v int NOT NULL DEFAULT 0, UNIQUE KEY uv (v))');
    await run("INSERT INTO kv SET k = 'a', v = 1");
    await fails("INSERT INTO kv VALUES ('a', 2)", 1062, '23000');
    expect(await run("INSERT IGNORE INTO kv VALUES ('a', 2), ('b', 2)")).toMatchObject({ affectedRows: 1 });
    await run("REPLACE INTO kv VALUES ('b', 3)");
    await run("INSERT INTO kv (k, v) VALUES ('a', 10) ON DUPLICATE KEY UPDATE v = v + VALUES(v)");
    expect(rowsOf(await query('SELECT k, v FROM kv ORDER BY k'))).toEqual([['a', 11], ['b', 3]]);
  });

  it('answers MySQL duplicate-entry messages with the value and key name', async () => {
    await run('CREATE TABLE u (id int PRIMARY KEY, email varchar(50), UNIQUE KEY uq_email (email))');
    await run("INSERT INTO u VALUES (1, 'a@x')");
    const pk = await fails("INSERT INTO u VALUES (1, 'b@x')", 1062, '23000');
    expect(pk.message).toBe("Duplicate entry '1' for key 'PRIMARY'");
    const uq = await fails("INSERT INTO u VALUES (2, 'c@x'), (3, 'a@x')", 1062, '23000');
    expect(uq.message).toBe("Duplicate entry 'a@x' for key 'uq_email'");
  });

  it('enforces NOT NULL, lengths, ranges, dates and enums with MySQL errors', async () => {
    await run("CREATE TABLE c (id int NOT NULL, s varchar(3), t tinyint, u int unsigned, d date, dt datetime, e enum('x','y'), j json)");
    await fails('INSERT INTO c (id) VALUES (NULL)', 1048, '23000');
    await fails("INSERT INTO c (id, s) VALUES (1, 'abcd')", 1406, '22001');
    await fails('INSERT INTO c (id, t) VALUES (1, 128)', 1264, '22003');
    await fails('INSERT INTO c (id, u) VALUES (1, -1)', 1264, '22003');
    await fails("INSERT INTO c (id, d) VALUES (1, 'not a date')", 1292, '22007');
    await fails("INSERT INTO c (id, dt) VALUES (1, '2024-13-01')", 1292, '22007');
    await fails("INSERT INTO c (id, e) VALUES (1, 'z')", 1265, '01000');
    await fails("INSERT INTO c (id, j) VALUES (1, '{bad')", 3140, '22032');
    await fails("INSERT INTO c (id) VALUES ('abc')", 1366, 'HY000');
    await run("INSERT INTO c (id, s, e, d) VALUES (1, 'ab', 'X', '2024-1-5')");
    expect(rowsOf(await query('SELECT s, e, d FROM c'))).toEqual([['ab', 'X', '2024-01-05']]);
  });

  it('handles ALTER TABLE ADD/DROP/MODIFY/CHANGE/RENAME and indexes, keeping rows', async () => {
    await withMixed();
    await run("ALTER TABLE t_mixed ADD COLUMN note varchar(20) NOT NULL DEFAULT 'n/a' AFTER name, ADD INDEX idx_qty (qty)");
    await run('ALTER TABLE t_mixed DROP COLUMN amount');
    await run('ALTER TABLE t_mixed CHANGE qty quantity bigint');
    await run('ALTER TABLE t_mixed MODIFY name varchar(100) NOT NULL');
    await run('CREATE UNIQUE INDEX uq_note ON t_mixed (note, id)');
    await run('DROP INDEX idx_name ON t_mixed');
    await run('ALTER TABLE t_mixed RENAME TO mixed');
    await fails('SELECT * FROM t_mixed', 1146, '42S02');
    const def = await target.table('test', 'mixed');
    expect(def?.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['id int', 'quantity bigint', 'name varchar(100)', 'note varchar(20)', 'created datetime']);
    expect(def?.indexes.map((i) => i.name)).toEqual(['PRIMARY', 'uq_note', 'idx_qty']);
    expect(rowsOf(await query('SELECT id, quantity, note FROM mixed ORDER BY id'))).toEqual([[1, 1, 'n/a'], [2, null, 'n/a'], [3, 3, 'n/a']]);
    expect(await run('INSERT INTO mixed (name) VALUES (\'d\')')).toMatchObject({ insertId: 4 });
    await fails('ALTER TABLE mixed DROP COLUMN nope', 1091, '42000');
    await fails('ALTER TABLE mixed ADD COLUMN id int', 1060, '42S21');
    await run('RENAME TABLE mixed TO t_mixed');
    expect(rowsOf(await query('SELECT count(*) FROM t_mixed'))).toEqual([[4]]);
  });

  it('drops tables with MySQL errors for missing ones', async () => {
    await run('CREATE TABLE x (a int)');
    await fails('DROP TABLE x, y', 1051, '42S02');
    expect(await run('DROP TABLE IF EXISTS x, y')).toMatchObject({ kind: 'ok', warnings: 1 });
    await fails('SELECT * FROM x', 1146, '42S02');
  });

  it('fills ON UPDATE CURRENT_TIMESTAMP and DEFAULT CURRENT_TIMESTAMP', async () => {
    await run('CREATE TABLE ts (id int PRIMARY KEY, v int, made datetime DEFAULT CURRENT_TIMESTAMP, changed timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)');
    await run('INSERT INTO ts (id, v) VALUES (1, 1)');
    const [first] = rowsOf(await query('SELECT made, changed FROM ts'));
    expect(first?.[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(first?.[1]).toBeNull();
    await run('UPDATE ts SET v = 2');
    expect(rowsOf(await query('SELECT changed FROM ts'))[0]?.[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});

describe('SELECT translation and typing', () => {
  it('types table columns from the catalog and expressions from their values', async () => {
    await withMixed();
    const r = await query('SELECT id, name, amount, created, qty * 2, 5/2, CONCAT(name, 1), NULL, x\'41\' FROM t_mixed WHERE id = 1');
    expect(r.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', ColumnType.LONG],
      ['name', ColumnType.VAR_STRING],
      ['amount', ColumnType.NEWDECIMAL],
      ['created', ColumnType.DATETIME],
      ['qty * 2', ColumnType.LONGLONG],
      ['5/2', ColumnType.DOUBLE],
      ['CONCAT(name, 1)', ColumnType.VAR_STRING],
      ['NULL', ColumnType.NULL],
      ["x'41'", ColumnType.BLOB],
    ]);
    const id = r.columns[0];
    expect(id && (id.flags ?? 0) & ColumnFlag.PRI_KEY).toBeTruthy();
    expect(id && (id.flags ?? 0) & ColumnFlag.AUTO_INCREMENT).toBeTruthy();
    expect(r.columns[1]).toMatchObject({ schema: 'test', orgTable: 't_mixed', orgName: 'name', length: 256 });
    expect(rowsOf(r)).toEqual([[1, 'it\'s ü ☃ 😀', '12.50', '2024-01-31 12:00:00', 2, 2.5, 'it\'s ü ☃ 😀1', null, Buffer.from('A')]]);
  });

  it('keeps integers beyond 2^53 exact', async () => {
    await run('CREATE TABLE big (id bigint PRIMARY KEY, u bigint unsigned)');
    await run('INSERT INTO big VALUES (9007199254740993, 9223372036854775807), (-9223372036854775808, 0)');
    expect(rowsOf(await query('SELECT id, u FROM big ORDER BY id'))).toEqual([
      [-9223372036854775808n, 0],
      [9007199254740993n, 9223372036854775807n],
    ]);
    expect(rowsOf(await query('SELECT id + 0, 9007199254740993 FROM big WHERE id > 0'))).toEqual([[9007199254740993n, 9007199254740993n]]);
    expect(rowsOf(await query('SELECT * FROM big WHERE id = ?'.replace('?', '9007199254740993')))).toHaveLength(1);
  });

  it('runs MySQL-flavoured SQL: backticks, LIMIT a,b, functions, INTERVAL, CAST/CONVERT', async () => {
    await withMixed();
    const q = async (sql: string): Promise<Row[]> => rowsOf(await query(sql));
    expect(await q('SELECT `id` FROM `t_mixed` ORDER BY `id` LIMIT 1, 1')).toEqual([[2]]);
    expect(await q('SELECT id FROM t_mixed ORDER BY id LIMIT 1 OFFSET 2')).toEqual([[3]]);
    expect(await q("SELECT CONCAT('a', NULL), CONCAT_WS('-', 'a', NULL, 'b'), IFNULL(NULL, 'x'), IF(1 > 2, 'y', 'n')")).toEqual([[null, 'a-b', 'x', 'n']]);
    expect(await q("SELECT LOCATE('b', 'abcb'), LOCATE('b', 'abcb', 3), LEFT('hello', 2), RIGHT('hello', 3), LPAD('7', 3, '0'), RPAD('ab', 4, '.'), UCASE('x'), LCASE('Y')")).toEqual([[2, 4, 'he', 'llo', '007', 'ab..', 'X', 'y']]);
    expect(await q("SELECT DATE_FORMAT('2024-01-31 13:05:09', '%Y/%m/%d %H:%i:%s %W %M %D %p'), UNIX_TIMESTAMP('1970-01-02 00:00:00') > 0, FROM_UNIXTIME(0) IS NOT NULL")).toEqual([['2024/01/31 13:05:09 Wednesday January 31st PM', 1, 1]]);
    expect(await q("SELECT '2024-01-31' + INTERVAL 1 MONTH, DATE_ADD('2024-01-31 23:00:00', INTERVAL 2 HOUR), DATE_SUB('2024-03-01', INTERVAL 1 DAY), '2024-01-31 10:00:00' - INTERVAL '1:30' HOUR_MINUTE")).toEqual([['2024-02-29', '2024-02-01 01:00:00', '2024-02-29', '2024-01-31 08:30:00']]);
    expect(await q("SELECT CONVERT('42abc', UNSIGNED INTEGER), CAST('-7' AS SIGNED), CAST(12 AS CHAR), CAST('3.14159' AS DECIMAL(10,2)), CAST('2024-01-31 10:00:00' AS DATE)")).toEqual([[42, -7, '12', 3.14, '2024-01-31']]);
    expect(await q('SELECT 7 DIV 2, 7 MOD 3, 1 XOR 1, !0, 5 / 0, GREATEST(1, 3, 2), LEAST(4, 2)')).toEqual([[3, 1, 0, 1, null, 3, 2]]);
    expect(await q("SELECT name FROM t_mixed WHERE name LIKE 'it\\'s%' AND name REGEXP '^IT'")).toEqual([['it\'s ü ☃ 😀']]);
    expect(await q("SELECT 'a_b' LIKE 'a\\_b', 'axb' LIKE 'a\\_b'")).toEqual([[1, 0]]);
    expect(await q('SELECT DATABASE(), VERSION(), SCHEMA()')).toEqual([['test', '8.0.36-loadwire-test', 'test']]);
    expect(await q("SELECT GROUP_CONCAT(name ORDER BY id SEPARATOR '|'), COUNT(DISTINCT qty) FROM t_mixed WHERE id > 1")).toEqual([['b|c', 1]]);
    expect(await q('SELECT YEAR(created), MONTH(created), DAY(created), DATEDIFF(\'2024-03-01\', \'2024-02-01\') FROM t_mixed WHERE id = 1')).toEqual([[2024, 1, 31, 29]]);
    expect(await q("SELECT TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-03-30'), TRUNCATE(1.999, 2), SUBSTRING_INDEX('a.b.c', '.', -2)")).toEqual([[1, 1.99, 'b.c']]);
    expect(await q('SELECT t.id FROM t_mixed AS `t` WHERE t.id IN (SELECT id FROM t_mixed WHERE qty IS NOT NULL) ORDER BY 1')).toEqual([[1], [3]]);
    expect(await q('WITH c AS (SELECT id FROM t_mixed WHERE id < 3) SELECT count(*) FROM c')).toEqual([[2]]);
    expect(await q("SELECT 1 FROM DUAL WHERE 'ABC' = 'abc'")).toHaveLength(0);
    expect(await q("SELECT name FROM t_mixed WHERE name = 'B'")).toEqual([['b']]);
  });

  it('names unaliased expressions after their text, as MySQL does', async () => {
    const r = await query("SELECT 1 + 1, COUNT(*), 'lit', \"dq\" , 2 AS two FROM DUAL");
    expect(r.columns.map((c) => c.name)).toEqual(['1 + 1', 'COUNT(*)', 'lit', 'dq', 'two']);
  });

  it('binds ? placeholders', async () => {
    await withMixed();
    const r = await target.execute('SELECT name FROM t_mixed WHERE id = ? AND qty = ?', { database: 'test', params: [3, 3n] });
    expect(r.kind === 'rows' && rowsOf(r)).toEqual([['c']]);
    await expect(target.execute('SELECT ?', { database: 'test', params: [] })).rejects.toMatchObject({ errno: 1210 });
  });

  it('honours the session time zone in NOW()', async () => {
    const utc = await target.execute('SELECT NOW(), UTC_TIMESTAMP()', { database: 'test', timeZone: '+00:00' });
    const [row] = rowsOf(utc as RowsResult);
    expect(row?.[0]).toBe(row?.[1]);
  });
});

describe('errors', () => {
  it('maps every failure to a SqlError with MySQL codes', async () => {
    await withMixed();
    await fails('SELECT * FROM nope', 1146, '42S02');
    await fails('SELECT nope FROM t_mixed', 1054, '42S22');
    await fails('SELECT * FROM nodb.t', 1146, '42S02');
    await fails('CREATE TABLE nodb.t (a int)', 1049, '42000');
    await fails('SELECT * FROM t_mixed', 1046, '3D000', null);
    await fails('SELECT nosuchfn(1)', 1305, '42000');
    await fails('INSERT INTO t_mixed (id, qty) VALUES (1)', 1136, '21S01');
    await fails('SELECT 1 UNION SELECT 1, 2', 1222, '21000');
    await fails('', 1065, '42000');
    await fails('SELECT * FROM __loadwire_catalog', 1146, '42S02');
    const syntax = await fails('SELEC 1', 1064, '42000');
    expect(syntax.message).toBe("You have an error in your SQL syntax; check the manual that corresponds to your loadwire version for the right syntax to use near 'SELEC 1' at line 1");
    await fails('SELECT 1; SELECT 2', 1064, '42000');
  });

  it('never throws anything but SqlError on garbage', async () => {
    await withMixed();
    const garbage = [
      '\0\0\0', "SELECT '", 'SELECT (((', ')))', 'SELECT * FROM', 'INSERT INTO', 'CREATE TABLE (', 'DROP', 'SHOW', 'SHOW TABLES FROM',
      'SHOW COLUMNS FROM nope', 'DESCRIBE', 'ALTER TABLE t_mixed FROBNICATE', 'SELECT @@version', 'SELECT * FROM t_mixed WHERE id = @x',
      'UPDATE t_mixed JOIN t_mixed b SET qty = 1', 'CREATE VIEW v AS SELECT 1', 'SELECT 1 INTO OUTFILE \'/tmp/x\'', '😀', 'SELECT `',
      'select * from t_mixed where name = "unterminated', 'LOAD DATA INFILE \'x\' INTO TABLE t', 'CALL p()', 'SELECT COUNT(*) FROM information_schema.nope',
      'SHOW WHERE 1', 'SHOW TABLES WHERE (SELECT nope)', 'CREATE TABLE z (a varchar)', 'CREATE TABLE z (a int AUTO_INCREMENT)',
    ];
    for (const sql of garbage) {
      await expect(target.execute(sql, { database: 'test' }), sql).rejects.toBeInstanceOf(SqlError);
    }
    for (let i = 0; i < 300; i++) {
      const bytes = Array.from({ length: 1 + (i % 40) }, (_, k) => String.fromCharCode(32 + ((i * 31 + k * 17) % 95))).join('');
      await target.execute(bytes, { database: 'test' }).catch((e: unknown) => expect(e, bytes).toBeInstanceOf(SqlError));
    }
  });

  it('refuses a statement whose signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(target.execute('SELECT 1', { database: 'test', signal: ac.signal })).rejects.toMatchObject({ errno: 1317 });
  });
});

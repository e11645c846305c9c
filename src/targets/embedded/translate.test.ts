// MySQL → SQLite translation, statement by statement: the printed SQLite text for the forms
// loadwire supports, and MySQL errors for what it refuses.

import sqlParser from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../protocol/sql-error.js';
import { rewriteForParser, tokenize, unescapeMysqlString } from './sql-text.js';
import { Translator, type TranslateContext } from './translate.js';
import { addInterval, dateFormat, parseDateTime, strToDate } from './datetime.js';

const parser = new sqlParser.Parser();

function translate(sql: string, database: string | null = 'test'): { sql: string; ctx: TranslateContext } {
  const rewritten = rewriteForParser(sql);
  const parsed = parser.astify(rewritten.text, { database: 'MySQL', parseOptions: { includeLocations: true } });
  const ast = Array.isArray(parsed) ? parsed[0] : parsed;
  const ctx: TranslateContext = {
    database,
    sql: rewritten.text,
    resolveDatabase: (n) => (['test', 'shop', 'main'].includes(n.toLowerCase()) ? n.toLowerCase() : undefined),
    schemaOf: (d) => (d === 'main' ? 'main~' : d),
    version: '8.0.36-loadwire',
    user: 'root@localhost',
    connectionId: 7,
    referenced: new Set(),
    usesInformationSchema: false,
    paramCount: 0,
  };
  return { sql: new Translator(ctx).statement(ast), ctx };
}

const t = (sql: string, database: string | null = 'test'): string => translate(sql, database).sql;

describe('translation', () => {
  it('qualifies every table with its database schema', () => {
    expect(t('SELECT * FROM `t`')).toBe('SELECT * FROM "test"."t"');
    expect(t('select a.x from shop.t as a join t b on a.id = b.id')).toBe('SELECT "a"."x" FROM "shop"."t" AS "a" INNER JOIN "test"."t" AS "b" ON "a"."id" = "b"."id"');
    expect(t('SELECT * FROM main.t')).toBe('SELECT * FROM "main~"."t"');
    expect(translate('SELECT * FROM shop.t, t').ctx.referenced).toEqual(new Set(['shop', 'test']));
    const is = translate("SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE table_schema = database()");
    expect(is.sql).toBe(`SELECT * FROM "information_schema"."TABLES" WHERE "table_schema" = 'test'`);
    expect(is.ctx.usesInformationSchema).toBe(true);
    expect(t('WITH c AS (SELECT 1 AS a) SELECT a FROM c')).toBe('WITH "c" AS (SELECT 1 AS "a") SELECT "a" FROM "c"');
    expect(() => t('SELECT * FROM t', null)).toThrow(SqlError);
  });

  it('prints LIMIT a,b, string literals, operators and MySQL column names', () => {
    expect(t('SELECT id FROM t LIMIT 5, 10')).toBe('SELECT "id" FROM "test"."t" LIMIT 10 OFFSET 5');
    expect(t("SELECT 'it\\'s', \"dq\", 'a''b'")).toBe(`SELECT 'it''s' AS "it's", 'dq' AS "dq", 'a''b' AS "a'b"`);
    expect(t('SELECT 5 / 2, 7 DIV 2, a XOR b, !a FROM t')).toBe(
      'SELECT CAST(5 AS REAL) / 2 AS "5 / 2", CAST(7 / 2 AS INTEGER) AS "7 DIV 2", (NOT "a") <> (NOT "b") AS "a XOR b", NOT "a" FROM "test"."t"',
    );
    expect(t("SELECT a FROM t WHERE a LIKE 'x\\_%' AND b REGEXP '^z'")).toBe(`SELECT "a" FROM "test"."t" WHERE ("a" LIKE 'x\\_%' ESCAPE '\\') AND ("b" REGEXP '^z')`);
    expect(t('SELECT 1e3, x\'ff\', b\'101\', TRUE')).toBe(`SELECT 1e3 AS "1e3", X'ff' AS "x'ff'", 5 AS "b'101'", TRUE AS "TRUE"`);
  });

  it('maps MySQL functions, CAST/CONVERT and INTERVAL arithmetic', () => {
    expect(t("SELECT IF(a, 1, 2), CONCAT(a, 'x'), IFNULL(a, 0) AS z FROM t")).toBe(
      `SELECT CASE WHEN "a" THEN 1 ELSE 2 END AS "IF(a, 1, 2)", mysql_concat("a", 'x') AS "CONCAT(a, 'x')", ifnull("a", 0) AS "z" FROM "test"."t"`,
    );
    expect(t('SELECT CONVERT(a, UNSIGNED INTEGER) AS x, CAST(b AS SIGNED) AS y, CAST(c AS CHAR) AS z, CAST(d AS DECIMAL(10,2)) AS w FROM t')).toBe(
      'SELECT CAST("a" AS INTEGER) AS "x", CAST("b" AS INTEGER) AS "y", CAST("c" AS TEXT) AS "z", round(CAST("d" AS REAL), 2) AS "w" FROM "test"."t"',
    );
    expect(t('SELECT CONVERT(CASE a WHEN 1 THEN 2 END, UNSIGNED INTEGER) AS x FROM t')).toBe('SELECT CAST(CASE "a" WHEN 1 THEN 2 END AS INTEGER) AS "x" FROM "test"."t"');
    expect(t('SELECT d + INTERVAL 1 DAY AS a, DATE_SUB(d, INTERVAL 2 HOUR) AS b, NOW() AS c FROM t')).toBe(
      `SELECT mysql_date_add("d", 1, 'DAY', 1) AS "a", mysql_date_add("d", 2, 'HOUR', -1) AS "b", mysql_now(0) AS "c" FROM "test"."t"`,
    );
    expect(t('SELECT DATABASE() AS d, VERSION() AS v, CONNECTION_ID() AS c')).toBe(`SELECT 'test' AS "d", '8.0.36-loadwire' AS "v", 7 AS "c"`);
    expect(t("SELECT GROUP_CONCAT(a ORDER BY b SEPARATOR ';') AS g, COUNT(DISTINCT a) AS n FROM t")).toBe(
      `SELECT group_concat("a", ';' ORDER BY "b") AS "g", count(DISTINCT "a") AS "n" FROM "test"."t"`,
    );
  });

  it('prints MySQL DML as SQLite DML', () => {
    expect(t("INSERT IGNORE INTO t (a, b) VALUES (1, 'x'), (2, 'y')")).toBe(`INSERT OR IGNORE INTO "test"."t" ("a", "b") VALUES (1, 'x'), (2, 'y')`);
    expect(t('REPLACE INTO t VALUES (1, 2)')).toBe('REPLACE INTO "test"."t" VALUES (1, 2)');
    expect(t('INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b), a = a + 1')).toBe(
      'INSERT INTO "test"."t" ("a", "b") VALUES (1, 2) ON CONFLICT DO UPDATE SET "b" = excluded."b", "a" = "a" + 1',
    );
    expect(t('INSERT INTO t SET a = 1, b = 2')).toBe('INSERT INTO "test"."t" ("a", "b") VALUES (1, 2)');
    expect(t('UPDATE t SET a = 1 WHERE b = 2 ORDER BY c LIMIT 3')).toBe('UPDATE "test"."t" SET "a" = 1 WHERE "b" = 2 ORDER BY "c" LIMIT 3');
    expect(t('DELETE FROM shop.t WHERE a = ? LIMIT 1')).toBe('DELETE FROM "shop"."t" WHERE "a" = ? LIMIT 1');
  });

  it('refuses what it does not support with MySQL errors', () => {
    const codes = (sql: string): number | undefined => {
      try {
        t(sql);
      } catch (e) {
        return (e as SqlError).errno;
      }
      return undefined;
    };
    expect(codes('SELECT @@version FROM t')).toBe(1235);
    expect(codes('UPDATE t JOIN u ON t.a = u.a SET t.b = 1')).toBe(1235);
    expect(codes('SELECT IF(1, 2) FROM t')).toBe(1582);
    expect(codes('SELECT * FROM __loadwire_catalog')).toBe(1146);
  });
});

describe('parser rewrites and literals', () => {
  it('rewrites spellings node-sql-parser rejects and maps offsets back', () => {
    const r = rewriteForParser('SELECT CONVERT(x, UNSIGNED INTEGER), -9223372036854775808');
    expect(r.text).toBe('SELECT CAST(x AS UNSIGNED), - 9223372036854775808');
    expect(r.toOriginal(r.text.indexOf('- 9'))).toBe('SELECT CONVERT(x, UNSIGNED INTEGER), '.length);
    expect(rewriteForParser('CREATE TABLE t (a bool, b double precision, c real, bool int)').text).toBe('CREATE TABLE t (a tinyint(1), b double, c double, bool int)');
    expect(rewriteForParser("SELECT 'unsigned integer'").text).toBe("SELECT 'unsigned integer'");
  });

  it('unescapes MySQL string literals and tokenizes without throwing', () => {
    expect(unescapeMysqlString("it\\'s \\n \\\\ ''", "'")).toBe("it's \n \\ '");
    expect(unescapeMysqlString('a\\_b\\%', "'")).toBe('a\\_b\\%');
    expect(tokenize("SELECT 'unterminated").map((x) => x.kind)).toEqual(['word', 'space', 'string']);
  });
});

describe('MySQL date arithmetic', () => {
  it('clamps month ends and keeps DATE values DATEs', () => {
    const d = parseDateTime('2024-01-31');
    expect(d && addInterval(d, 1, 'MONTH', 1)).toMatchObject({ year: 2024, month: 2, day: 29, hasTime: false });
    const dt = parseDateTime('2024-12-31 23:59:59');
    expect(dt && addInterval(dt, 1, 'SECOND', 1)).toMatchObject({ year: 2025, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
    expect(dt && addInterval(dt, '1 2', 'DAY_HOUR', -1)).toMatchObject({ day: 30, hour: 21 });
    expect(parseDateTime('2023-02-29')).toBeNull();
  });

  it('formats and parses with MySQL specifiers', () => {
    const p = parseDateTime('2024-03-03 07:08:09.5');
    expect(p && dateFormat(p, '%a %b %e %D %j %l:%i %p %f %%')).toBe('Sun Mar 3 3rd 063 7:08 AM 500000 %');
    expect(strToDate('31/01/2024 1:02 PM', '%d/%m/%Y %h:%i %p')).toMatchObject({ year: 2024, month: 1, day: 31, hour: 13, minute: 2 });
  });
});

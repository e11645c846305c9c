import { describe, expect, it } from 'vitest';
import type { Statement } from './ast.js';
import { parseStatement } from './parser.js';
import { print, printJobInsert, quoteIdent, quoteString } from './printer.js';
import { redactSqlText, redactStatement } from './redact.js';
import { VALID_CASES } from './test-corpus.js';

describe('print', () => {
  it.each([
    ['submit job t1 as insert into db.t select * from src', 'SUBMIT JOB t1 AS INSERT INTO db.t select * from src'],
    ['/*+ async_job_priority = 7 */ SUBMIT JOB INSERT OVERWRITE t WITH LABEL l1 (a) SELECT 1', '/*+async_job_priority=7*/ SUBMIT JOB INSERT OVERWRITE t WITH LABEL l1 (a) SELECT 1'],
    [
      "create job j on streaming properties('max_interval'='10', 'label'='x-1') comment 'c' do insert into t select a, b + 1 as c from s3('uri'='s3://b/*.csv') where a > 0",
      'CREATE JOB j ON STREAMING PROPERTIES ("max_interval" = "10", "label" = "x-1") COMMENT \'c\' DO INSERT INTO t SELECT a, b + 1 AS c FROM S3("uri" = "s3://b/*.csv") WHERE a > 0',
    ],
    ['pause job where jobname = "x"', "PAUSE JOB WHERE jobName = 'x'"],
    ["drop job if exists where jobname = 'x'", "DROP JOB IF EXISTS WHERE jobName = 'x'"],
    ['alter job j properties ("max_interval" = "5")', 'ALTER JOB j PROPERTIES ("max_interval" = "5")'],
    ["select name from job('insert') limit 3", 'SELECT name FROM jobs("insert") LIMIT 3'],
    ["import into t (a, @b) set c = @b from 's3://x/*.csv' format csv with skip_rows = 1, detached, label = 'l'", "IMPORT INTO t (a, @b) SET c = @b FROM 's3://x/*.csv' FORMAT 'csv' WITH SKIP_ROWS = 1, DETACHED, LABEL = 'l'"],
    ['set global a = 1, b = 2, session c = 3, @d = 4, names utf8mb4 collate utf8mb4_bin', 'SET GLOBAL a = 1, b = 2, SESSION c = 3, @d = 4, NAMES utf8mb4 COLLATE utf8mb4_bin'],
    ['set @@global.a = on, time_zone = system', 'SET GLOBAL a = ON, SESSION time_zone = SYSTEM'],
    ['set names binary', "SET NAMES 'binary'"],
    ['set transaction read only', 'SET TRANSACTION READ ONLY'],
    ['begin', 'START TRANSACTION'],
    ['kill connection 3', 'KILL 3'],
    ['show full processlist', 'SHOW FULL PROCESSLIST'],
    ["show grants for u@'%'", "SHOW GRANTS FOR 'u'@'%'"],
    ['show columns from t from db', 'SHOW COLUMNS FROM db.t'],
    ['desc t c', "DESCRIBE t 'c'"],
    ['select 1 where 1', 'SELECT 1 FROM DUAL WHERE 1'],
    ['select `select`, `a b` as `x``y`', 'SELECT `select`, `a b` AS `x``y`'],
    ['select - -1, -(1 + 2), not not a, !(a = b)', 'SELECT - -1, -(1 + 2), NOT NOT a, !(a = b)'],
    ["  insert into t values (1) ; ", 'insert into t values (1)'],
  ])('%s', (sql, printed) => {
    expect(print(parseStatement(sql), { redact: false })).toBe(printed);
  });

  it('quotes identifiers and strings only as needed', () => {
    expect(quoteIdent('abc_1')).toBe('abc_1');
    expect(quoteIdent('select')).toBe('`select`');
    expect(quoteIdent('1abc')).toBe('`1abc`');
    expect(quoteIdent('a`b')).toBe('`a``b`');
    expect(quoteIdent('été')).toBe('`été`');
    expect(quoteString("it's \\ \n")).toBe("'it\\'s \\\\ \\n'");
    expect(quoteString('say "x"', '"')).toBe('"say \\"x\\""');
  });
});

describe('redaction', () => {
  const createJob = `CREATE JOB j ON STREAMING DO INSERT INTO t SELECT * FROM S3("uri" = "s3://AKID:SECRET@bucket/*.csv?x=1&secret-access-key=abc", "s3.access_key" = "AKIA", "s3.secret_key" = "wJalr", "s3.session_token" = "tok", "AWS_SECRET_KEY" = "legacy", "s3.region" = "us-east-1")`;

  it('hides S3 keys and tokens like Doris, and URI secrets like TiDB', () => {
    const printed = print(parseStatement(createJob));
    expect(printed).toBe(
      'CREATE JOB j ON STREAMING DO INSERT INTO t SELECT * FROM S3("uri" = "s3://AKID:xxxxxx@bucket/*.csv?x=1&secret-access-key=xxxxxx", "s3.access_key" = "*XXX", "s3.secret_key" = "*XXX", "s3.session_token" = "*XXX", "AWS_SECRET_KEY" = "*XXX", "s3.region" = "us-east-1")',
    );
    expect(printed).not.toMatch(/SECRET@|abc|AKIA|wJalr|tok"|legacy/);
  });

  it('hides secrets in IMPORT INTO locations and CLOUD_STORAGE_URI', () => {
    const s = parseStatement("IMPORT INTO t FROM 's3://b/x.csv?access-key=AK&secret-access-key=SK&session-token=ST&region=us' WITH CLOUD_STORAGE_URI = 's3://sort?access_key=a&secret_access_key=b'");
    expect(print(s)).toBe(
      "IMPORT INTO t FROM 's3://b/x.csv?access-key=xxxxxx&secret-access-key=xxxxxx&session-token=xxxxxx&region=us' WITH CLOUD_STORAGE_URI = 's3://sort?access_key=xxxxxx&secret_access_key=xxxxxx'",
    );
  });

  it('hides source passwords of sync jobs and secrets in SQL text we do not model', () => {
    const sync = parseStatement('CREATE JOB s ON STREAMING FROM MYSQL ("user" = "root", "password" = "p4ss") TO DATABASE d');
    expect(print(sync)).toContain('"password" = "*XXX"');
    expect(print(sync)).not.toContain('p4ss');
    const submit = parseStatement("SUBMIT JOB INSERT INTO t SELECT * FROM ext WHERE url = 's3://b/x?secret-access-key=SK'");
    expect(print(submit)).toBe("SUBMIT JOB INSERT INTO t SELECT * FROM ext WHERE url = 's3://b/x?secret-access-key=xxxxxx'");
    expect(print(parseStatement("CREATE USER u IDENTIFIED BY 'hunter2'"))).toBe("CREATE USER u IDENTIFIED BY '*XXX'");
    expect(print(parseStatement("SET PASSWORD = 'hunter2'"))).toBe("SET PASSWORD = '*XXX'");
    expect(redactSqlText("select * from s3('s3.secret_key' = 'k', \"uri\" = \"s3://a:b@c/d\") -- keep /* me */")).toBe(
      "select * from s3('s3.secret_key' = '*XXX', \"uri\" = \"s3://a:xxxxxx@c/d\") -- keep /* me */",
    );
  });

  it('prints the redacted form that parses back to the redacted AST', () => {
    for (const c of VALID_CASES) {
      const ast = parseStatement(c.sql);
      expect(parseStatement(print(ast))).toEqual(redactStatement(ast));
    }
    const s = parseStatement(createJob);
    expect(parseStatement(print(s, { redact: false }))).toEqual(s);
  });

  it('leaves statements without secrets untouched', () => {
    const s: Statement = parseStatement('SELECT 1');
    expect(redactStatement(s)).toBe(s);
  });

  it('prints a job insert for views (ExecuteSql, definition)', () => {
    const s = parseStatement(createJob);
    if (s.kind !== 'createJob') throw new Error('expected createJob');
    const sql = printJobInsert(s.insert);
    expect(sql.startsWith('INSERT INTO t SELECT * FROM S3("uri" = "s3://AKID:xxxxxx@')).toBe(true);
    expect(sql).toContain('"s3.secret_key" = "*XXX"');
    expect(printJobInsert(s.insert, { redact: false, label: 'l' })).toContain('INSERT INTO t WITH LABEL l SELECT');
    expect(printJobInsert(s.insert, { redact: false })).toContain('"s3.secret_key" = "wJalr"');
  });
});

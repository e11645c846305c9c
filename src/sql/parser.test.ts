import { describe, expect, it } from 'vitest';
import { SqlError } from '../protocol/sql-error.js';
import type { Statement } from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { parseExpression, parseStatement, parseStatements } from './parser.js';
import { print } from './printer.js';
import { INVALID_CASES, VALID_CASES } from './test-corpus.js';

function parseError(sql: string): SqlError {
  try {
    parseStatement(sql);
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error(`expected an error for ${JSON.stringify(sql)}`);
}

const S3 = `"uri" = "s3://bucket/*.csv", "s3.access_key" = "AK", "s3.secret_key" = "SK", "s3.region" = "us-east-1", "s3.endpoint" = "s3.us-east-1.amazonaws.com", "format" = "csv"`;
const S3_PROPS = [
  { key: 'uri', value: 's3://bucket/*.csv' },
  { key: 's3.access_key', value: 'AK' },
  { key: 's3.secret_key', value: 'SK' },
  { key: 's3.region', value: 'us-east-1' },
  { key: 's3.endpoint', value: 's3.us-east-1.amazonaws.com' },
  { key: 'format', value: 'csv' },
];
const STAR = { expr: { kind: 'star', schema: null, table: null }, alias: null };
const col = (name: string) => ({ kind: 'column', schema: null, table: null, name });
const str = (value: string) => ({ kind: 'string', value, charset: null });

// Every statement example of /work/shared/reference (placeholders such as <job_name> filled in),
// with its full expected AST.
const REFERENCE_EXAMPLES: readonly [string, Statement][] = [
  // 000 AnalyticDB
  [
    'SUBMIT JOB INSERT OVERWRITE test SELECT * FROM test_external_table;',
    { kind: 'submitJob', alias: null, priority: null, label: null, insert: { mode: 'overwrite', table: { schema: null, name: 'test' }, columns: null, query: { kind: 'querySql', sql: 'SELECT * FROM test_external_table' } } },
  ],
  [
    'SUBMIT JOB test_123 AS INSERT INTO test SELECT * FROM test_external_table;',
    { kind: 'submitJob', alias: 'test_123', priority: null, label: null, insert: { mode: 'into', table: { schema: null, name: 'test' }, columns: null, query: { kind: 'querySql', sql: 'SELECT * FROM test_external_table' } } },
  ],
  [
    '/*+async_job_priority=10*/ SUBMIT JOB INSERT OVERWRITE test SELECT * FROM test_external_table;',
    { kind: 'submitJob', alias: null, priority: 10, label: null, insert: { mode: 'overwrite', table: { schema: null, name: 'test' }, columns: null, query: { kind: 'querySql', sql: 'SELECT * FROM test_external_table' } } },
  ],
  ["SHOW JOB STATUS WHERE job_id='job_id';", { kind: 'showJobStatus', filter: { field: 'job_id', value: 'job_id' } }],
  ["SHOW JOB STATUS WHERE job_name='job_alias_name';", { kind: 'showJobStatus', filter: { field: 'job_name', value: 'job_alias_name' } }],
  ["SHOW JOB STATUS WHERE job_id='2017112122202917203100908203303000715';", { kind: 'showJobStatus', filter: { field: 'job_id', value: '2017112122202917203100908203303000715' } }],
  ["CANCEL JOB 'job_id';", { kind: 'cancelJob', jobId: 'job_id' }],
  ["CANCEL JOB '2017112122202917203100908203303000715';", { kind: 'cancelJob', jobId: '2017112122202917203100908203303000715' }],
  // 001 / 002 Doris
  [
    `CREATE JOB my_job \nON STREAMING\nDO \nINSERT INTO db1.tbl1 \nselect * from S3(\n    ${S3.replace(/, /g, ',\n    ')}\n)`,
    { kind: 'createJob', name: 'my_job', properties: [], comment: null, label: null, insert: { mode: 'into', table: { schema: 'db1', name: 'tbl1' }, columns: null, query: { kind: 's3Select', items: [STAR], properties: S3_PROPS, alias: null, where: null } } },
  ] as [string, Statement],
  [
    'select * from job(type=insert) where ExecuteType = "streaming"',
    { kind: 'jobsQuery', table: 'jobs', args: [{ name: 'type', value: 'insert' }], alias: null, distinct: false, items: [STAR], where: { kind: 'binary', op: '=', left: col('ExecuteType'), right: str('streaming') }, groupBy: [], orderBy: [], limit: null },
  ] as [string, Statement],
  ["PAUSE JOB WHERE jobname = 'my_job' ;", { kind: 'pauseJob', name: 'my_job' }],
  ["RESUME JOB where jobName = 'my_job' ;", { kind: 'resumeJob', name: 'my_job' }],
  [
    `Alter Job jobName\nPROPERTIES(\n   "session.insert_max_filter_ratio"="0.5" \n)\nINSERT INTO db1.tbl1 \nselect * from S3(\n    ${S3}\n)`,
    { kind: 'alterJob', name: 'jobName', properties: [{ key: 'session.insert_max_filter_ratio', value: '0.5' }], label: null, insert: { mode: 'into', table: { schema: 'db1', name: 'tbl1' }, columns: null, query: { kind: 's3Select', items: [STAR], properties: S3_PROPS, alias: null, where: null } } },
  ] as [string, Statement],
  ["DROP JOB where jobName = 'my_job' ;", { kind: 'dropJob', name: 'my_job', ifExists: false }],
  [
    "select * from tasks(type='insert') where jobId='1758534452459'",
    { kind: 'jobsQuery', table: 'tasks', args: [{ name: 'type', value: 'insert' }], alias: null, distinct: false, items: [STAR], where: { kind: 'binary', op: '=', left: col('jobId'), right: str('1758534452459') }, groupBy: [], orderBy: [], limit: null },
  ] as [string, Statement],
  [
    'select * from jobs("type"="insert") where ExecuteType = "STREAMING";',
    { kind: 'jobsQuery', table: 'jobs', args: [{ name: 'type', value: 'insert' }], alias: null, distinct: false, items: [STAR], where: { kind: 'binary', op: '=', left: col('ExecuteType'), right: str('STREAMING') }, groupBy: [], orderBy: [], limit: null },
  ] as [string, Statement],
  [
    "select * from tasks(\"type\"=\"insert\") where jobId='1758538737484';",
    { kind: 'jobsQuery', table: 'tasks', args: [{ name: 'type', value: 'insert' }], alias: null, distinct: false, items: [STAR], where: { kind: 'binary', op: '=', left: col('jobId'), right: str('1758538737484') }, groupBy: [], orderBy: [], limit: null },
  ] as [string, Statement],
  // 004 TiDB
  ...[
    ["IMPORT INTO t FROM '/path/to/small.csv';", '/path/to/small.csv', null, []],
    ["IMPORT INTO t FROM '/path/to/small.csv' WITH DETACHED;", '/path/to/small.csv', null, [{ name: 'DETACHED', value: true }]],
    ["IMPORT INTO t FROM '/path/to/file.csv' WITH skip_rows=1;", '/path/to/file.csv', null, [{ name: 'SKIP_ROWS', value: 1 }]],
    ["IMPORT INTO t FROM '/path/to/file.csv' WITH DETACHED;", '/path/to/file.csv', null, [{ name: 'DETACHED', value: true }]],
    ["IMPORT INTO t FROM '/path/to/file-*.csv'", '/path/to/file-*.csv', null, []],
    ["IMPORT INTO t FROM 's3://bucket-name/test.csv?access-key=XXX&secret-access-key=XXX';", 's3://bucket-name/test.csv?access-key=XXX&secret-access-key=XXX', null, []],
    ["IMPORT INTO t FROM 'gs://bucket-name/test.csv';", 'gs://bucket-name/test.csv', null, []],
    ["IMPORT INTO t FROM '/path/to/file.sql' FORMAT 'sql';", '/path/to/file.sql', 'sql', []],
    [
      "IMPORT INTO t FROM 's3://bucket/path/to/file.parquet?access-key=XXX&secret-access-key=XXX' FORMAT 'parquet' WITH MAX_WRITE_SPEED='10MiB';",
      's3://bucket/path/to/file.parquet?access-key=XXX&secret-access-key=XXX',
      'parquet',
      [{ name: 'MAX_WRITE_SPEED', value: '10MiB' }],
    ],
  ].map(([sql, location, format, options]) => [sql, { kind: 'importInto', table: { schema: null, name: 't' }, columns: null, set: [], location, format, options, label: null }] as [string, Statement]),
  [
    "IMPORT INTO t(id, name, @1) FROM '/path/to/file.csv' WITH skip_rows=1;",
    { kind: 'importInto', table: { schema: null, name: 't' }, columns: [{ kind: 'column', name: 'id' }, { kind: 'column', name: 'name' }, { kind: 'userVariable', name: '1' }], set: [], location: '/path/to/file.csv', format: null, options: [{ name: 'SKIP_ROWS', value: 1 }], label: null },
  ],
  [
    "IMPORT INTO t(id, name, @1) SET val=@1*100 FROM '/path/to/file.csv' WITH skip_rows=1;",
    {
      kind: 'importInto',
      table: { schema: null, name: 't' },
      columns: [{ kind: 'column', name: 'id' }, { kind: 'column', name: 'name' }, { kind: 'userVariable', name: '1' }],
      set: [{ column: 'val', value: { kind: 'binary', op: '*', left: { kind: 'userVariable', name: '1' }, right: { kind: 'number', value: '100' } } }],
      location: '/path/to/file.csv',
      format: null,
      options: [{ name: 'SKIP_ROWS', value: 1 }],
      label: null,
    },
  ],
  ['CANCEL IMPORT JOB 60001', { kind: 'cancelImportJob', jobId: 60001 }],
  ['SHOW IMPORT JOB 60001', { kind: 'showImportJob', jobId: 60001 }],
  ['SHOW IMPORT JOBS', { kind: 'showImportJobs', filter: null }],
];

describe('reference examples', () => {
  it.each(REFERENCE_EXAMPLES)('%s', (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });
});

describe('valid statements', () => {
  it('has a large corpus', () => {
    expect(VALID_CASES.length).toBeGreaterThanOrEqual(150);
  });
  it.each(VALID_CASES.map((c) => [c.sql, c.expect] as const))('%s', (sql, expected) => {
    expect(parseStatement(sql)).toMatchObject(expected);
  });
});

describe('invalid statements', () => {
  it('has a large corpus', () => {
    expect(INVALID_CASES.length).toBeGreaterThanOrEqual(100);
  });
  it.each(INVALID_CASES.map((c) => [c.sql.length > 80 ? c.sql.slice(0, 77) + '...' : c.sql, c] as const))('%s', (_name, c) => {
    const e = parseError(c.sql);
    expect(e.errno).toBe(c.errno);
    if (c.errno === 1064) {
      expect(e.sqlState).toBe('42000');
      expect(e).toBeInstanceOf(SqlSyntaxError);
      expect(e.message).toMatch(/^You have an error in your SQL syntax; check the manual that corresponds to your loadwire version for the right syntax to use near '/);
      const near = /near '([\s\S]*)' at line (\d+)$/.exec(e.message);
      expect(near).not.toBeNull();
      if (c.near !== undefined) {
        if (c.near === '') expect(near?.[1]).toBe('');
        else expect(near?.[1]?.startsWith(c.near), `near '${near?.[1]}' should start with '${c.near}'`).toBe(true);
      }
      expect(Number(near?.[2])).toBe(c.line ?? 1);
    }
    if (c.message !== undefined) expect(e.message).toContain(c.message);
  });
});

describe('round trip', () => {
  it.each(VALID_CASES.map((c) => [c.sql]))('%s', (sql) => {
    const ast = parseStatement(sql);
    const printed = print(ast, { redact: false });
    expect(parseStatement(printed)).toEqual(ast);
    // The canonical form is a fixed point.
    expect(print(parseStatement(printed), { redact: false })).toBe(printed);
  });
  it.each(REFERENCE_EXAMPLES.map(([sql]) => [sql]))('%s', (sql) => {
    const ast = parseStatement(sql);
    expect(parseStatement(print(ast, { redact: false }))).toEqual(ast);
  });
});

describe('spellings that mean the same statement', () => {
  const groups: readonly (readonly string[])[] = [
    [
      "SUBMIT JOB test_123 AS INSERT INTO test SELECT * FROM test_external_table",
      "submit job test_123 as insert into test SELECT * FROM test_external_table;",
      "  SUBMIT\n\tJOB /* alias follows */ test_123 AS\nINSERT INTO `test` SELECT * FROM test_external_table -- done\n",
      "Submit Job test_123 As Insert Into test SELECT * FROM test_external_table ;;",
      "# leading comment\nSUBMIT JOB test_123 AS INSERT INTO test SELECT  *  FROM  test_external_table",
      "/*!80000 SUBMIT JOB test_123 AS */ INSERT INTO test SELECT * FROM test_external_table",
    ],
    [
      "/*+async_job_priority=5*/ SUBMIT JOB INSERT INTO t SELECT 1",
      "/*+ async_job_priority = 5 */SUBMIT JOB INSERT INTO t SELECT 1",
      "/* plain comment */ /*+ ASYNC_JOB_PRIORITY(5) */ SUBMIT JOB INSERT INTO t SELECT 1",
      "SUBMIT /*+async_job_priority=5*/ JOB INSERT INTO t SELECT 1",
    ],
    [
      "PAUSE JOB WHERE jobName = 'nightly'",
      'pause job where jobname = "nightly"',
      "PAUSE JOB WHERE JOBNAME='nightly';",
      'Pause Job Where `jobName` = nightly',
      "PAUSE /* x */ JOB -- y\n WHERE jobName = 'night' 'ly'",
    ],
    [
      'select * from jobs("type"="insert")',
      'SELECT * FROM jobs(type=insert)',
      "select * from JOBS('type' = 'insert')",
      'select * from job(TYPE = insert);',
      'SELECT * FROM `jobs`("type"="insert")'.replace('`jobs`', 'jobs'),
    ],
    [
      "IMPORT INTO db.t (a, @v) SET b = @v * 2 FROM 's3://b/*.csv' FORMAT 'csv' WITH SKIP_ROWS = 1, DETACHED",
      "import into `db`.`t`(`a`,@v) set `b`=@V*2 from 's3://b/*.csv' format csv with skip_rows=1,detached",
      "IMPORT INTO db.t (a, @`v`) SET b = @v * 2 FROM \"s3://b/*.csv\" FORMAT \"CSV\" WITH skip_rows = +1, Detached;",
      "IMPORT /* c */ INTO db . t ( a , @v ) SET b = (@v * 2) FROM 's3://' 'b/*.csv' FORMAT 'csv' WITH SKIP_ROWS = 1, DETACHED",
    ],
    [
      "SET NAMES utf8mb4",
      "set names 'utf8mb4'",
      'SET NAMES "UTF8MB4"',
      'SET NAMES `utf8mb4`;',
      '/*!40101 SET NAMES utf8mb4 */',
    ],
    [
      'SET SESSION sql_mode = \'\', @@session.autocommit = 1',
      "SET sql_mode = '', autocommit = 1",
      "SET LOCAL sql_mode := '', @@autocommit = 1",
      "SET @@local.sql_mode='', SESSION autocommit=1",
    ],
    [
      'SHOW FULL COLUMNS FROM db.t LIKE \'a%\'',
      "show full fields in t from db like 'a%'",
      "SHOW FULL COLUMNS IN `db`.`t` LIKE 'a%'",
      "SHOW FULL COLUMNS FROM other.t FROM db LIKE 'a' '%'",
    ],
    ['SELECT 1 AS a', 'select 1 a', "SELECT 1 'a'", 'SELECT 1 AS `a`', 'SELECT 1 AS "a"', 'SELECT (1) AS a', 'SELECT 1 AS a FROM DUAL'],
    ['SELECT 1 + 2 * 3', 'SELECT 1 + (2 * 3)', 'SELECT (1) + ((2) * (3))', 'select 1+2*3;'],
    ['SELECT a OR b AND c', 'SELECT a || b && c', 'SELECT a OR (b AND c)'],
    ['SELECT a <> b', 'SELECT a != b'],
    ['SELECT 5 MOD 2', 'SELECT 5 % 2'],
    ['SELECT x REGEXP y', 'SELECT x RLIKE y'],
    ['START TRANSACTION', 'BEGIN', 'begin work', 'Start Transaction;'],
    ['SHOW DATABASES', 'SHOW SCHEMAS', 'show databases;'],
    ['SHOW CHARACTER SET', 'SHOW CHARSET'],
    ['SHOW VARIABLES', 'SHOW SESSION VARIABLES', 'SHOW LOCAL VARIABLES'],
    ['KILL 5', 'KILL CONNECTION 5'],
    ['SHOW WARNINGS LIMIT 1, 2', 'SHOW WARNINGS LIMIT 2 OFFSET 1'],
    ['SELECT CAST(x AS SIGNED)', 'SELECT CAST(x AS SIGNED INTEGER)', 'SELECT CONVERT(x, SIGNED INT)'],
    ["SELECT SUBSTRING('abc' FROM 2 FOR 1)", "SELECT SUBSTRING('abc', 2, 1)"],
    ['SELECT X\'0a\'', 'SELECT 0xA', 'SELECT x\'0A\''],
  ];
  it.each(groups.map((g) => [g[0] ?? '', g] as const))('%s', (_first, group) => {
    const [first, ...rest] = group.map((sql) => parseStatement(sql));
    for (const ast of rest) expect(ast).toEqual(first);
  });
});

describe('positioned errors', () => {
  it('reports line, column and an Expected/found detail', () => {
    const e = parseError("SHOW JOB STATUS\n  WHERE job_key = 'x'");
    expect(e).toBeInstanceOf(SqlSyntaxError);
    const s = e as SqlSyntaxError;
    expect(s.line).toBe(2);
    expect(s.column).toBe(9);
    expect(s.offset).toBe(24);
    expect(s.detail).toBe('Expected job_id or job_name, found "job_key"');
    expect(s.message).toBe(
      "You have an error in your SQL syntax; check the manual that corresponds to your loadwire version for the right syntax to use near 'job_key = 'x'' at line 2",
    );
  });
  it('reports the end of the statement as near \'\'', () => {
    const e = parseError('IMPORT INTO t FROM') as SqlSyntaxError;
    expect(e.message).toMatch(/near '' at line 1$/);
    expect(e.detail).toMatch(/^Expected a file location/);
  });
  it('cuts the near text at 80 characters, like MySQL', () => {
    const e = parseError(`SELECT 1 2 ${'x'.repeat(200)}`);
    expect(/near '(.*)' at/.exec(e.message)?.[1]).toHaveLength(80);
  });
  it('names the found token in the detail', () => {
    expect((parseError('CREATE JOB j ON STREAMING DO INSERT INTO t SELECT * FROM t2') as SqlSyntaxError).detail).toBe('Expected S3, found "t2"');
    expect((parseError("CANCEL IMPORT JOB 'x'") as SqlSyntaxError).detail).toBe("Expected a job id, found string 'x'");
    expect((parseError('SELECT 1 +') as SqlSyntaxError).detail).toBe('Expected an expression, found <end of statement>');
  });
  it('counts lines inside a multi-line string and comment', () => {
    const e = parseError("SELECT '\n\n' /* \n */ +") as SqlSyntaxError;
    expect(e.line).toBe(4);
  });
  it('semantic errors name the offending part', () => {
    expect(parseError("IMPORT INTO t FROM 'x' WITH THREADS=2").message).toBe('Unknown option THREADS');
    expect(parseError("IMPORT INTO t FROM 'x' WITH THREAD='2'").message).toBe("Invalid option value for THREAD: expected an integer, found '2'");
    expect(parseError("IMPORT INTO t FROM 'x' WITH DETACHED, DETACHED").message).toBe('Option DETACHED specified more than once');
    expect(parseError("IMPORT INTO t FROM 'x' FORMAT 'parquet' WITH SKIP_ROWS=1").message).toBe('Unsupported option SKIP_ROWS for non-CSV format');
    expect(parseError("SUBMIT JOB 'a' AS INSERT INTO t SELECT 1").message).toContain('without quotes');
  });
});

describe('SELECT classification', () => {
  it('answers FROM-less selects locally and sends table queries to the target', () => {
    expect(parseStatement('SELECT 1').kind).toBe('select');
    expect(parseStatement('SELECT * FROM t').kind).toBe('passthrough');
    expect(parseStatement('SELECT 1 FROM DUAL').kind).toBe('select');
    expect(parseStatement('SELECT 1 UNION SELECT 2').kind).toBe('passthrough');
  });
  it('passes through a select list beyond our grammar when it has a FROM', () => {
    expect(parseStatement('SELECT MATCH (a) AGAINST ("x") FROM t')).toEqual({ kind: 'passthrough', sql: 'SELECT MATCH (a) AGAINST ("x") FROM t', verb: 'SELECT' });
    expect(parseStatement('SELECT ROW_NUMBER() OVER (ORDER BY a) FROM t').kind).toBe('passthrough');
  });
  it('rejects a FROM-less select it cannot parse', () => {
    expect(parseError('SELECT MATCH (a) AGAINST ("x")').errno).toBe(1064);
  });
  it('parses jobs(...) views strictly', () => {
    expect(parseError('SELECT * FROM jobs(type=insert) JOIN t').errno).toBe(1064);
  });
  it('keeps the passthrough text as written, minus the trailing semicolons', () => {
    expect(parseStatement('  /* app */ INSERT INTO t VALUES (1) ;  ;  ')).toEqual({ kind: 'passthrough', sql: '/* app */ INSERT INTO t VALUES (1)', verb: 'INSERT' });
  });
  it('numbers ? parameters in order', () => {
    const s = parseStatement('SELECT ?, ? + ?');
    expect(s).toMatchObject({ items: [{ expr: { index: 0 } }, { expr: { left: { index: 1 }, right: { index: 2 } } }] });
  });
});

describe('expressions', () => {
  it.each([
    ['1 + 2 * 3', '1 + 2 * 3'],
    ['(1 + 2) * 3', '(1 + 2) * 3'],
    ['1 - (2 - 3)', '1 - (2 - 3)'],
    ['1 - 2 - 3', '1 - 2 - 3'],
    ['NOT a = b', 'NOT a = b'],
    ['(NOT a) = b', '(NOT a) = b'],
    ['a = b = c', 'a = b = c'],
    ['a = (b = c)', 'a = (b = c)'],
    ['!a = b', '!a = b'],
    ['- - 1', '- -1'],
    ['-(-1)', '- -1'],
    ['a IS NULL = b', 'a IS NULL = b'],
    ['a BETWEEN 1 AND 2 AND b', 'a BETWEEN 1 AND 2 AND b'],
    ['a BETWEEN (1 AND 2) AND 3', 'a BETWEEN (1 AND 2) AND 3'],
    ['a IN (1, 2) OR b LIKE \'x%\' ESCAPE \'!\'', "a IN (1, 2) OR b LIKE 'x%' ESCAPE '!'"],
    ['a XOR b OR c AND d', 'a XOR b OR c AND d'],
    ['(a OR b) AND c', '(a OR b) AND c'],
    ['1 | 2 & 3', '1 | 2 & 3'],
    ['(1 | 2) & 3', '(1 | 2) & 3'],
    ['2 ^ 3 * 4', '2 ^ 3 * 4'],
    ['2 ^ (3 * 4)', '2 ^ (3 * 4)'],
    ['1 << 2 + 3', '1 << 2 + 3'],
    ['CASE WHEN a THEN b END', 'CASE WHEN a THEN b END'],
    ['x + INTERVAL 1 + 1 DAY', 'x + INTERVAL (1 + 1) DAY'],
    ['a COLLATE utf8mb4_bin', 'a COLLATE utf8mb4_bin'],
    ["_latin1'x'", "_latin1'x'"],
    ['`select`.`from`', '`select`.`from`'],
    ['`a b`(1)', '`A B`(1)'],
    ['db.f(1)', 'db.F(1)'],
    ['@@global.x + @@session.y + @@z', '@@global.x + @@session.y + @@z'],
    ["@'a b'", "@'a b'"],
    ['COUNT(DISTINCT a, b)', 'COUNT(DISTINCT a, b)'],
    ["TRIM(TRAILING 'x' FROM y)", "TRIM(TRAILING 'x' FROM y)"],
    ['CURRENT_USER', 'CURRENT_USER()'],
    ["'\\0\\n\\r\\t\\Z\\\\\\b'", "'\\0\\n\\r\\t\\Z\\\\\\b'"],
  ])('%s prints as %s', async (input, printed) => {
    const { printExpr } = await import('./printer.js');
    const e = parseExpression(input);
    expect(printExpr(e)).toBe(printed);
    expect(parseExpression(printed)).toEqual(e);
  });
  it('applies MySQL precedence', () => {
    expect(parseExpression('1 + 2 * 3')).toMatchObject({ op: '+', right: { op: '*' } });
    expect(parseExpression('a OR b XOR c AND NOT d')).toMatchObject({ op: 'OR', right: { op: 'XOR', right: { op: 'AND', right: { kind: 'unary', op: 'NOT' } } } });
    expect(parseExpression('a = 1 AND b IN (1) OR c BETWEEN 1 AND 2')).toMatchObject({ op: 'OR', left: { op: 'AND' }, right: { kind: 'between' } });
    expect(parseExpression('- a * b')).toMatchObject({ op: '*', left: { kind: 'unary', op: '-' } });
    expect(parseExpression('a | b & c << d + e * f ^ g')).toMatchObject({ op: '|', right: { op: '&', right: { op: '<<', right: { op: '+', right: { op: '*', right: { op: '^' } } } } } });
  });
});

describe('bad input', () => {
  const timed = (sql: string): { error: unknown; ms: number } => {
    const t0 = performance.now();
    let error: unknown = null;
    try {
      parseStatement(sql);
    } catch (e) {
      error = e;
    }
    return { error, ms: performance.now() - t0 };
  };
  it('refuses 10,000 nested parentheses with a 1064, not a stack overflow', () => {
    const { error, ms } = timed('SELECT ' + '('.repeat(10_000) + '1' + ')'.repeat(10_000));
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect((error as SqlSyntaxError).detail).toMatch(/nesting/);
    expect(ms).toBeLessThan(2000);
  });
  it('refuses deep unary chains and very long operator chains', () => {
    for (const sql of ['SELECT ' + '-'.repeat(50_000) + '1', 'SELECT ' + 'NOT '.repeat(20_000) + '1', 'SELECT ' + Array(100_000).fill('1').join('+')]) {
      const { error, ms } = timed(sql);
      expect(error).toBeInstanceOf(SqlSyntaxError);
      expect(ms).toBeLessThan(3000);
    }
  });
  it('accepts nesting within the limit', () => {
    expect(parseStatement('SELECT ' + '('.repeat(150) + '1' + ')'.repeat(150)).kind).toBe('select');
    const chain = parseStatement('SELECT ' + Array(900).fill('1').join(' + '));
    expect(parseStatement(print(chain))).toEqual(chain);
  });
  it('handles a 1 MB statement in bounded time', () => {
    const big = "SELECT '" + 'x'.repeat(1 << 20) + "' AS s";
    const t0 = performance.now();
    expect(parseStatement(big).kind).toBe('select');
    const insert = 'INSERT INTO t VALUES ' + Array(70_000).fill("(1,'ab')").join(',');
    expect(insert.length).toBeGreaterThan(500_000);
    expect(parseStatement(insert).kind).toBe('passthrough');
    expect(timed(big.slice(0, -6)).error).toBeInstanceOf(SqlSyntaxError);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
  it('rejects NUL bytes outside strings and keeps them inside', () => {
    expect(timed('SELECT 1\0').error).toBeInstanceOf(SqlSyntaxError);
    expect(timed('SHOW\0TABLES').error).toBeInstanceOf(SqlSyntaxError);
    expect(parseStatement("SELECT 'a\0b'")).toMatchObject({ items: [{ expr: { value: 'a\0b' } }] });
  });
  it('rejects malformed UTF-8 (U+FFFD) and lone surrogates anywhere', () => {
    for (const sql of ['SELECT \uFFFD', "SELECT 'a\uFFFDb'", 'SELECT `\uFFFD`', 'SELECT \uD800', "SELECT '\uDC00'", 'CREATE TABLE \uDBFF (a int)', Buffer.from([0x53, 0x45, 0xff, 0xfe]).toString('utf8')]) {
      const { error } = timed(sql);
      expect(error, JSON.stringify(sql)).toBeInstanceOf(SqlSyntaxError);
    }
    expect(parseStatement("SELECT '😀'").kind).toBe('select');
  });
  it('rejects unterminated strings, identifiers and comments', () => {
    for (const sql of ["SELECT 'a", 'SELECT "a', 'SELECT `a', 'SELECT /* a', 'SELECT /*+ a', 'SELECT /*!50000 a', "SELECT 'a\\", "SELECT X'0", "SUBMIT JOB INSERT INTO t SELECT 'x"]) {
      expect(timed(sql).error, sql).toBeInstanceOf(SqlSyntaxError);
    }
  });
});

describe('bulk passthrough statements', () => {
  it('are classified without building their tokens, with the same results', () => {
    const pad = ' '.repeat(5000);
    expect(parseStatement("INSERT INTO t VALUES ('a;b', \"c\") ; " + pad)).toEqual({ kind: 'passthrough', sql: "INSERT INTO t VALUES ('a;b', \"c\")", verb: 'INSERT' });
    expect(parseStatement('/*+ SET_VAR(x=1) */ update t set a = 1;;' + pad)).toEqual({ kind: 'passthrough', sql: '/*+ SET_VAR(x=1) */ update t set a = 1', verb: 'UPDATE' });
    const second = parseError('DELETE FROM t;\n /*+ h */ SELECT 2' + pad) as SqlSyntaxError;
    expect([second.line, second.message]).toEqual([2, expect.stringContaining("near 'SELECT 2 ")]);
    expect(parseError("INSERT INTO t VALUES ('unterminated)" + pad).message).toContain("near ''unterminated) ");
    expect(parseError(pad + 'INSERT INTO t VALUES (1)\0').errno).toBe(1064);
    expect(parseError('INSERT INTO t VALUES (1) /* open' + pad).errno).toBe(1064);
  });
  it('parse a 1 MB INSERT quickly', () => {
    const insert = 'INSERT INTO t VALUES ' + Array(75_000).fill("(1,'ab;c',NULL)").join(',');
    expect(insert.length).toBeGreaterThan(1_000_000);
    const t0 = performance.now();
    expect(parseStatement(insert)).toMatchObject({ kind: 'passthrough', verb: 'INSERT' });
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe('parseStatements', () => {
  it('parses each statement of a multi-statement text', () => {
    const stmts = parseStatements("SET NAMES utf8mb4; SELECT 1; /*+async_job_priority=2*/ SUBMIT JOB INSERT INTO t SELECT ';';");
    expect(stmts.map((s) => s.kind)).toEqual(['set', 'select', 'submitJob']);
    expect(stmts[2]).toMatchObject({ priority: 2, insert: { query: { sql: "SELECT ';'" } } });
  });
  it('reports error lines relative to the failing statement, as MySQL does', () => {
    try {
      parseStatements('SELECT 1;\n\n  SELECT\n  +;');
      expect.unreachable();
    } catch (e) {
      expect((e as SqlSyntaxError).line).toBe(2);
    }
  });
});

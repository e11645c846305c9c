// The metadata surface against the exact statements real clients send (clients.md §3 and §9), and
// MariaDB Connector/J 2.7.6's DatabaseMetaData queries rebuilt here from its source
// (MariaDbDatabaseMetaData.java, default options tinyInt1isBit=true, yearIsDateType=true).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColumnType, type Row, type RowsResult } from '../../protocol/handler.js';
import { EmbeddedTarget } from './embedded-target.js';

let dir: string;
let target: EmbeddedTarget;

async function query(sql: string, database: string | null = 'test'): Promise<RowsResult> {
  const r = await target.execute(sql, { database });
  if (r.kind !== 'rows') throw new Error(`expected rows from ${sql}`);
  return r;
}

function rowsOf(r: RowsResult): Row[] {
  return [...(r.rows as Iterable<Row>)];
}

function names(r: RowsResult): string[] {
  return r.columns.map((c) => c.name);
}

/** Rows as objects keyed by column name, for readable assertions. */
function objects(r: RowsResult): Record<string, unknown>[] {
  return rowsOf(r).map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadwire-metadata-'));
  target = EmbeddedTarget.open({ directory: dir, version: '8.0.36-loadwire-test' });
  await target.execute(
    `CREATE TABLE t_mixed (
      id int NOT NULL AUTO_INCREMENT,
      qty int DEFAULT NULL,
      name varchar(64) DEFAULT NULL,
      amount decimal(12,2) DEFAULT NULL,
      created datetime DEFAULT NULL,
      PRIMARY KEY (id),
      KEY idx_name (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    { database: 'test' },
  );
  await target.execute("INSERT INTO t_mixed (qty, name, amount, created) VALUES (1, 'a', 1.50, '2024-01-31 12:00:00'), (2, 'b', NULL, NULL), (3, 'c', 3, NULL)", { database: 'test' });
});

afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('information_schema as clients query it', () => {
  it('SQLAlchemy has_table and pandas read_sql probes', async () => {
    const has = await query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'test' AND table_name = 't_mixed'");
    expect(rowsOf(has)).toEqual([[1]]);
    expect(has.columns[0]).toMatchObject({ name: 'COUNT(*)', type: ColumnType.LONGLONG });
    const pandas = await query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'test' AND table_name = 'SELECT * FROM t_mixed ORDER BY id'");
    expect(rowsOf(pandas)).toEqual([[0]]);
    for (const text of ['SELEC 1', 'SELECT * FROM t WHERE x = %(n)s', "it's"]) {
      const q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'test' AND table_name = '${text.replace(/'/g, "\\'")}'`;
      expect(rowsOf(await query(q))).toEqual([[0]]);
    }
  });

  it('Sequelize showAllTables and Knex hasTable / columnInfo', async () => {
    const seq = await query("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA = 'test';");
    expect(rowsOf(seq)).toEqual([['t_mixed']]);
    const knexHas = await query("select * from information_schema.tables where table_name = 't_mixed' and table_schema = database()");
    expect(names(knexHas)).toEqual([
      'TABLE_CATALOG', 'TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_TYPE', 'ENGINE', 'VERSION', 'ROW_FORMAT', 'TABLE_ROWS', 'AVG_ROW_LENGTH',
      'DATA_LENGTH', 'MAX_DATA_LENGTH', 'INDEX_LENGTH', 'DATA_FREE', 'AUTO_INCREMENT', 'CREATE_TIME', 'UPDATE_TIME', 'CHECK_TIME',
      'TABLE_COLLATION', 'CHECKSUM', 'CREATE_OPTIONS', 'TABLE_COMMENT',
    ]);
    expect(objects(knexHas)[0]).toMatchObject({ TABLE_CATALOG: 'def', TABLE_SCHEMA: 'test', TABLE_NAME: 't_mixed', TABLE_TYPE: 'BASE TABLE', ENGINE: 'InnoDB' });
    const info = await query("select * from information_schema.columns where table_name = 't_mixed' and table_schema = 'test'");
    expect(names(info)).toEqual([
      'TABLE_CATALOG', 'TABLE_SCHEMA', 'TABLE_NAME', 'COLUMN_NAME', 'ORDINAL_POSITION', 'COLUMN_DEFAULT', 'IS_NULLABLE', 'DATA_TYPE',
      'CHARACTER_MAXIMUM_LENGTH', 'CHARACTER_OCTET_LENGTH', 'NUMERIC_PRECISION', 'NUMERIC_SCALE', 'DATETIME_PRECISION',
      'CHARACTER_SET_NAME', 'COLLATION_NAME', 'COLUMN_TYPE', 'COLUMN_KEY', 'EXTRA', 'PRIVILEGES', 'COLUMN_COMMENT',
      'GENERATION_EXPRESSION', 'SRS_ID',
    ]);
    const byName = Object.fromEntries(objects(info).map((o) => [o.COLUMN_NAME as string, o]));
    expect(byName.id).toMatchObject({ ORDINAL_POSITION: 1, IS_NULLABLE: 'NO', DATA_TYPE: 'int', NUMERIC_PRECISION: 10, COLUMN_TYPE: 'int', COLUMN_KEY: 'PRI', EXTRA: 'auto_increment', COLUMN_DEFAULT: null });
    expect(byName.name).toMatchObject({ DATA_TYPE: 'varchar', CHARACTER_MAXIMUM_LENGTH: 64, CHARACTER_OCTET_LENGTH: 256, COLUMN_KEY: 'MUL', IS_NULLABLE: 'YES', COLLATION_NAME: 'utf8mb4_0900_ai_ci' });
    expect(byName.amount).toMatchObject({ DATA_TYPE: 'decimal', NUMERIC_PRECISION: 12, NUMERIC_SCALE: 2, COLUMN_TYPE: 'decimal(12,2)' });
    expect(byName.created).toMatchObject({ DATA_TYPE: 'datetime', DATETIME_PRECISION: 0 });
  });

  it('mycli completion refresher', async () => {
    const cols = await query(`select TABLE_NAME, COLUMN_NAME from information_schema.columns
                                    where table_schema = 'test'
                                    order by table_name,ordinal_position`);
    expect(rowsOf(cols)).toEqual([['t_mixed', 'id'], ['t_mixed', 'qty'], ['t_mixed', 'name'], ['t_mixed', 'amount'], ['t_mixed', 'created']]);
    const fns = await query('SELECT ROUTINE_NAME FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_TYPE="FUNCTION" AND ROUTINE_SCHEMA = "test"');
    expect(rowsOf(fns)).toEqual([]);
    await expect(target.execute(`SELECT CONCAT("'", user, "'@'",host,"'") FROM mysql.user`, { database: 'test' })).rejects.toMatchObject({ errno: 1146 });
  });

  it('Connector/J getCatalogs, getSchemas, getTableTypes', async () => {
    expect(rowsOf(await query('SELECT SCHEMA_NAME TABLE_CAT FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY 1'))).toEqual([['information_schema'], ['test']]);
    const schemas = await query("SELECT '' TABLE_SCHEM, '' TABLE_catalog  FROM DUAL WHERE 1=0");
    expect(names(schemas)).toEqual(['TABLE_SCHEM', 'TABLE_catalog']);
    expect(rowsOf(schemas)).toEqual([]);
    const types = await query("SELECT 'TABLE' TABLE_TYPE UNION SELECT 'SYSTEM VIEW' TABLE_TYPE UNION SELECT 'VIEW' TABLE_TYPE");
    expect(rowsOf(types).map((r) => r[0]).sort()).toEqual(['SYSTEM VIEW', 'TABLE', 'VIEW']);
  });

  it('Connector/J getTables', async () => {
    const r = await query(connectorJ.getTables('test'));
    expect(names(r)).toEqual(['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS', 'TYPE_CAT', 'TYPE_SCHEM', 'TYPE_NAME', 'SELF_REFERENCING_COL_NAME', 'REF_GENERATION']);
    expect(rowsOf(r)).toEqual([['test', null, 't_mixed', 'TABLE', '', null, null, null, null, null]]);
  });

  it('Connector/J getColumns (CASE data_type, IF, LOCATE, CONVERT ... UNSIGNED INTEGER)', async () => {
    for (const sql of [connectorJ.getColumns('test', 't_mixed'), connectorJ.getColumns(null, null)]) {
      const r = await query(sql);
      expect(names(r)).toEqual([
        'TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'COLUMN_NAME', 'DATA_TYPE', 'TYPE_NAME', 'COLUMN_SIZE', 'BUFFER_LENGTH', 'DECIMAL_DIGITS',
        'NUM_PREC_RADIX', 'NULLABLE', 'REMARKS', 'COLUMN_DEF', 'SQL_DATA_TYPE', 'SQL_DATETIME_SUB', 'CHAR_OCTET_LENGTH', 'ORDINAL_POSITION',
        'IS_NULLABLE', 'SCOPE_CATALOG', 'SCOPE_SCHEMA', 'SCOPE_TABLE', 'SOURCE_DATA_TYPE', 'IS_AUTOINCREMENT', 'IS_GENERATEDCOLUMN',
      ]);
      const cols = objects(r);
      expect(cols.map((c) => [c.COLUMN_NAME, c.DATA_TYPE, c.TYPE_NAME, c.COLUMN_SIZE, c.DECIMAL_DIGITS, c.NULLABLE, c.IS_AUTOINCREMENT])).toEqual([
        ['id', 4, 'INT', 10, 0, 0, 'YES'],
        ['qty', 4, 'INT', 10, 0, 1, 'NO'],
        ['name', 12, 'VARCHAR', 64, null, 1, 'NO'],
        ['amount', 3, 'DECIMAL', 12, 2, 1, 'NO'],
        ['created', 93, 'DATETIME', 19, null, 1, 'NO'],
      ]);
      // JDBC reads these with getInt()/getShort(): they must be integers on the wire.
      expect(r.columns.find((c) => c.name === 'DATA_TYPE')?.type).toBe(ColumnType.LONGLONG);
    }
  });

  it('Connector/J getPrimaryKeys (COLUMNS x STATISTICS join) and getIndexInfo', async () => {
    const pk = await query(connectorJ.getPrimaryKeys('test', 't_mixed'));
    expect(names(pk)).toEqual(['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'COLUMN_NAME', 'KEY_SEQ', 'PK_NAME']);
    expect(rowsOf(pk)).toEqual([['test', null, 't_mixed', 'id', 1, 'PRIMARY']]);
    const idx = await query(connectorJ.getIndexInfo('test', 't_mixed'));
    expect(rowsOf(idx).map((r) => [r[3], r[5], r[7], r[8], r[9]])).toEqual([[0, 'PRIMARY', 1, 'id', 'A'], [1, 'idx_name', 1, 'name', 'A']]);
    expect(idx.columns[3]).toMatchObject({ name: 'NON_UNIQUE', type: ColumnType.LONG });
  });

  it('KEY_COLUMN_USAGE, STATISTICS, VIEWS, CHARACTER_SETS, COLLATIONS, ENGINES answer', async () => {
    expect(rowsOf(await query("SELECT COLUMN_NAME, CONSTRAINT_NAME FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = 'test' AND TABLE_NAME = 't_mixed'"))).toEqual([['id', 'PRIMARY']]);
    expect(rowsOf(await query("SELECT * FROM information_schema.VIEWS WHERE table_schema = 'test'"))).toEqual([]);
    expect(rowsOf(await query("SELECT DEFAULT_COLLATE_NAME FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = 'utf8mb4'"))).toEqual([['utf8mb4_0900_ai_ci']]);
    expect(rowsOf(await query("SELECT ID FROM information_schema.COLLATIONS WHERE COLLATION_NAME = 'utf8mb4_general_ci'"))).toEqual([[45]]);
    expect(rowsOf(await query('SELECT ENGINE, SUPPORT FROM information_schema.ENGINES'))).toEqual([['InnoDB', 'DEFAULT']]);
  });

  it('sees catalog changes made after the first read', async () => {
    await target.execute('CREATE TABLE later (a int)', { database: 'test' });
    expect(rowsOf(await query("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'test'"))).toEqual([[2]]);
    await target.execute('DROP TABLE later', { database: 'test' });
    expect(rowsOf(await query("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'test'"))).toEqual([[1]]);
  });
});

describe('SHOW and DESCRIBE answered by the target', () => {
  it('SHOW [FULL] TABLES [FROM db], SHOW DATABASES / SCHEMAS', async () => {
    const full = await query('SHOW FULL TABLES FROM `test`');
    expect(names(full)).toEqual(['Tables_in_test', 'Table_type']);
    expect(rowsOf(full)).toEqual([['t_mixed', 'BASE TABLE']]);
    expect(rowsOf(await query('show tables'))).toEqual([['t_mixed']]);
    const like = await query("SHOW TABLES LIKE 't\\_%'");
    expect(names(like)).toEqual(['Tables_in_test (t\\_%)']);
    expect(rowsOf(await query('SHOW DATABASES'))).toEqual([['information_schema'], ['test']]);
    expect(rowsOf(await query('SHOW schemas'))).toEqual([['information_schema'], ['test']]);
    expect(rowsOf(await query("SHOW DATABASES WHERE `Database` = 'test'"))).toEqual([['test']]);
  });

  it('SHOW [FULL] COLUMNS and DESCRIBE', async () => {
    const full = await query('SHOW FULL COLUMNS FROM `t_mixed`;');
    expect(names(full)).toEqual(['Field', 'Type', 'Collation', 'Null', 'Key', 'Default', 'Extra', 'Privileges', 'Comment']);
    expect(rowsOf(full)[0]).toEqual(['id', 'int', null, 'NO', 'PRI', null, 'auto_increment', 'select,insert,update,references', '']);
    expect(rowsOf(full)[2]).toEqual(['name', 'varchar(64)', 'utf8mb4_0900_ai_ci', 'YES', 'MUL', null, '', 'select,insert,update,references', '']);
    const plain = await query('show columns from `t_mixed`');
    expect(names(plain)).toEqual(['Field', 'Type', 'Null', 'Key', 'Default', 'Extra']);
    expect(rowsOf(await query('DESCRIBE t_mixed'))).toEqual(rowsOf(plain));
    expect(rowsOf(await query('DESC test.t_mixed amount'))).toEqual([['amount', 'decimal(12,2)', 'YES', '', null, '']]);
    expect(rowsOf(await query("SHOW COLUMNS FROM t_mixed WHERE Field LIKE 'q%'"))).toEqual([['qty', 'int', 'YES', '', null, '']]);
    await expect(target.execute('SHOW COLUMNS FROM nope', { database: 'test' })).rejects.toMatchObject({ errno: 1146 });
  });

  it('SHOW INDEX with an integer Non_unique', async () => {
    const r = await query('SHOW INDEX FROM `t_mixed`');
    expect(names(r)).toEqual(['Table', 'Non_unique', 'Key_name', 'Seq_in_index', 'Column_name', 'Collation', 'Cardinality', 'Sub_part', 'Packed', 'Null', 'Index_type', 'Comment', 'Index_comment', 'Visible', 'Expression']);
    expect(rowsOf(r).map((x) => x.slice(0, 5))).toEqual([['t_mixed', 0, 'PRIMARY', 1, 'id'], ['t_mixed', 1, 'idx_name', 1, 'name']]);
    expect(r.columns[1]?.type).toBe(ColumnType.LONG);
    expect(rowsOf(await query("SHOW INDEX FROM t_mixed WHERE Key_name = 'PRIMARY'"))).toHaveLength(1);
  });

  it('SHOW CREATE TABLE as Connector/J asks for it', async () => {
    const r = await query('SHOW CREATE TABLE `test`.`t_mixed`');
    expect(names(r)).toEqual(['Table', 'Create Table']);
    expect(rowsOf(r)[0]?.[1]).toBe(
      'CREATE TABLE `t_mixed` (\n' +
        '  `id` int NOT NULL AUTO_INCREMENT,\n' +
        '  `qty` int DEFAULT NULL,\n' +
        '  `name` varchar(64) DEFAULT NULL,\n' +
        '  `amount` decimal(12,2) DEFAULT NULL,\n' +
        '  `created` datetime DEFAULT NULL,\n' +
        '  PRIMARY KEY (`id`),\n' +
        '  KEY `idx_name` (`name`)\n' +
        ') ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci',
    );
    await expect(target.execute('SHOW CREATE TABLE nope', { database: 'test' })).rejects.toMatchObject({ errno: 1146, sqlState: '42S02' });
  });

  it('SHOW TABLE STATUS', async () => {
    const r = await query('SHOW TABLE STATUS');
    expect(names(r)).toEqual(['Name', 'Engine', 'Version', 'Row_format', 'Rows', 'Avg_row_length', 'Data_length', 'Max_data_length', 'Index_length', 'Data_free', 'Auto_increment', 'Create_time', 'Update_time', 'Check_time', 'Collation', 'Checksum', 'Create_options', 'Comment']);
    expect(objects(r)[0]).toMatchObject({ Name: 't_mixed', Engine: 'InnoDB', Rows: 3, Auto_increment: 4n, Collation: 'utf8mb4_0900_ai_ci' });
  });

  it('COM_FIELD_LIST through SELECT * ... LIMIT 0 keeps the catalog types', async () => {
    const r = await query('SELECT * FROM `test`.`t_mixed` LIMIT 0');
    expect(r.columns.map((c) => c.type)).toEqual([ColumnType.LONG, ColumnType.LONG, ColumnType.VAR_STRING, ColumnType.NEWDECIMAL, ColumnType.DATETIME]);
  });
});

/** Connector/J 2.7.6 MariaDbDatabaseMetaData, as its Java builds the text (java.sql.Types values inlined). */
const connectorJ = (() => {
  const T = { BIT: -7, VARBINARY: -3, LONGVARBINARY: -4, VARCHAR: 12, LONGVARCHAR: -1, DATE: 91, TIMESTAMP: 93, DECIMAL: 3, DOUBLE: 8, REAL: 7, INTEGER: 4, BIGINT: -5, NULL: 0, SMALLINT: 5, CHAR: 1, BINARY: -2, TIME: 92, TINYINT: -6, OTHER: 1111 };
  const full = 'COLUMN_TYPE';
  const dataTypeClause = ` CASE data_type WHEN 'bit' THEN ${T.BIT} WHEN 'tinyblob' THEN ${T.VARBINARY} WHEN 'mediumblob' THEN ${T.LONGVARBINARY} WHEN 'longblob' THEN ${T.LONGVARBINARY} WHEN 'blob' THEN ${T.LONGVARBINARY} WHEN 'tinytext' THEN ${T.VARCHAR} WHEN 'mediumtext' THEN ${T.LONGVARCHAR} WHEN 'longtext' THEN ${T.LONGVARCHAR} WHEN 'text' THEN ${T.LONGVARCHAR} WHEN 'date' THEN ${T.DATE} WHEN 'datetime' THEN ${T.TIMESTAMP} WHEN 'decimal' THEN ${T.DECIMAL} WHEN 'double' THEN ${T.DOUBLE} WHEN 'enum' THEN ${T.VARCHAR} WHEN 'float' THEN ${T.REAL} WHEN 'int' THEN IF( ${full} like '%unsigned%', ${T.INTEGER},${T.INTEGER}) WHEN 'bigint' THEN ${T.BIGINT} WHEN 'mediumint' THEN ${T.INTEGER} WHEN 'null' THEN ${T.NULL} WHEN 'set' THEN ${T.VARCHAR} WHEN 'smallint' THEN IF( ${full} like '%unsigned%', ${T.SMALLINT},${T.SMALLINT}) WHEN 'varchar' THEN ${T.VARCHAR} WHEN 'varbinary' THEN ${T.VARBINARY} WHEN 'char' THEN ${T.CHAR} WHEN 'binary' THEN ${T.BINARY} WHEN 'time' THEN ${T.TIME} WHEN 'timestamp' THEN ${T.TIMESTAMP} WHEN 'tinyint' THEN IF(${full} like 'tinyint(1)%',${T.BIT},${T.TINYINT})  WHEN 'year' THEN ${T.DATE} ELSE ${T.OTHER} END `;
  const upper = " IF(COLUMN_TYPE like 'tinyint(1)%', 'BIT',  UCASE(IF( COLUMN_TYPE LIKE '%(%)%', CONCAT(SUBSTRING( COLUMN_TYPE,1, LOCATE('(',COLUMN_TYPE) - 1 ), SUBSTRING(COLUMN_TYPE ,1+locate(')', COLUMN_TYPE))), COLUMN_TYPE)))";
  const MAX = 2147483647;
  const catalogCond = (first: boolean, col: string, cat: string | null): string => `${first ? ' WHERE ' : ' AND '}${col}${cat === null ? ' = database()' : `='${cat}'`}`;
  const patternCond = (col: string, v: string | null): string => (v === null ? '' : ` AND ${col}='${v}'`);
  return {
    getTables: (cat: string): string =>
      "SELECT TABLE_SCHEMA TABLE_CAT, NULL TABLE_SCHEM, TABLE_NAME, IF(TABLE_TYPE='BASE TABLE' or TABLE_TYPE='SYSTEM VERSIONED', 'TABLE', TABLE_TYPE) as TABLE_TYPE, TABLE_COMMENT REMARKS, NULL TYPE_CAT, NULL TYPE_SCHEM, NULL TYPE_NAME, NULL SELF_REFERENCING_COL_NAME, NULL REF_GENERATION FROM INFORMATION_SCHEMA.TABLES" +
      catalogCond(true, 'TABLE_SCHEMA', cat) + " AND  TABLE_TYPE IN ('BASE TABLE','SYSTEM VERSIONED','VIEW') ORDER BY TABLE_TYPE, TABLE_SCHEMA, TABLE_NAME",
    getColumns: (cat: string | null, table: string | null): string =>
      `SELECT TABLE_SCHEMA TABLE_CAT, NULL TABLE_SCHEM, TABLE_NAME, COLUMN_NAME,${dataTypeClause} DATA_TYPE,${upper} TYPE_NAME,  CASE DATA_TYPE  WHEN 'time' THEN IF(DATETIME_PRECISION = 0, 10, CAST(11 + DATETIME_PRECISION as signed integer))  WHEN 'date' THEN 10  WHEN 'datetime' THEN IF(DATETIME_PRECISION = 0, 19, CAST(20 + DATETIME_PRECISION as signed integer))  WHEN 'timestamp' THEN IF(DATETIME_PRECISION = 0, 19, CAST(20 + DATETIME_PRECISION as signed integer))  ELSE   IF(NUMERIC_PRECISION IS NULL, LEAST(CHARACTER_MAXIMUM_LENGTH,${MAX}), NUMERIC_PRECISION)  END COLUMN_SIZE, 65535 BUFFER_LENGTH,  CONVERT (CASE DATA_TYPE WHEN 'year' THEN NUMERIC_SCALE WHEN 'tinyint' THEN 0 ELSE NUMERIC_SCALE END, UNSIGNED INTEGER) DECIMAL_DIGITS, 10 NUM_PREC_RADIX, IF(IS_NULLABLE = 'yes',1,0) NULLABLE,COLUMN_COMMENT REMARKS, COLUMN_DEFAULT COLUMN_DEF, 0 SQL_DATA_TYPE, 0 SQL_DATETIME_SUB,   LEAST(CHARACTER_OCTET_LENGTH,${MAX}) CHAR_OCTET_LENGTH, ORDINAL_POSITION, IS_NULLABLE, NULL SCOPE_CATALOG, NULL SCOPE_SCHEMA, NULL SCOPE_TABLE, NULL SOURCE_DATA_TYPE, IF(EXTRA = 'auto_increment','YES','NO') IS_AUTOINCREMENT,  IF(EXTRA in ('VIRTUAL', 'PERSISTENT', 'VIRTUAL GENERATED', 'STORED GENERATED') ,'YES','NO') IS_GENERATEDCOLUMN  FROM INFORMATION_SCHEMA.COLUMNS ` +
      catalogCond(true, 'TABLE_SCHEMA', cat) + patternCond('TABLE_NAME', table) + ' ORDER BY TABLE_CAT, TABLE_SCHEM, TABLE_NAME, ORDINAL_POSITION',
    getPrimaryKeys: (cat: string, table: string): string =>
      "SELECT A.TABLE_SCHEMA TABLE_CAT, NULL TABLE_SCHEM, A.TABLE_NAME, A.COLUMN_NAME, B.SEQ_IN_INDEX KEY_SEQ, B.INDEX_NAME PK_NAME  FROM INFORMATION_SCHEMA.COLUMNS A, INFORMATION_SCHEMA.STATISTICS B WHERE A.COLUMN_KEY in ('PRI','pri') AND B.INDEX_NAME='PRIMARY' " +
      catalogCond(false, 'A.TABLE_SCHEMA', cat) + catalogCond(false, 'B.TABLE_SCHEMA', cat) + patternCond('A.TABLE_NAME', table) + patternCond('B.TABLE_NAME', table) +
      ' AND A.TABLE_SCHEMA = B.TABLE_SCHEMA AND A.TABLE_NAME = B.TABLE_NAME AND A.COLUMN_NAME = B.COLUMN_NAME ORDER BY A.COLUMN_NAME',
    getIndexInfo: (cat: string, table: string): string =>
      `SELECT TABLE_SCHEMA TABLE_CAT, NULL TABLE_SCHEM, TABLE_NAME, NON_UNIQUE,  TABLE_SCHEMA INDEX_QUALIFIER, INDEX_NAME, 3 TYPE, SEQ_IN_INDEX ORDINAL_POSITION, COLUMN_NAME, COLLATION ASC_OR_DESC, CARDINALITY, NULL PAGES, NULL FILTER_CONDITION FROM INFORMATION_SCHEMA.STATISTICS` +
      catalogCond(true, 'TABLE_SCHEMA', cat) + ` AND TABLE_NAME = '${table}' ORDER BY NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION`,
  };
})();

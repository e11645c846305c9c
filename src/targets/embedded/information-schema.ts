// information_schema as MySQL 8 lays it out, held in an in-memory SQLite schema attached as
// `information_schema` and refilled from the catalog before a statement that reads it, so
// clients' own metadata queries (Connector/J's DatabaseMetaData, SQLAlchemy, Knex, mycli, ...)
// run through the same translation as any other SELECT.

import type Database from 'better-sqlite3';
import type { ColumnDef, TableDef } from '../target.js';
import { DEFAULT_CHARSET, DEFAULT_COLLATION, infoSchemaType, parseType } from '../mysql-types.js';
import { columnDefaultText, columnExtra, columnKey } from '../show.js';
import { sqliteCreateStatements } from './ddl.js';
import { quoteIdent } from './sql-text.js';

export const INFORMATION_SCHEMA = 'information_schema';

type Spec = readonly [name: string, type: string, notNull?: boolean];

const V64 = 'varchar(64)';

const SPECS: Readonly<Record<string, readonly Spec[]>> = {
  SCHEMATA: [
    ['CATALOG_NAME', V64, true], ['SCHEMA_NAME', V64, true], ['DEFAULT_CHARACTER_SET_NAME', V64, true],
    ['DEFAULT_COLLATION_NAME', V64, true], ['SQL_PATH', 'binary(0)'], ['DEFAULT_ENCRYPTION', "enum('NO','YES')", true],
  ],
  TABLES: [
    ['TABLE_CATALOG', V64, true], ['TABLE_SCHEMA', V64, true], ['TABLE_NAME', V64, true],
    ['TABLE_TYPE', "enum('BASE TABLE','VIEW','SYSTEM VIEW')", true], ['ENGINE', V64], ['VERSION', 'int'],
    ['ROW_FORMAT', 'varchar(10)'], ['TABLE_ROWS', 'bigint unsigned'], ['AVG_ROW_LENGTH', 'bigint unsigned'],
    ['DATA_LENGTH', 'bigint unsigned'], ['MAX_DATA_LENGTH', 'bigint unsigned'], ['INDEX_LENGTH', 'bigint unsigned'],
    ['DATA_FREE', 'bigint unsigned'], ['AUTO_INCREMENT', 'bigint unsigned'], ['CREATE_TIME', 'timestamp', true],
    ['UPDATE_TIME', 'datetime'], ['CHECK_TIME', 'datetime'], ['TABLE_COLLATION', V64], ['CHECKSUM', 'bigint'],
    ['CREATE_OPTIONS', 'varchar(256)'], ['TABLE_COMMENT', 'text'],
  ],
  COLUMNS: [
    ['TABLE_CATALOG', V64, true], ['TABLE_SCHEMA', V64, true], ['TABLE_NAME', V64, true], ['COLUMN_NAME', V64],
    ['ORDINAL_POSITION', 'int unsigned', true], ['COLUMN_DEFAULT', 'text'], ['IS_NULLABLE', 'varchar(3)', true],
    ['DATA_TYPE', 'longtext'], ['CHARACTER_MAXIMUM_LENGTH', 'bigint'], ['CHARACTER_OCTET_LENGTH', 'bigint'],
    ['NUMERIC_PRECISION', 'bigint unsigned'], ['NUMERIC_SCALE', 'bigint unsigned'], ['DATETIME_PRECISION', 'int unsigned'],
    ['CHARACTER_SET_NAME', V64], ['COLLATION_NAME', V64], ['COLUMN_TYPE', 'mediumtext', true],
    ['COLUMN_KEY', "enum('','PRI','UNI','MUL')", true], ['EXTRA', 'varchar(256)'], ['PRIVILEGES', 'varchar(154)'],
    ['COLUMN_COMMENT', 'text', true], ['GENERATION_EXPRESSION', 'longtext', true], ['SRS_ID', 'int unsigned'],
  ],
  STATISTICS: [
    ['TABLE_CATALOG', V64, true], ['TABLE_SCHEMA', V64, true], ['TABLE_NAME', V64, true], ['NON_UNIQUE', 'int', true],
    ['INDEX_SCHEMA', V64, true], ['INDEX_NAME', V64], ['SEQ_IN_INDEX', 'int unsigned', true], ['COLUMN_NAME', V64],
    ['COLLATION', 'varchar(1)'], ['CARDINALITY', 'bigint'], ['SUB_PART', 'bigint'], ['PACKED', 'binary(0)'],
    ['NULLABLE', 'varchar(3)', true], ['INDEX_TYPE', 'varchar(11)', true], ['COMMENT', 'varchar(8)', true],
    ['INDEX_COMMENT', 'varchar(2048)', true], ['IS_VISIBLE', 'varchar(3)', true], ['EXPRESSION', 'longtext'],
  ],
  KEY_COLUMN_USAGE: [
    ['CONSTRAINT_CATALOG', V64, true], ['CONSTRAINT_SCHEMA', V64, true], ['CONSTRAINT_NAME', V64],
    ['TABLE_CATALOG', V64, true], ['TABLE_SCHEMA', V64, true], ['TABLE_NAME', V64, true], ['COLUMN_NAME', V64],
    ['ORDINAL_POSITION', 'int unsigned', true], ['POSITION_IN_UNIQUE_CONSTRAINT', 'int unsigned'],
    ['REFERENCED_TABLE_SCHEMA', V64], ['REFERENCED_TABLE_NAME', V64], ['REFERENCED_COLUMN_NAME', V64],
  ],
  TABLE_CONSTRAINTS: [
    ['CONSTRAINT_CATALOG', V64, true], ['CONSTRAINT_SCHEMA', V64, true], ['CONSTRAINT_NAME', V64],
    ['TABLE_SCHEMA', V64, true], ['TABLE_NAME', V64, true], ['CONSTRAINT_TYPE', 'varchar(11)', true], ['ENFORCED', 'varchar(3)', true],
  ],
  REFERENTIAL_CONSTRAINTS: [
    ['CONSTRAINT_CATALOG', V64, true], ['CONSTRAINT_SCHEMA', V64, true], ['CONSTRAINT_NAME', V64],
    ['UNIQUE_CONSTRAINT_CATALOG', V64, true], ['UNIQUE_CONSTRAINT_SCHEMA', V64, true], ['UNIQUE_CONSTRAINT_NAME', V64],
    ['MATCH_OPTION', "enum('NONE','PARTIAL','FULL')", true], ['UPDATE_RULE', V64, true], ['DELETE_RULE', V64, true],
    ['TABLE_NAME', V64, true], ['REFERENCED_TABLE_NAME', V64, true],
  ],
  ROUTINES: [
    ['SPECIFIC_NAME', V64, true], ['ROUTINE_CATALOG', V64, true], ['ROUTINE_SCHEMA', V64, true], ['ROUTINE_NAME', V64, true],
    ['ROUTINE_TYPE', "enum('FUNCTION','PROCEDURE')", true], ['DATA_TYPE', 'longtext'], ['CHARACTER_MAXIMUM_LENGTH', 'bigint'],
    ['CHARACTER_OCTET_LENGTH', 'bigint'], ['NUMERIC_PRECISION', 'int unsigned'], ['NUMERIC_SCALE', 'int unsigned'],
    ['DATETIME_PRECISION', 'int unsigned'], ['CHARACTER_SET_NAME', V64], ['COLLATION_NAME', V64], ['DTD_IDENTIFIER', 'longtext'],
    ['ROUTINE_BODY', 'varchar(8)', true], ['ROUTINE_DEFINITION', 'longtext'], ['EXTERNAL_NAME', 'binary(0)'],
    ['EXTERNAL_LANGUAGE', V64, true], ['PARAMETER_STYLE', 'varchar(3)', true], ['IS_DETERMINISTIC', 'varchar(3)', true],
    ['SQL_DATA_ACCESS', V64, true], ['SQL_PATH', 'binary(0)'], ['SECURITY_TYPE', V64, true], ['CREATED', 'timestamp', true],
    ['LAST_ALTERED', 'timestamp', true], ['SQL_MODE', 'varchar(520)', true], ['ROUTINE_COMMENT', 'text', true],
    ['DEFINER', 'varchar(288)', true], ['CHARACTER_SET_CLIENT', V64, true], ['COLLATION_CONNECTION', V64, true],
    ['DATABASE_COLLATION', V64, true],
  ],
  PARAMETERS: [
    ['SPECIFIC_CATALOG', V64, true], ['SPECIFIC_SCHEMA', V64, true], ['SPECIFIC_NAME', V64, true],
    ['ORDINAL_POSITION', 'bigint unsigned', true], ['PARAMETER_MODE', 'varchar(5)'], ['PARAMETER_NAME', V64],
    ['DATA_TYPE', 'longtext'], ['CHARACTER_MAXIMUM_LENGTH', 'bigint'], ['CHARACTER_OCTET_LENGTH', 'bigint'],
    ['NUMERIC_PRECISION', 'int unsigned'], ['NUMERIC_SCALE', 'bigint'], ['DATETIME_PRECISION', 'int unsigned'],
    ['CHARACTER_SET_NAME', V64], ['COLLATION_NAME', V64], ['DTD_IDENTIFIER', 'mediumtext', true],
    ['ROUTINE_TYPE', "enum('FUNCTION','PROCEDURE')", true],
  ],
  VIEWS: [
    ['TABLE_CATALOG', V64, true], ['TABLE_SCHEMA', V64, true], ['TABLE_NAME', V64, true], ['VIEW_DEFINITION', 'longtext'],
    ['CHECK_OPTION', "enum('NONE','LOCAL','CASCADED')"], ['IS_UPDATABLE', "enum('NO','YES')"], ['DEFINER', 'varchar(288)'],
    ['SECURITY_TYPE', 'varchar(7)'], ['CHARACTER_SET_CLIENT', V64, true], ['COLLATION_CONNECTION', V64, true],
  ],
  TRIGGERS: [
    ['TRIGGER_CATALOG', V64, true], ['TRIGGER_SCHEMA', V64, true], ['TRIGGER_NAME', V64, true],
    ['EVENT_MANIPULATION', "enum('INSERT','UPDATE','DELETE')", true], ['EVENT_OBJECT_CATALOG', V64, true],
    ['EVENT_OBJECT_SCHEMA', V64, true], ['EVENT_OBJECT_TABLE', V64, true], ['ACTION_ORDER', 'int unsigned', true],
    ['ACTION_CONDITION', 'binary(0)'], ['ACTION_STATEMENT', 'longtext', true], ['ACTION_ORIENTATION', 'varchar(3)', true],
    ['ACTION_TIMING', "enum('BEFORE','AFTER')", true], ['ACTION_REFERENCE_OLD_TABLE', 'binary(0)'],
    ['ACTION_REFERENCE_NEW_TABLE', 'binary(0)'], ['ACTION_REFERENCE_OLD_ROW', 'varchar(3)', true],
    ['ACTION_REFERENCE_NEW_ROW', 'varchar(3)', true], ['CREATED', 'timestamp(2)', true], ['SQL_MODE', 'varchar(520)', true],
    ['DEFINER', 'varchar(288)', true], ['CHARACTER_SET_CLIENT', V64, true], ['COLLATION_CONNECTION', V64, true],
    ['DATABASE_COLLATION', V64, true],
  ],
  TABLE_PRIVILEGES: [
    ['GRANTEE', 'varchar(292)', true], ['TABLE_CATALOG', 'varchar(512)', true], ['TABLE_SCHEMA', V64, true],
    ['TABLE_NAME', V64, true], ['PRIVILEGE_TYPE', V64, true], ['IS_GRANTABLE', 'varchar(3)', true],
  ],
  COLUMN_PRIVILEGES: [
    ['GRANTEE', 'varchar(292)', true], ['TABLE_CATALOG', 'varchar(512)', true], ['TABLE_SCHEMA', V64, true],
    ['TABLE_NAME', V64, true], ['COLUMN_NAME', V64, true], ['PRIVILEGE_TYPE', V64, true], ['IS_GRANTABLE', 'varchar(3)', true],
  ],
  PARTITIONS: [
    ['TABLE_CATALOG', V64, true], ['TABLE_SCHEMA', V64, true], ['TABLE_NAME', V64, true], ['PARTITION_NAME', V64],
    ['SUBPARTITION_NAME', V64], ['PARTITION_ORDINAL_POSITION', 'int unsigned'], ['SUBPARTITION_ORDINAL_POSITION', 'int unsigned'],
    ['PARTITION_METHOD', 'varchar(13)'], ['SUBPARTITION_METHOD', 'varchar(13)'], ['PARTITION_EXPRESSION', 'varchar(2048)'],
    ['SUBPARTITION_EXPRESSION', 'varchar(2048)'], ['PARTITION_DESCRIPTION', 'text'], ['TABLE_ROWS', 'bigint unsigned'],
    ['AVG_ROW_LENGTH', 'bigint unsigned'], ['DATA_LENGTH', 'bigint unsigned'], ['MAX_DATA_LENGTH', 'bigint unsigned'],
    ['INDEX_LENGTH', 'bigint unsigned'], ['DATA_FREE', 'bigint unsigned'], ['CREATE_TIME', 'timestamp', true],
    ['UPDATE_TIME', 'datetime'], ['CHECK_TIME', 'datetime'], ['CHECKSUM', 'bigint'], ['PARTITION_COMMENT', 'text', true],
    ['NODEGROUP', 'varchar(256)'], ['TABLESPACE_NAME', 'varchar(268)'],
  ],
  CHARACTER_SETS: [
    ['CHARACTER_SET_NAME', V64, true], ['DEFAULT_COLLATE_NAME', V64, true], ['DESCRIPTION', 'varchar(2048)', true], ['MAXLEN', 'int unsigned', true],
  ],
  COLLATIONS: [
    ['COLLATION_NAME', V64, true], ['CHARACTER_SET_NAME', V64, true], ['ID', 'bigint unsigned', true], ['IS_DEFAULT', 'varchar(3)', true],
    ['IS_COMPILED', 'varchar(3)', true], ['SORTLEN', 'int unsigned', true], ['PAD_ATTRIBUTE', "enum('PAD SPACE','NO PAD')", true],
  ],
  ENGINES: [
    ['ENGINE', 'varchar(64)', true], ['SUPPORT', 'varchar(8)', true], ['COMMENT', 'varchar(80)', true],
    ['TRANSACTIONS', 'varchar(3)'], ['XA', 'varchar(3)'], ['SAVEPOINTS', 'varchar(3)'],
  ],
};

const EPOCH_TIME = '1970-01-02 00:00:00';

function specToDef(name: string, spec: readonly Spec[]): TableDef {
  const columns: ColumnDef[] = spec.map(([n, type, notNull]) => ({
    name: n, type, nullable: !notNull, autoIncrement: false, onUpdateCurrentTimestamp: false, comment: '',
  }));
  return { database: INFORMATION_SCHEMA, name, columns, indexes: [], comment: '', tableType: 'SYSTEM VIEW', createTime: EPOCH_TIME };
}

/** information_schema's own tables, as TableDefs (so SELECTs over them are typed like any table). */
export const INFORMATION_SCHEMA_TABLES: readonly TableDef[] = Object.entries(SPECS).map(([n, s]) => specToDef(n, s));

const STATIC_ROWS: Readonly<Record<string, readonly (readonly unknown[])[]>> = {
  CHARACTER_SETS: [
    ['utf8mb4', 'utf8mb4_0900_ai_ci', 'UTF-8 Unicode', 4],
    ['utf8mb3', 'utf8mb3_general_ci', 'UTF-8 Unicode', 3],
    ['utf8', 'utf8mb3_general_ci', 'UTF-8 Unicode', 3],
    ['latin1', 'latin1_swedish_ci', 'cp1252 West European', 1],
    ['ascii', 'ascii_general_ci', 'US ASCII', 1],
    ['binary', 'binary', 'Binary pseudo charset', 1],
  ],
  COLLATIONS: [
    ['utf8mb4_0900_ai_ci', 'utf8mb4', 255, 'Yes', 'Yes', 0, 'NO PAD'],
    ['utf8mb4_general_ci', 'utf8mb4', 45, '', 'Yes', 1, 'PAD SPACE'],
    ['utf8mb4_bin', 'utf8mb4', 46, '', 'Yes', 1, 'PAD SPACE'],
    ['utf8mb4_unicode_ci', 'utf8mb4', 224, '', 'Yes', 8, 'PAD SPACE'],
    ['utf8mb3_general_ci', 'utf8mb3', 33, 'Yes', 'Yes', 1, 'PAD SPACE'],
    ['latin1_swedish_ci', 'latin1', 8, 'Yes', 'Yes', 1, 'PAD SPACE'],
    ['ascii_general_ci', 'ascii', 11, 'Yes', 'Yes', 1, 'PAD SPACE'],
    ['binary', 'binary', 63, 'Yes', 'Yes', 1, 'NO PAD'],
  ],
  ENGINES: [['InnoDB', 'DEFAULT', 'loadwire tables, stored in SQLite', 'YES', 'NO', 'YES']],
};

/** Creates information_schema's tables in a freshly attached in-memory schema. */
export function createInformationSchema(db: Database.Database): void {
  for (const def of INFORMATION_SCHEMA_TABLES) {
    for (const sql of sqliteCreateStatements(INFORMATION_SCHEMA, def.name, def, () => 'NULL')) db.exec(sql);
  }
  for (const [table, data] of Object.entries(STATIC_ROWS)) insertRows(db, table, data);
}

function insertRows(db: Database.Database, table: string, data: readonly (readonly unknown[])[]): void {
  const first = data[0];
  if (!first) return;
  const stmt = db.prepare(`INSERT INTO ${quoteIdent(INFORMATION_SCHEMA)}.${quoteIdent(table)} VALUES (${first.map(() => '?').join(', ')})`);
  for (const row of data) stmt.run(...row);
}

/** Refills the catalog-derived tables; `schemas` lists every database with its tables. */
export function fillInformationSchema(db: Database.Database, schemas: readonly { database: string; tables: readonly TableDef[] }[]): void {
  const rows: Record<string, unknown[][]> = { SCHEMATA: [], TABLES: [], COLUMNS: [], STATISTICS: [], KEY_COLUMN_USAGE: [], TABLE_CONSTRAINTS: [] };
  const all = [{ database: INFORMATION_SCHEMA, tables: INFORMATION_SCHEMA_TABLES }, ...schemas];
  for (const { database, tables } of all) {
    rows.SCHEMATA?.push(['def', database, DEFAULT_CHARSET, DEFAULT_COLLATION, null, 'NO']);
    for (const def of tables) {
      const system = def.tableType === 'SYSTEM VIEW';
      rows.TABLES?.push([
        'def', database, def.name, def.tableType, system ? null : 'InnoDB', system ? null : 10, system ? null : 'Dynamic',
        null, null, null, null, null, null, null, def.createTime, null, null, system ? null : DEFAULT_COLLATION, null, '', def.comment,
      ]);
      def.columns.forEach((c, i) => {
        const t = parseType(c.type);
        const info = t ? infoSchemaType(t) : undefined;
        rows.COLUMNS?.push([
          'def', database, def.name, c.name, i + 1, columnDefaultText(c), c.nullable ? 'YES' : 'NO', info?.dataType ?? c.type,
          info?.characterMaximumLength ?? null, info?.characterOctetLength ?? null, info?.numericPrecision ?? null,
          info?.numericScale ?? null, info?.datetimePrecision ?? null, info?.characterSetName ?? null, info?.collationName ?? null,
          c.type, columnKey(def, c), columnExtra(c), 'select,insert,update,references', c.comment, '', null,
        ]);
      });
      const nullable = new Map(def.columns.map((c) => [c.name.toLowerCase(), c.nullable]));
      for (const idx of def.indexes) {
        idx.columns.forEach((c, i) => {
          rows.STATISTICS?.push([
            'def', database, def.name, idx.kind === 'index' ? 1 : 0, database, idx.name, i + 1, c.name, c.descending ? 'D' : 'A',
            0, c.length ?? null, null, nullable.get(c.name.toLowerCase()) ? 'YES' : '', 'BTREE', '', idx.comment, 'YES', null,
          ]);
          if (idx.kind !== 'index') {
            rows.KEY_COLUMN_USAGE?.push(['def', database, idx.name, 'def', database, def.name, c.name, i + 1, null, null, null, null]);
          }
        });
        if (idx.kind !== 'index') {
          rows.TABLE_CONSTRAINTS?.push(['def', database, idx.name, database, def.name, idx.kind === 'primary' ? 'PRIMARY KEY' : 'UNIQUE', 'YES']);
        }
      }
    }
  }
  const tx = db.transaction(() => {
    for (const [table, data] of Object.entries(rows)) {
      db.prepare(`DELETE FROM ${quoteIdent(INFORMATION_SCHEMA)}.${quoteIdent(table)}`).run();
      insertRows(db, table, data);
    }
  });
  tx();
}

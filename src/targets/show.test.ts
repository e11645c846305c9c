// SHOW builders against MySQL 8's exact layouts. The expected CREATE TABLE texts are written as
// MySQL 8.0 prints them for the same DDL (integer widths dropped except tinyint(1), literal
// defaults quoted, `timestamp NULL`, no DEFAULT NULL on TEXT/BLOB/JSON, PRIMARY/UNIQUE/KEY order).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../protocol/handler.js';
import { EmbeddedTarget } from './embedded/embedded-target.js';
import { createTableText, likeToRegExp, showColumns, showDatabases, showIndex, showTables } from './show.js';
import type { TableDef } from './target.js';

let dir: string;
let target: EmbeddedTarget;

async function defOf(ddl: string, name: string): Promise<TableDef> {
  await target.execute(ddl, { database: 'test' });
  const def = await target.table('test', name);
  if (!def) throw new Error(`no ${name}`);
  return def;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadwire-show-'));
  target = EmbeddedTarget.open({ directory: dir });
});

afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SHOW CREATE TABLE', () => {
  it('prints every column form as MySQL 8 does', async () => {
    const def = await defOf(
      `CREATE TABLE \`all_types\` (
        id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
        flag tinyint(1) NOT NULL DEFAULT 0,
        small smallint(6) DEFAULT '-1',
        price decimal(10,2) NOT NULL DEFAULT 1.5 COMMENT 'it''s the price',
        ratio double,
        f float(7,4),
        code char(2),
        title varchar(200) NOT NULL DEFAULT '',
        body text,
        data blob,
        meta json,
        kind enum('a','b''c') DEFAULT 'a',
        tags set('x','y'),
        born date DEFAULT '2000-01-01',
        created datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        touched timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
        at time,
        yr year,
        bits bit(8) DEFAULT b'101',
        uid binary(16),
        token char(36) DEFAULT (uuid()),
        PRIMARY KEY (id),
        UNIQUE KEY uq_code (code, yr),
        KEY idx_title (title(20)),
        KEY idx_created (created DESC),
        UNIQUE (uid)
      ) ENGINE=MyISAM AUTO_INCREMENT=42 DEFAULT CHARSET=latin1 COMMENT='all the types'`,
      'all_types',
    );
    const status = await target.tableStatus('test', 'all_types');
    expect(createTableText(def, status?.autoIncrement ?? null)).toBe(
      [
        'CREATE TABLE `all_types` (',
        '  `id` bigint unsigned NOT NULL AUTO_INCREMENT,',
        "  `flag` tinyint(1) NOT NULL DEFAULT '0',",
        "  `small` smallint DEFAULT '-1',",
        "  `price` decimal(10,2) NOT NULL DEFAULT '1.50' COMMENT 'it''s the price',",
        '  `ratio` double DEFAULT NULL,',
        '  `f` float(7,4) DEFAULT NULL,',
        '  `code` char(2) DEFAULT NULL,',
        "  `title` varchar(200) NOT NULL DEFAULT '',",
        '  `body` text,',
        '  `data` blob,',
        '  `meta` json,',
        "  `kind` enum('a','b''c') DEFAULT 'a',",
        "  `tags` set('x','y') DEFAULT NULL,",
        "  `born` date DEFAULT '2000-01-01',",
        '  `created` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),',
        '  `touched` timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,',
        '  `at` time DEFAULT NULL,',
        '  `yr` year DEFAULT NULL,',
        "  `bits` bit(8) DEFAULT b'101',",
        '  `uid` binary(16) DEFAULT NULL,',
        '  `token` char(36) DEFAULT (uuid()),',
        '  PRIMARY KEY (`id`),',
        '  UNIQUE KEY `uq_code` (`code`,`yr`),',
        '  UNIQUE KEY `uid` (`uid`),',
        '  KEY `idx_title` (`title`(20)),',
        '  KEY `idx_created` (`created` DESC)',
        ") ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='all the types'",
      ].join('\n'),
    );
  });

  it('parses line by line the way SQLAlchemy reads it', async () => {
    const def = await defOf('CREATE TABLE sa (a int, `we``ird` varchar(5) NOT NULL, KEY k (a))', 'sa');
    const lines = createTableText(def).split('\n');
    expect(lines[0]).toMatch(/^CREATE TABLE `sa` \($/);
    for (const l of lines.slice(1, -1)) expect(l).toMatch(/^ {2}(`|PRIMARY KEY|UNIQUE KEY|KEY)/);
    expect(lines[2]).toBe('  `we``ird` varchar(5) NOT NULL,');
    expect(lines.at(-1)).toBe(') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci');
  });
});

describe('SHOW COLUMNS / INDEX / TABLES / DATABASES', () => {
  it('reports Key, Default and Extra by MySQL rules', async () => {
    const def = await defOf(
      'CREATE TABLE keys_t (a int NOT NULL, b int, c int, d timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, UNIQUE KEY ua (a), UNIQUE KEY ubc (b, c), KEY kc (c))',
      'keys_t',
    );
    const rows = [...(showColumns(def).rows as Iterable<Row>)];
    // Without a primary key, MySQL shows a UNIQUE NOT NULL key as PRI; a multi-column unique as MUL.
    expect(rows.map((r) => [r[0], r[3], r[4], r[5]])).toEqual([
      ['a', 'PRI', null, ''],
      ['b', 'MUL', null, ''],
      ['c', 'MUL', null, ''],
      ['d', '', 'CURRENT_TIMESTAMP', 'DEFAULT_GENERATED on update CURRENT_TIMESTAMP'],
    ]);
    const idx = [...(showIndex(def).rows as Iterable<Row>)];
    expect(idx.map((r) => [r[1], r[2], r[3], r[4], r[9]])).toEqual([
      [0, 'ua', 1, 'a', ''],
      [0, 'ubc', 1, 'b', 'YES'],
      [0, 'ubc', 2, 'c', 'YES'],
      [1, 'kc', 1, 'c', 'YES'],
    ]);
  });

  it('filters with LIKE and names columns as MySQL does', () => {
    const tables = showTables('shop', [{ name: 'orders', tableType: 'BASE TABLE' }, { name: 'items', tableType: 'BASE TABLE' }], { full: true, like: 'o%' });
    expect(tables.columns.map((c) => c.name)).toEqual(['Tables_in_shop (o%)', 'Table_type']);
    expect([...(tables.rows as Iterable<Row>)]).toEqual([['orders', 'BASE TABLE']]);
    const dbs = showDatabases(['test', 'shop']);
    expect([...(dbs.rows as Iterable<Row>)]).toEqual([['information_schema'], ['shop'], ['test']]);
  });

  it('translates LIKE patterns with escapes', () => {
    expect(likeToRegExp('a\\_b%').test('a_bcd')).toBe(true);
    expect(likeToRegExp('a\\_b%').test('axbcd')).toBe(false);
    expect(likeToRegExp('T_M%').test('t_mixed')).toBe(true);
  });
});

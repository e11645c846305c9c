import { describe, expect, it } from 'vitest';
import { prng, randomRows, type Cell } from '../../test/generators/csv.js';
import { SqlDumpDecoder } from './sql-dump-decoder.js';
import type { ErrorRow, RowBatch, Value } from './types.js';

function decode(text: string, chunk = 0) {
  const bytes = Buffer.from(text);
  const d = new SqlDumpDecoder({ file: 'd.sql' });
  const batches: RowBatch[] = [];
  if (chunk > 0) for (let i = 0; i < bytes.length; i += chunk) batches.push(...d.push(bytes.subarray(i, i + chunk)));
  else batches.push(...d.push(bytes));
  batches.push(...d.finish());
  const rows: Value[][] = [];
  const lines: number[] = [];
  const errors: ErrorRow[] = [];
  const columns: (readonly string[] | null)[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      rows.push(b.row(i));
      lines.push(b.line(i));
    }
    if (b.length) columns.push(b.columns);
    errors.push(...b.errors);
  }
  return { rows, lines, errors, columns };
}

const MYSQLDUMP = `-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: shop
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS \`orders\`;
CREATE TABLE \`orders\` (
  \`id\` int NOT NULL,
  \`note\` varchar(20) DEFAULT 'a;b',
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES \`orders\` WRITE;
/*!40000 ALTER TABLE \`orders\` DISABLE KEYS */;
INSERT INTO \`orders\` VALUES (1,'it\\'s',NULL,-1.5e3),(2,'semi;colon','a\\nb',0x414243),(3,'',"dq""x",_binary 'bin');
/*!40000 ALTER TABLE \`orders\` ENABLE KEYS */;
UNLOCK TABLES;
`;

describe('SQL dump decoding', () => {
  it('reads mysqldump extended INSERTs and skips everything else', () => {
    const d = decode(MYSQLDUMP);
    expect(d.errors).toEqual([]);
    expect(d.rows).toEqual([
      ['1', "it's", null, '-1.5e3'],
      ['2', 'semi;colon', 'a\nb', Buffer.from('ABC')],
      ['3', '', 'dq"x', Buffer.from('bin')],
    ]);
    expect(d.lines).toEqual([14, 14, 14]);
  });

  it('reads mydumper / dumpling style statements with column lists over several lines', () => {
    const text = 'INSERT INTO `db`.`t` (`a`,`b c`) VALUES\n(1,"x"),\n(2,\'y\');\nINSERT IGNORE INTO t VALUES\n(3,TRUE);\n';
    const d = decode(text);
    expect(d.rows).toEqual([
      ['1', 'x'],
      ['2', 'y'],
      ['3', '1'],
    ]);
    expect(d.lines).toEqual([2, 3, 5]);
    expect(d.columns).toEqual([['a', 'b c'], null]);
  });

  it('gives the same rows wherever the stream is split', () => {
    const whole = decode(MYSQLDUMP);
    for (const chunk of [1, 2, 5, 13, 64]) {
      const d = decode(MYSQLDUMP, chunk);
      expect(d.rows, `chunk ${chunk}`).toEqual(whole.rows);
      expect(d.lines).toEqual(whole.lines);
    }
  });

  it('round-trips generated values with every escape', () => {
    const rows = randomRows(prng(11), 200, 4, 'tricky');
    const lit = (c: Cell): string =>
      c === null ? 'NULL' : `'${c.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\0/g, '\\0')}'`;
    const text = `INSERT INTO t VALUES ${rows.map((r) => `(${r.map(lit).join(',')})`).join(',')};\n`;
    expect(decode(text, 97).rows).toEqual(rows);
  });

  it('reports unsupported values and truncated statements as error rows', () => {
    const d = decode("INSERT INTO t VALUES (1,'a'),(2,NOW()),(3,'c');\nINSERT INTO t VALUES (4,'unfinished");
    expect(d.rows).toEqual([
      ['1', 'a'],
      ['3', 'c'],
    ]);
    expect(d.errors.map((e) => e.reason)).toEqual(["unsupported value 'NOW()'", 'unexpected end of file inside a row of values']);
    expect(d.errors[0]!.raw).toBe('(2,NOW())');
  });
});

import { describe, expect, it } from 'vitest';
import { splitStatements } from './split.js';

describe('splitStatements', () => {
  it('splits on semicolons and drops empty pieces and the trailing semicolon', () => {
    expect(splitStatements('SELECT 1; SELECT 2;')).toEqual([
      { sql: 'SELECT 1', offset: 0, line: 1 },
      { sql: 'SELECT 2', offset: 10, line: 1 },
    ]);
    expect(splitStatements("SELECT `id` FROM `t_mixed` AS `KitMixed` WHERE `KitMixed`.`id` = 3;")).toEqual([
      { sql: 'SELECT `id` FROM `t_mixed` AS `KitMixed` WHERE `KitMixed`.`id` = 3', offset: 0, line: 1 },
    ]);
    expect(splitStatements(' ;; \n ; ')).toEqual([]);
    expect(splitStatements('')).toEqual([]);
  });

  it('ignores semicolons inside strings, identifiers and comments', () => {
    const text = "SELECT ';', \";\", `;`; -- a; b\nSELECT 2 /* ; */; # c;\nSELECT 3";
    expect(splitStatements(text).map((p) => p.sql)).toEqual([
      "SELECT ';', \";\", `;`",
      '-- a; b\nSELECT 2 /* ; */',
      '# c;\nSELECT 3',
    ]);
  });

  it('keeps a hint with the statement that follows it', () => {
    expect(splitStatements('SELECT 1;/*+async_job_priority=3*/ SUBMIT JOB INSERT INTO t SELECT 1').map((p) => p.sql)).toEqual([
      'SELECT 1',
      '/*+async_job_priority=3*/ SUBMIT JOB INSERT INTO t SELECT 1',
    ]);
  });

  it('drops pieces that hold only comments or hints', () => {
    expect(splitStatements('SELECT 1; -- bye\n').map((p) => p.sql)).toEqual(['SELECT 1']);
    expect(splitStatements('/* only */; /*+ hint */;').map((p) => p.sql)).toEqual([]);
  });

  it('reports offsets and lines in the whole text', () => {
    const text = 'SELECT 1;\n\n  SELECT 2;\nSELECT\n3';
    const pieces = splitStatements(text);
    expect(pieces).toEqual([
      { sql: 'SELECT 1', offset: 0, line: 1 },
      { sql: 'SELECT 2', offset: 13, line: 3 },
      { sql: 'SELECT\n3', offset: 23, line: 4 },
    ]);
    for (const p of pieces) expect(text.slice(p.offset, p.offset + p.sql.length)).toBe(p.sql);
  });

  it('keeps the text after a lexical error as one last piece', () => {
    expect(splitStatements("SELECT 1; SELECT 'oops; SELECT 3").map((p) => p.sql)).toEqual(['SELECT 1', "SELECT 'oops; SELECT 3"]);
  });

  it('does not split inside a stored program body', () => {
    const proc = 'CREATE DEFINER=`root`@`%` PROCEDURE p() BEGIN DECLARE x INT; IF x THEN SELECT 1; END IF; CASE x WHEN 1 THEN SELECT 2; END CASE; lbl: LOOP LEAVE lbl; END LOOP; END';
    expect(splitStatements(`${proc}; SELECT 4`).map((p) => p.sql)).toEqual([proc, 'SELECT 4']);
    expect(splitStatements('CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = CASE WHEN 1 THEN 2 END; END; SELECT 5').map((p) => p.sql)).toEqual([
      'CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = CASE WHEN 1 THEN 2 END; END',
      'SELECT 5',
    ]);
    expect(splitStatements('BEGIN; SELECT 1; COMMIT').map((p) => p.sql)).toEqual(['BEGIN', 'SELECT 1', 'COMMIT']);
  });
});

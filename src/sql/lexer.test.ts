import { describe, expect, it } from 'vitest';
import { SqlSyntaxError } from './errors.js';
import { lex, renderTokens, scanSemicolons, tokenize, TokenKind, type Token } from './lexer.js';

const kinds = (sql: string) => tokenize(sql).filter((t) => t.kind !== TokenKind.EOF).map((t) => [t.kind, t.value]);

function lexError(sql: string): SqlSyntaxError {
  const { error } = lex(sql);
  if (error === null) throw new Error(`expected a lexical error for ${JSON.stringify(sql)}`);
  return error;
}

describe('lexer', () => {
  it('reads words case-insensitively and keeps their text', () => {
    const [t] = tokenize('sElEcT');
    expect(t).toMatchObject({ kind: 'word', text: 'sElEcT', value: 'sElEcT', upper: 'SELECT' });
  });

  it('reads backtick identifiers with `` escapes', () => {
    expect(kinds('`a``b` `select` `with space`')).toEqual([
      ['quotedIdent', 'a`b'],
      ['quotedIdent', 'select'],
      ['quotedIdent', 'with space'],
    ]);
  });

  it('reads strings with backslash escapes and doubled quotes', () => {
    expect(kinds(`'it''s' "say ""hi""" 'a\\'b' "a\\"b" '\\0\\b\\n\\r\\t\\Z\\\\\\q' '\\%\\_'`)).toEqual([
      ['string', "it's"],
      ['string', 'say "hi"'],
      ['string', "a'b"],
      ['string', 'a"b'],
      ['string', '\0\b\n\r\t\x1a\\q'],
      ['string', '\\%\\_'],
    ]);
  });

  it('reads charset introducers and national strings', () => {
    const toks = tokenize("_utf8mb4'x' _latin1 \"y\" N'z' n'w' _binary X'41' _utf8mb4 0x42 _foo 'not an introducer'");
    expect(toks.slice(0, 6).map((t) => [t.kind, t.value, t.charset])).toEqual([
      ['string', 'x', 'utf8mb4'],
      ['string', 'y', 'latin1'],
      ['string', 'z', 'utf8mb3'],
      ['string', 'w', 'utf8mb3'],
      ['hex', '41', 'binary'],
      ['hex', '42', 'utf8mb4'],
    ]);
    expect(toks[6]).toMatchObject({ kind: 'word', value: '_foo' });
  });

  it('reads hex and bit literals, and words that only look like them', () => {
    expect(kinds("X'0aFF' x'' 0x1f 0xABC b'0101' B'' 0b11 0x1g 0b12 x 'y'")).toEqual([
      ['hex', '0aff'],
      ['hex', ''],
      ['hex', '1f'],
      ['hex', '0abc'],
      ['bits', '0101'],
      ['bits', ''],
      ['bits', '11'],
      ['word', '0x1g'],
      ['word', '0b12'],
      ['word', 'x'],
      ['string', 'y'],
    ]);
  });

  it('reads numbers with fractions and exponents, and identifiers starting with digits', () => {
    expect(kinds('1 1.5 .5 5. 1e10 1.5E-3 2e+2 1abc 1e5x 12_3')).toEqual([
      ['number', '1'],
      ['number', '1.5'],
      ['number', '.5'],
      ['number', '5.'],
      ['number', '1e10'],
      ['number', '1.5E-3'],
      ['number', '2e+2'],
      ['word', '1abc'],
      ['word', '1e5x'],
      ['word', '12_3'],
    ]);
  });

  it('reads identifiers after a qualifier dot even when they start with digits', () => {
    expect(kinds('t.1a db.t.5 t .5')).toEqual([
      ['word', 't'],
      ['punct', '.'],
      ['word', '1a'],
      ['word', 'db'],
      ['punct', '.'],
      ['word', 't'],
      ['punct', '.'],
      ['word', '5'],
      ['word', 't'],
      ['number', '.5'],
    ]);
  });

  it('reads user and system variables', () => {
    const toks = tokenize("@a @A.b$ @'q v' @\"d\" @`b` @@x @@GLOBAL.y @@session.z @@local.w @@persist.p @@persist_only.q @@`odd`.n @@keycache1.key_buffer_size @");
    expect(toks.filter((t) => t.kind !== TokenKind.EOF).map((t) => [t.kind, t.value, t.scope])).toEqual([
      ['userVar', 'a', null],
      ['userVar', 'a.b$', null],
      ['userVar', 'q v', null],
      ['userVar', 'd', null],
      ['userVar', 'b', null],
      ['systemVar', 'x', null],
      ['systemVar', 'y', 'global'],
      ['systemVar', 'z', 'session'],
      ['systemVar', 'w', 'session'],
      ['systemVar', 'p', 'persist'],
      ['systemVar', 'q', 'persist_only'],
      ['systemVar', 'odd.n', null],
      ['systemVar', 'keycache1.key_buffer_size', null],
      ['punct', '@', null],
    ]);
  });

  it('reads multi-character operators longest first', () => {
    expect(kinds('<=> <= >= <> != << >> && || := -> ->> < > = ! ~ ^ % ?').map(([, v]) => v)).toEqual(
      ['<=>', '<=', '>=', '<>', '!=', '<<', '>>', '&&', '||', ':=', '->', '->>', '<', '>', '=', '!', '~', '^', '%', '?'],
    );
  });

  it('skips #, -- and /* */ comments; -- needs a following space', () => {
    expect(kinds('1 # c\n2 -- c\n3 /* c\n */ 4 --\t5\n6--7')).toEqual([
      ['number', '1'],
      ['number', '2'],
      ['number', '3'],
      ['number', '4'],
      ['number', '6'],
      ['punct', '-'],
      ['punct', '-'],
      ['number', '7'],
    ]);
    expect(kinds('1 --')).toEqual([['number', '1']]);
  });

  it('keeps optimizer hints as tokens', () => {
    const toks = tokenize('/*+ async_job_priority=10 */ SUBMIT /*+BKA(t)*/');
    expect(toks.map((t) => [t.kind, t.value])).toEqual([
      ['hint', 'async_job_priority=10'],
      ['word', 'SUBMIT'],
      ['hint', 'BKA(t)'],
      ['eof', ''],
    ]);
  });

  it('reads version comments up to 8.0.36 as SQL and newer ones as comments', () => {
    expect(kinds('/*!40101 SET */ /*!80036 a */ /*!80037 b */ /*! c */ /*!123 d */ /*M!50500 e */ /*M!100100 f */ /*!999999 g */ /*!080036 h */')).toEqual([
      ['word', 'SET'],
      ['word', 'a'],
      ['word', 'c'],
      ['number', '123'],
      ['word', 'd'],
      ['word', 'e'],
      ['word', 'h'],
    ]);
    expect(kinds('/*!40101 1 /* inner */ + 2 */')).toEqual([
      ['number', '1'],
      ['punct', '+'],
      ['number', '2'],
    ]);
  });

  it('records offset, line, column and spacing of every token', () => {
    const toks = tokenize("SELECT\n  a,'x\ny' \n\t`b`/**/c");
    const pick = (t: Token) => [t.text, t.offset, t.line, t.column, t.spaceBefore];
    expect(toks.map(pick)).toEqual([
      ['SELECT', 0, 1, 1, false],
      ['a', 9, 2, 3, true],
      [',', 10, 2, 4, false],
      ["'x\ny'", 11, 2, 5, false],
      ['`b`', 19, 4, 2, true],
      ['c', 26, 4, 9, true],
      ['', 27, 4, 10, false],
    ]);
  });

  it.each([
    ["SELECT 'abc", "'abc", 'Unterminated string literal'],
    ['SELECT "abc', '"abc', 'Unterminated string literal'],
    ['SELECT `abc', '`abc', 'Unterminated quoted identifier'],
    ['SELECT /* abc', '/* abc', 'Unterminated comment'],
    ['SELECT /*+ abc', '/*+ abc', 'Unterminated optimizer hint'],
    ['SELECT /*!50000 abc', '/*!50000 abc', 'Unterminated version comment'],
    ['SELECT /*!99999 abc', '/*!99999 abc', 'Unterminated comment'],
    ["SELECT X'abc'", "X'abc'", 'Invalid hexadecimal literal'],
    ["SELECT X'zz'", "X'zz'", 'Invalid hexadecimal literal'],
    ["SELECT b'2'", "b'2'", 'Invalid bit-value literal'],
    ['SELECT 1\0', '\0', 'NUL character outside a string literal'],
    ['SELECT `a\0`', '\0`', 'NUL character in an identifier'],
    ['SELECT \uFFFD', '\uFFFD', 'Invalid character (malformed UTF-8 or lone surrogate)'],
    ['SELECT a\uD800', '\uD800', 'Invalid character (malformed UTF-8 or lone surrogate)'],
    ["SELECT '\uDC00'", "\uDC00'", 'Invalid character (malformed UTF-8 or lone surrogate)'],
    ['SELECT 😀', '😀', "Unexpected character '😀'"],
    ['SELECT [1]', '[1]', "Unexpected character '['"],
    ['SELECT @@', '@@', 'Expected a system variable name after @@'],
  ])('rejects %j', (sql, near, detail) => {
    const e = lexError(sql);
    expect(e.errno).toBe(1064);
    expect(e.detail).toBe(detail);
    expect(e.message).toContain(`near '${near}' at line 1`);
  });

  it('reports the line where an unterminated literal starts', () => {
    const e = lexError("SELECT 1,\n\n  'never\nclosed");
    expect([e.line, e.column]).toEqual([3, 3]);
  });

  it('returns the tokens before a lexical error', () => {
    const { tokens, error } = lex("SELECT 1; SELECT 'x");
    expect(error).not.toBeNull();
    expect(tokens.map((t) => t.kind)).toEqual(['word', 'number', 'punct', 'word', 'eof']);
  });

  it('accepts NUL bytes and any valid Unicode inside strings', () => {
    expect(kinds("'a\0b' 'ü ☃ 😀'")).toEqual([
      ['string', 'a\0b'],
      ['string', 'ü ☃ 😀'],
    ]);
  });

  it('scan mode keeps only semicolons and finds a second statement', () => {
    const { tokens, secondStatementAt } = scanSemicolons("INSERT INTO t VALUES (';', `;`) ; /*+ h */ ;\n  SELECT 2");
    expect(tokens.map((t) => [t.kind, t.offset])).toEqual([
      ['punct', 32],
      ['punct', 43],
      ['eof', 55],
    ]);
    expect(secondStatementAt).toEqual({ offset: 47, line: 2, column: 3 });
    expect(scanSemicolons('UPDATE t SET a = t.1b;;').secondStatementAt).toBeNull();
    expect(() => scanSemicolons("INSERT INTO t VALUES ('x")).toThrow(SqlSyntaxError);
  });

  it('renders tokens back to canonical text that lexes to the same tokens', () => {
    for (const sql of [
      "SELECT a , b FROM t WHERE f ( x ) > 1 AND y IN ( 1 , 2 ) -- c\n",
      "select 1--1, - -1, 'a' 'b', x.`y z`.*, count(*), @v, @@global.x",
      'SELECT /*+ BKA(t) */ * FROM /*!40101 t */ WHERE a<=>b',
    ]) {
      const once = renderTokens(tokenize(sql));
      const twice = renderTokens(tokenize(once));
      expect(twice).toBe(once);
      expect(tokenize(once).map((t) => t.value)).toEqual(tokenize(sql).map((t) => t.value));
    }
    expect(renderTokens(tokenize('SELECT a , b FROM t WHERE f ( x ) > 1'))).toBe('SELECT a, b FROM t WHERE f (x) > 1');
    expect(renderTokens(tokenize('select count(*) from t'))).toBe('select count(*) from t');
  });
});

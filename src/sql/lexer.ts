// MySQL's lexical rules (https://dev.mysql.com/doc/refman/8.0/en/language-structure.html) as
// loadwire needs them: words are returned as-is and the parser decides which ones are keywords,
// since most MySQL keywords are not reserved. Comments are dropped; optimizer hints /*+ ... */ are
// kept as tokens so the parser can attach them to the statement that follows.

import { SqlSyntaxError } from './errors.js';

/** The server version we claim; `/*!NNNNN ... *\/` comments up to it are read as SQL. */
export const CLAIMED_VERSION = 80036;

export const TokenKind = {
  WORD: 'word',
  QUOTED_IDENT: 'quotedIdent',
  STRING: 'string',
  NUMBER: 'number',
  HEX: 'hex',
  BITS: 'bits',
  USER_VAR: 'userVar',
  SYSTEM_VAR: 'systemVar',
  PARAM: 'param',
  PUNCT: 'punct',
  HINT: 'hint',
  EOF: 'eof',
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  /**
   * Decoded value: a word as written (`\N` reads as NULL), an identifier or string without quotes
   * and escapes, hex/bit digits, a variable name lower-cased, a hint's inner text.
   */
  readonly value: string;
  /** Upper-cased word, '' for other kinds. */
  readonly upper: string;
  /** Charset introducer of a string (`_utf8mb4'x'`, N'x' = utf8mb3), else null. */
  readonly charset: string | null;
  /** Scope of a system variable token: global, session, persist, persist_only or null. */
  readonly scope: string | null;
  readonly offset: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  /** Whitespace or a comment separates this token from the previous one. */
  readonly spaceBefore: boolean;
}

export interface LexResult {
  /** Tokens up to the first error, always ending with an EOF token. */
  readonly tokens: Token[];
  readonly error: SqlSyntaxError | null;
}

const CHARSETS = new Set([
  'armscii8', 'ascii', 'big5', 'binary', 'cp1250', 'cp1251', 'cp1256', 'cp1257', 'cp850', 'cp852',
  'cp866', 'cp932', 'dec8', 'eucjpms', 'euckr', 'gb18030', 'gb2312', 'gbk', 'geostd8', 'greek',
  'hebrew', 'hp8', 'keybcs2', 'koi8r', 'koi8u', 'latin1', 'latin2', 'latin5', 'latin7', 'macce',
  'macroman', 'sjis', 'swe7', 'tis620', 'ucs2', 'ujis', 'utf16', 'utf16le', 'utf32', 'utf8',
  'utf8mb3', 'utf8mb4',
]);

const SYSTEM_VAR_SCOPES = new Set(['global', 'session', 'local', 'persist', 'persist_only']);

const SINGLE_PUNCTUATION = new Set(['(', ')', ',', ';', '.', '=', '<', '>', '+', '-', '*', '/', '%', '^', '&', '|', '~', '!', ':', '{', '}']);
const DOUBLE_PUNCTUATION = new Set(['<=', '>=', '<>', '!=', '<<', '>>', '&&', '||', ':=', '->']);

/** The operator or punctuation at `i`, longest match first (`<=>` before `<=` before `<`). */
function punctuationAt(src: string, i: number): string | null {
  const three = src.slice(i, i + 3);
  if (three === '<=>' || three === '->>') return three;
  const two = three.slice(0, 2);
  if (DOUBLE_PUNCTUATION.has(two)) return two;
  const one = two.slice(0, 1);
  return SINGLE_PUNCTUATION.has(one) ? one : null;
}

const C_TAB = 9;
const C_LF = 10;
const C_CR = 13;
const C_SPACE = 32;

function isWhitespace(c: number): boolean {
  return c === C_SPACE || c === C_LF || c === C_TAB || c === C_CR || c === 11 || c === 12;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Characters of unquoted identifiers: ASCII letters, digits, `_`, `$` and BMP characters above
 * U+007F (MySQL's rule). Surrogates and U+FFFD are excluded: the latter is what an invalid UTF-8
 * sequence on the wire decodes to.
 */
export function isIdentChar(c: number): boolean {
  if (c < 128) {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
  }
  return c < 0xd800 || (c > 0xdfff && c !== 0xfffd && c <= 0xffff);
}

/** Code units that may never appear in statement text: lone surrogates and U+FFFD. */
function badUnitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c === 0xfffd) return true;
  if (c >= 0xd800 && c <= 0xdbff) {
    const n = s.charCodeAt(i + 1);
    return !(n >= 0xdc00 && n <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const p = s.charCodeAt(i - 1);
    return !(p >= 0xd800 && p <= 0xdbff);
  }
  return false;
}

const STRING_ESCAPES: Record<string, string> = {
  '0': '\0',
  "'": "'",
  '"': '"',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '\\': '\\',
  // MySQL keeps the backslash of \% and \_ so LIKE patterns can use them.
  '%': '\\%',
  _: '\\_',
};

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private lastEnd = 0;
  // The last two tokens scanned, kept even when they are not stored (scan mode): the rules for
  // `t.1a` and `t .5` look back at them.
  private lastKind: TokenKind = TokenKind.EOF;
  private lastValue = '';
  private lastOffset = -1;
  private prevKind: TokenKind = TokenKind.EOF;
  private prevEnd = -1;
  /** Scan mode: the first significant token after a `;`, if any (a second statement). */
  secondStatementAt: { offset: number; line: number; column: number } | null = null;
  private sawSemicolon = false;
  private versionCommentStart = -1;
  private versionCommentLine = 1;
  private versionCommentColumn = 1;
  readonly tokens: Token[] = [];

  /**
   * @param semicolonsOnly scan mode: check the whole text but store only `;` tokens, for long
   *   statements that run on the target as written (a 1 MB INSERT would be ~700k tokens).
   */
  constructor(
    private readonly src: string,
    private readonly semicolonsOnly = false,
  ) {}

  run(): void {
    const src = this.src;
    const n = src.length;
    while (true) {
      this.skipTrivia();
      if (this.pos >= n) break;
      this.scanToken();
    }
    if (this.versionCommentStart >= 0) {
      throw new SqlSyntaxError(
        src,
        this.versionCommentStart,
        this.versionCommentLine,
        this.versionCommentColumn,
        'Unterminated version comment',
      );
    }
    this.push(TokenKind.EOF, n, n, '');
  }

  private error(offset: number, detail: string, line = this.line, column = offset - this.lineStart + 1): never {
    throw new SqlSyntaxError(this.src, offset, line, column, detail);
  }

  private push(
    kind: TokenKind,
    start: number,
    end: number,
    value: string,
    upper = '',
    charset: string | null = null,
    scope: string | null = null,
    line = this.line,
    column = start - this.lineStart + 1,
  ): void {
    const semicolon = kind === TokenKind.PUNCT && value === ';';
    this.prevKind = this.lastKind;
    this.prevEnd = this.lastEnd;
    this.lastKind = kind;
    this.lastValue = value;
    this.lastOffset = start;
    if (this.semicolonsOnly && !semicolon && kind !== TokenKind.EOF) {
      if (this.sawSemicolon && this.secondStatementAt === null && kind !== TokenKind.HINT) {
        this.secondStatementAt = { offset: start, line, column };
      }
      this.lastEnd = end;
      return;
    }
    if (semicolon) this.sawSemicolon = true;
    this.tokens.push({
      kind,
      text: this.src.slice(start, end),
      value,
      upper,
      charset,
      scope,
      offset: start,
      end,
      line,
      column,
      spaceBefore: start > this.lastEnd,
    });
    this.lastEnd = end;
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  /** Skips whitespace and comments; handles the closing `*\/` of an executed version comment. */
  private skipTrivia(): void {
    const src = this.src;
    const n = src.length;
    while (this.pos < n) {
      const c = src.charCodeAt(this.pos);
      if (isWhitespace(c)) {
        if (c === C_LF) this.newline(this.pos);
        this.pos++;
      } else if (c === 35 /* # */) {
        this.skipLineComment();
      } else if (c === 45 /* - */ && src.charCodeAt(this.pos + 1) === 45 && (this.pos + 2 >= n || src.charCodeAt(this.pos + 2) <= C_SPACE)) {
        // `--` starts a comment only when followed by whitespace or a control character.
        this.skipLineComment();
      } else if (c === 47 /* / */ && src.charCodeAt(this.pos + 1) === 42 /* * */) {
        const c2 = src.charCodeAt(this.pos + 2);
        if (c2 === 43 /* + */) return; // a hint: a token
        if (c2 === 33 /* ! */) {
          this.openVersionComment(this.pos + 3);
        } else if (c2 === 77 /* M */ && src.charCodeAt(this.pos + 3) === 33) {
          // MariaDB's /*M!NNNNNN ... */ is read the same way as /*!.
          this.openVersionComment(this.pos + 4);
        } else {
          this.skipBlockComment(this.pos, 'Unterminated comment');
        }
      } else if (c === 42 /* * */ && this.versionCommentStart >= 0 && src.charCodeAt(this.pos + 1) === 47) {
        this.versionCommentStart = -1;
        this.pos += 2;
      } else {
        return;
      }
    }
  }

  private skipLineComment(): void {
    const nl = this.src.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.src.length : nl;
  }

  /** Skips `/* ... *\/` starting at `start`, counting lines. */
  private skipBlockComment(start: number, what: string): void {
    const src = this.src;
    const close = src.indexOf('*/', start + 2);
    if (close < 0) this.error(start, what);
    for (let i = src.indexOf('\n', start); i >= 0 && i < close; i = src.indexOf('\n', i + 1)) this.newline(i);
    this.pos = close + 2;
  }

  /** `/*!` or `/*M!` followed by an optional 5- or 6-digit version; `digitsAt` is past the `!`. */
  private openVersionComment(digitsAt: number): void {
    const src = this.src;
    const start = this.pos;
    let d = digitsAt;
    while (d < src.length && d - digitsAt < 6 && isDigit(src.charCodeAt(d))) d++;
    const digits = d - digitsAt;
    let version = 0;
    let contentAt = digitsAt;
    if (digits >= 5) {
      version = Number(src.slice(digitsAt, d));
      contentAt = d;
    }
    if (version > CLAIMED_VERSION || this.versionCommentStart >= 0) {
      // A newer server's syntax is a comment to us, as it is to MySQL. Nested version comments are
      // not executed either.
      this.skipBlockComment(start, 'Unterminated comment');
      return;
    }
    this.versionCommentStart = start;
    this.versionCommentLine = this.line;
    this.versionCommentColumn = start - this.lineStart + 1;
    this.pos = contentAt;
  }

  private scanToken(): void {
    const src = this.src;
    const start = this.pos;
    const c = src.charCodeAt(start);
    const next = src.charCodeAt(start + 1);

    if (c === 39 /* ' */ || c === 34 /* " */) return this.scanString(start, start, null);
    if (c === 96 /* ` */) return this.scanQuotedIdent(start);
    if (c === 47 && next === 42 && src.charCodeAt(start + 2) === 43) return this.scanHint(start);
    if (isDigit(c)) return this.scanNumber(start);
    if (c === 46 /* . */ && isDigit(next) && !this.afterIdentifier(start)) return this.scanNumber(start);
    if (c === 64 /* @ */) return this.scanVariable(start);
    if (c === 63 /* ? */) {
      this.pos++;
      return this.push(TokenKind.PARAM, start, this.pos, '?');
    }
    if (c === 92 /* \ */ && next === 78 /* N */ && !isIdentChar(src.charCodeAt(start + 2))) {
      this.pos += 2;
      return this.push(TokenKind.WORD, start, this.pos, 'NULL', 'NULL');
    }
    if (isIdentChar(c)) {
      if (next === 39) {
        if (c === 120 || c === 88) return this.scanHexString(start); // X'..'
        if (c === 98 || c === 66) return this.scanBitString(start); // B'..'
        if (c === 110 || c === 78) return this.scanString(start, start + 1, 'utf8mb3'); // N'..'
      }
      return this.scanWord(start);
    }
    if (c === 0) this.error(start, 'NUL character outside a string literal');
    if (badUnitAt(src, start)) this.error(start, 'Invalid character (malformed UTF-8 or lone surrogate)');
    const p = punctuationAt(src, start);
    if (p !== null) {
      this.pos += p.length;
      return this.push(TokenKind.PUNCT, start, this.pos, p);
    }
    this.error(start, `Unexpected character '${String.fromCodePoint(src.codePointAt(start) ?? c)}'`);
  }

  /** True when the previous token is an identifier ending right at `offset` (as in `t.1a`). */
  private afterIdentifier(offset: number): boolean {
    return this.lastEnd === offset && (this.lastKind === TokenKind.WORD || this.lastKind === TokenKind.QUOTED_IDENT);
  }

  /** True when the previous token is a `.` directly after an identifier, touching `offset`. */
  private afterQualifierDot(offset: number): boolean {
    if (this.lastKind !== TokenKind.PUNCT || this.lastValue !== '.' || this.lastEnd !== offset) return false;
    return this.prevEnd === this.lastOffset && (this.prevKind === TokenKind.WORD || this.prevKind === TokenKind.QUOTED_IDENT);
  }

  private scanWord(start: number): void {
    const src = this.src;
    let i = start;
    while (i < src.length && isIdentChar(src.charCodeAt(i))) i++;
    if (this.semicolonsOnly && src.charCodeAt(start) !== 95) {
      // Scan mode: the word's text is never looked at.
      this.pos = i;
      return this.push(TokenKind.WORD, start, i, '');
    }
    const text = src.slice(start, i);
    // `_utf8mb4'x'`: an introducer applies to the string literal that follows.
    if (text.charCodeAt(0) === 95 /* _ */ && CHARSETS.has(text.slice(1).toLowerCase())) {
      let j = i;
      while (j < src.length && isWhitespace(src.charCodeAt(j))) j++;
      const q = src.charCodeAt(j);
      const q1 = src.charCodeAt(j + 1);
      const charset = text.slice(1).toLowerCase();
      if (q === 39 || q === 34 || ((q === 120 || q === 88 || q === 98 || q === 66) && q1 === 39) || (q === 48 && (q1 === 120 || q1 === 98))) {
        const line = this.line;
        const column = start - this.lineStart + 1;
        const countNewlines = (): void => {
          for (let k = i; k < j; k++) if (src.charCodeAt(k) === C_LF) this.newline(k);
        };
        if (q === 39 || q === 34) {
          countNewlines();
          return this.scanString(start, j, charset, line, column);
        }
        // Hex and bit literals keep their own token kind; the introducer only names the charset.
        const lit = q === 48 ? this.readPrefixedLiteral(j) : q === 120 || q === 88 ? this.readHexString(j) : this.readBitString(j);
        if (lit !== null) {
          countNewlines();
          this.pos = lit.end;
          return this.push(lit.kind, start, lit.end, lit.value, '', charset, null, line, column);
        }
      }
    }
    this.pos = i;
    this.push(TokenKind.WORD, start, i, text, text.toUpperCase());
  }

  private scanNumber(start: number): void {
    const src = this.src;
    const n = src.length;
    if (this.afterQualifierDot(start)) {
      // After `ident.`, MySQL reads an identifier even when it starts with digits (t.1col).
      let i = start;
      while (i < n && isIdentChar(src.charCodeAt(i))) i++;
      this.pos = i;
      return this.push(TokenKind.WORD, start, i, src.slice(start, i), src.slice(start, i).toUpperCase());
    }
    const c = src.charCodeAt(start);
    const x = src.charCodeAt(start + 1);
    if (c === 48 && (x === 120 || x === 98)) {
      const lit = this.readPrefixedLiteral(start);
      if (lit === null) return this.scanWord(start);
      this.pos = lit.end;
      return this.push(lit.kind, start, lit.end, lit.value);
    }
    let i = start;
    while (i < n && isDigit(src.charCodeAt(i))) i++;
    let fraction = false;
    if (src.charCodeAt(i) === 46 /* . */) {
      fraction = true;
      i++;
      while (i < n && isDigit(src.charCodeAt(i))) i++;
    }
    const e = src.charCodeAt(i);
    if (e === 101 || e === 69) {
      const s = src.charCodeAt(i + 1);
      if (isDigit(s) || ((s === 43 || s === 45) && isDigit(src.charCodeAt(i + 2)))) {
        i += 2;
        while (i < n && isDigit(src.charCodeAt(i))) i++;
      }
    }
    if (!fraction && i < n && isIdentChar(src.charCodeAt(i))) {
      // Identifiers may start with digits (1abc, 1e5x) as long as they are not all digits.
      return this.scanWord(start);
    }
    this.pos = i;
    this.push(TokenKind.NUMBER, start, i, src.slice(start, i));
  }

  /** A '...' or "..." literal whose opening quote is at `quoteAt` (after any prefix). */
  private scanString(start: number, quoteAt: number, charset: string | null, line = this.line, column = start - this.lineStart + 1): void {
    const { value, end } = this.readString(start, quoteAt);
    this.pos = end;
    this.push(TokenKind.STRING, start, end, value, '', charset, null, line, column);
  }

  /** Decodes the string literal quoted at `quoteAt`; errors point at `start`. */
  private readString(start: number, quoteAt: number): { value: string; end: number } {
    const src = this.src;
    const n = src.length;
    const quote = src.charCodeAt(quoteAt);
    const line = this.line;
    const column = start - this.lineStart + 1;
    let out = '';
    let chunk = quoteAt + 1;
    let i = quoteAt + 1;
    while (true) {
      if (i >= n) this.error(start, 'Unterminated string literal', line, column);
      const c = src.charCodeAt(i);
      if (c === quote) {
        if (src.charCodeAt(i + 1) === quote) {
          out += src.slice(chunk, i + 1);
          i += 2;
          chunk = i;
          continue;
        }
        out += src.slice(chunk, i);
        i++;
        break;
      }
      if (c === 92 /* \ */) {
        if (i + 1 >= n) this.error(start, 'Unterminated string literal', line, column);
        out += src.slice(chunk, i);
        const e = src[i + 1] ?? '';
        if (e === '\n') this.newline(i + 1);
        if (badUnitAt(src, i + 1)) this.error(i + 1, 'Invalid character (malformed UTF-8 or lone surrogate)');
        out += STRING_ESCAPES[e] ?? e;
        i += 2;
        chunk = i;
        continue;
      }
      if (c === C_LF) this.newline(i);
      else if (c >= 0xd800 && badUnitAt(src, i)) this.error(i, 'Invalid character (malformed UTF-8 or lone surrogate)');
      i++;
    }
    return { value: out, end: i };
  }

  private scanQuotedIdent(start: number): void {
    const line = this.line;
    const column = start - this.lineStart + 1;
    const { value, end } = this.readQuotedIdent(start);
    this.pos = end;
    this.push(TokenKind.QUOTED_IDENT, start, end, value, '', null, null, line, column);
  }

  private readQuotedIdent(start: number): { value: string; end: number } {
    const src = this.src;
    const line = this.line;
    const column = start - this.lineStart + 1;
    let out = '';
    let chunk = start + 1;
    let i = start + 1;
    while (true) {
      if (i >= src.length) this.error(start, 'Unterminated quoted identifier', line, column);
      const c = src.charCodeAt(i);
      if (c === 96) {
        if (src.charCodeAt(i + 1) === 96) {
          out += src.slice(chunk, i + 1);
          i += 2;
          chunk = i;
          continue;
        }
        out += src.slice(chunk, i);
        i++;
        break;
      }
      if (c === 0) this.error(i, 'NUL character in an identifier');
      if (c === C_LF) this.newline(i);
      else if (c >= 0xd800 && badUnitAt(src, i)) this.error(i, 'Invalid character (malformed UTF-8 or lone surrogate)');
      i++;
    }
    return { value: out, end: i };
  }

  private scanHexString(start: number): void {
    const lit = this.readHexString(start);
    this.pos = lit.end;
    this.push(lit.kind, start, lit.end, lit.value);
  }

  private scanBitString(start: number): void {
    const lit = this.readBitString(start);
    this.pos = lit.end;
    this.push(lit.kind, start, lit.end, lit.value);
  }

  /** X'0A1B' at `start`. */
  private readHexString(start: number): { kind: TokenKind; value: string; end: number } {
    const close = this.src.indexOf("'", start + 2);
    if (close < 0) this.error(start, 'Unterminated hexadecimal literal');
    const digits = this.src.slice(start + 2, close);
    if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) this.error(start, 'Invalid hexadecimal literal');
    return { kind: TokenKind.HEX, value: digits.toLowerCase(), end: close + 1 };
  }

  /** B'0101' at `start`. */
  private readBitString(start: number): { kind: TokenKind; value: string; end: number } {
    const close = this.src.indexOf("'", start + 2);
    if (close < 0) this.error(start, 'Unterminated bit-value literal');
    const digits = this.src.slice(start + 2, close);
    if (!/^[01]*$/.test(digits)) this.error(start, 'Invalid bit-value literal');
    return { kind: TokenKind.BITS, value: digits, end: close + 1 };
  }

  /** 0x1F / 0b101 at `start`; null when more identifier characters follow (0x1G is a word). */
  private readPrefixedLiteral(start: number): { kind: TokenKind; value: string; end: number } | null {
    const src = this.src;
    const hex = src.charCodeAt(start + 1) === 120;
    let i = start + 2;
    while (i < src.length && (hex ? isHexDigit(src.charCodeAt(i)) : src.charCodeAt(i) === 48 || src.charCodeAt(i) === 49)) i++;
    if (i === start + 2 || (i < src.length && isIdentChar(src.charCodeAt(i)))) return null;
    const digits = src.slice(start + 2, i);
    if (hex) return { kind: TokenKind.HEX, value: (digits.length % 2 === 1 ? '0' + digits : digits).toLowerCase(), end: i };
    return { kind: TokenKind.BITS, value: digits, end: i };
  }

  private scanHint(start: number): void {
    const line = this.line;
    const column = start - this.lineStart + 1;
    this.skipBlockComment(start, 'Unterminated optimizer hint');
    this.push(TokenKind.HINT, start, this.pos, this.src.slice(start + 3, this.pos - 2).trim(), '', null, null, line, column);
  }

  /** `@name`, `@'quoted'`, `@@name`, `@@global.name`, `@@session.name`, ... */
  private scanVariable(start: number): void {
    const src = this.src;
    if (src.charCodeAt(start + 1) === 64) {
      let i = start + 2;
      let scope: string | null = null;
      let name = this.readVariablePart(i);
      if (name === null) this.error(start, 'Expected a system variable name after @@');
      i = name.end;
      if (src.charCodeAt(i) === 46 && SYSTEM_VAR_SCOPES.has(name.value.toLowerCase()) && !name.quoted) {
        const after = this.readVariablePart(i + 1);
        if (after !== null) {
          const s = name.value.toLowerCase();
          scope = s === 'local' ? 'session' : s;
          name = after;
          i = after.end;
        }
      }
      let value = name.value;
      // Structured system variables: @@keycache1.key_buffer_size.
      while (src.charCodeAt(i) === 46) {
        const part = this.readVariablePart(i + 1);
        if (part === null) break;
        value += '.' + part.value;
        i = part.end;
      }
      this.pos = i;
      return this.push(TokenKind.SYSTEM_VAR, start, i, value.toLowerCase(), '', null, scope);
    }
    const q = src.charCodeAt(start + 1);
    if (q === 39 || q === 34 || q === 96) {
      const line = this.line;
      const column = start - this.lineStart + 1;
      const quoted = q === 96 ? this.readQuotedIdent(start + 1) : this.readString(start + 1, start + 1);
      this.pos = quoted.end;
      return this.push(TokenKind.USER_VAR, start, quoted.end, quoted.value.toLowerCase(), '', null, null, line, column);
    }
    let i = start + 1;
    // Unquoted user variable names may contain `.` as well (MySQL allows it).
    while (i < src.length && (isIdentChar(src.charCodeAt(i)) || src.charCodeAt(i) === 46)) i++;
    this.pos = i;
    if (i === start + 1) return this.push(TokenKind.PUNCT, start, i, '@');
    this.push(TokenKind.USER_VAR, start, i, src.slice(start + 1, i).toLowerCase());
  }

  private readVariablePart(at: number): { value: string; end: number; quoted: boolean } | null {
    const src = this.src;
    if (src.charCodeAt(at) === 96) {
      const { value, end } = this.readQuotedIdent(at);
      return { value, end, quoted: true };
    }
    let i = at;
    while (i < src.length && isIdentChar(src.charCodeAt(i))) i++;
    if (i === at) return null;
    return { value: src.slice(at, i), end: i, quoted: false };
  }
}

/** Lexes `source`, stopping at the first error instead of throwing. */
export function lex(source: string): LexResult {
  const lexer = new Lexer(source);
  try {
    lexer.run();
    return { tokens: lexer.tokens, error: null };
  } catch (e) {
    if (!(e instanceof SqlSyntaxError)) throw e;
    const tokens = lexer.tokens;
    const last = tokens[tokens.length - 1];
    const end = last === undefined ? 0 : last.end;
    tokens.push({
      kind: TokenKind.EOF, text: '', value: '', upper: '', charset: null, scope: null,
      offset: end, end, line: e.line, column: e.column, spaceBefore: false,
    });
    return { tokens, error: e };
  }
}

/**
 * Checks all of `source` lexically but keeps only its `;` tokens (and EOF); also reports where a
 * second statement starts. Throws like tokenize.
 */
export function scanSemicolons(source: string): { tokens: Token[]; secondStatementAt: { offset: number; line: number; column: number } | null } {
  const lexer = new Lexer(source, true);
  lexer.run();
  return { tokens: lexer.tokens, secondStatementAt: lexer.secondStatementAt };
}

/** Lexes `source`; throws a 1064 SqlSyntaxError on the first lexical error. */
export function tokenize(source: string): Token[] {
  const lexer = new Lexer(source);
  lexer.run();
  return lexer.tokens;
}

const NO_SPACE_BEFORE = new Set([',', ')', '.']);
const NO_SPACE_AFTER = new Set(['(', '.']);

/**
 * Joins tokens into canonical SQL text: comments dropped, one space between tokens except around
 * `.`, inside parentheses, before `,` and between a function name and `(`. Re-lexing the result
 * yields the same tokens, because every pair that could fuse (`- -`, `'a' 'b'`, words) keeps its
 * space.
 */
export function renderTokens(tokens: readonly Token[]): string {
  let out = '';
  let prev: Token | null = null;
  for (const t of tokens) {
    if (t.kind === TokenKind.EOF) break;
    if (prev !== null) {
      const glue =
        (t.kind === TokenKind.PUNCT && NO_SPACE_BEFORE.has(t.value)) ||
        (prev.kind === TokenKind.PUNCT && NO_SPACE_AFTER.has(prev.value)) ||
        (t.kind === TokenKind.PUNCT && t.value === '(' && !t.spaceBefore && (prev.kind === TokenKind.WORD || prev.kind === TokenKind.QUOTED_IDENT));
      if (!glue) out += ' ';
    }
    out += t.text;
    prev = t;
  }
  return out;
}

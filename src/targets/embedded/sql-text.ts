// Text-level helpers around node-sql-parser: a small MySQL tokenizer used to rewrite the few
// spellings the parser rejects before it sees them, MySQL string-literal unescaping, and SQLite
// quoting for what the translator prints.

export interface Token {
  kind: 'space' | 'comment' | 'string' | 'quoted' | 'word' | 'number' | 'punct';
  text: string;
  start: number;
}

/** Splits MySQL text into tokens; never throws (an unterminated literal runs to the end). */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const start = i;
    const c = sql[i] ?? '';
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i] ?? '')) i++;
      out.push({ kind: 'space', text: sql.slice(start, i), start });
    } else if (c === '#' || (c === '-' && sql[i + 1] === '-' && /[\s]|^$/.test(sql[i + 2] ?? ''))) {
      while (i < n && sql[i] !== '\n') i++;
      out.push({ kind: 'comment', text: sql.slice(start, i), start });
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out.push({ kind: 'comment', text: sql.slice(start, i), start });
    } else if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < n) {
        const d = sql[i];
        if (d === '\\' && c !== '`') {
          i += 2;
        } else if (d === c) {
          if (sql[i + 1] === c) i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
      out.push({ kind: c === '`' ? 'quoted' : 'string', text: sql.slice(start, Math.min(i, n)), start });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < n && /[0-9a-zA-Z_.$]/.test(sql[i] ?? '')) {
        // Exponent signs belong to the number: 1.5e-3.
        if (/[eE]/.test(sql[i] ?? '') && /[+-]/.test(sql[i + 1] ?? '')) i++;
        i++;
      }
      out.push({ kind: 'number', text: sql.slice(start, i), start });
    } else if (/[\p{L}_$@]/u.test(c)) {
      while (i < n && /[\p{L}\p{N}_$@.]/u.test(sql[i] ?? '')) {
        if (sql[i] === '.' && !/[\p{L}_$]/u.test(sql[i + 1] ?? '')) break;
        i++;
      }
      // Words are split on dots later by callers that care; keep db.t together only as words.
      out.push({ kind: 'word', text: sql.slice(start, i), start });
    } else {
      const three = sql.slice(i, i + 3);
      const two = sql.slice(i, i + 2);
      const len = three === '<=>' ? 3 : ['<=', '>=', '<>', '!=', '||', '&&', '<<', '>>', ':=', '->'].includes(two) ? 2 : 1;
      i += len;
      out.push({ kind: 'punct', text: sql.slice(start, i), start });
    }
  }
  return out;
}

/** Significant tokens only (no spaces or comments). */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}

export interface RewrittenSql {
  text: string;
  /** Maps an offset in `text` back to the user's statement. */
  toOriginal: (offset: number) => number;
}

/**
 * Rewrites spellings node-sql-parser cannot parse (or parses lossily) into ones it can:
 * `SIGNED INTEGER`/`UNSIGNED INTEGER` (Connector/J's CAST/CONVERT); a negative integer literal
 * beyond 2^53, which it folds into a JS number (`-9223372036854775808` → `- 9223372036854775808`);
 * and, in column definitions, `DOUBLE PRECISION`, `REAL`, `BOOL`/`BOOLEAN`, `SERIAL`. Offsets map
 * back so error positions and select-list texts (column names) still point into the user's text.
 */
export function rewriteForParser(sql: string): RewrittenSql {
  const tokens = tokenize(sql);
  const sig = significant(tokens);
  const edits: { start: number; end: number; text: string }[] = [];
  const isDdl = /^(create|alter)$/i.test(sig[0]?.text ?? '');
  for (let k = 0; k < sig.length; k++) {
    const t = sig[k];
    if (!t) continue;
    if (t.kind === 'punct' && t.text === '-') {
      const next = sig[k + 1];
      const prev = sig[k - 1];
      const unary = !prev || (prev.kind === 'punct' && prev.text !== ')') || (prev.kind === 'word' && /^(select|where|and|or|not|values|set|by|when|then|else|in|between|limit|offset|default|return|on|having)$/i.test(prev.text));
      if (unary && next?.kind === 'number' && next.start === t.start + 1 && /^\d{16,}$/.test(next.text)) {
        edits.push({ start: t.start, end: t.start + 1, text: '- ' });
      }
      continue;
    }
    if (t.kind !== 'word') continue;
    const word = t.text.toLowerCase();
    const next = sig[k + 1];
    const nextWord = next?.kind === 'word' ? next.text.toLowerCase() : '';
    const end = t.start + t.text.length;
    if (word === 'convert' && next?.kind === 'punct' && next.text === '(') {
      // CONVERT(expr, type) parses only for a bare column; CAST(expr AS type) for any expression.
      const comma = convertComma(sig, k + 1);
      if (comma) {
        edits.push({ start: t.start, end, text: 'CAST' });
        edits.push({ start: comma.start, end: comma.start + 1, text: ' AS' });
      }
      continue;
    }
    if ((word === 'signed' || word === 'unsigned') && (nextWord === 'integer' || nextWord === 'int') && next) {
      edits.push({ start: t.start, end: next.start + next.text.length, text: t.text });
      k++;
      continue;
    }
    if (!isDdl) continue;
    // A type word directly follows a column name (an identifier) in a column definition.
    const prev = sig[k - 1];
    const inTypePosition = prev !== undefined && (prev.kind === 'quoted' || (prev.kind === 'word' && !/^(table|exists|column|add|modify|change|primary|key|index|unique|default|references|on|to|as|like)$/i.test(prev.text)));
    if (!inTypePosition) continue;
    if (word === 'double' && nextWord === 'precision' && next) {
      edits.push({ start: t.start, end: next.start + next.text.length, text: 'double' });
      k++;
    } else if (word === 'real') {
      edits.push({ start: t.start, end, text: 'double' });
    } else if (word === 'bool' || word === 'boolean') {
      edits.push({ start: t.start, end, text: 'tinyint(1)' });
    } else if (word === 'serial') {
      edits.push({ start: t.start, end, text: 'bigint unsigned not null auto_increment unique' });
    }
  }
  if (edits.length === 0) return { text: sql, toOriginal: (o) => o };
  edits.sort((a, b) => a.start - b.start);
  let text = '';
  let pos = 0;
  /** [start in new text, end in new text, original start, original end] per edit. */
  const spans: [number, number, number, number][] = [];
  for (const e of edits) {
    text += sql.slice(pos, e.start);
    spans.push([text.length, text.length + e.text.length, e.start, e.end]);
    text += e.text;
    pos = e.end;
  }
  text += sql.slice(pos);
  return {
    text,
    toOriginal: (offset: number): number => {
      let delta = 0;
      for (const [ns, ne, os, oe] of spans) {
        if (offset < ns) break;
        if (offset < ne) return offset === ns ? os : oe;
        delta = oe - ne;
      }
      return offset + delta;
    },
  };
}

const CAST_TYPES = /^(signed|unsigned|char|nchar|binary|date|datetime|time|decimal|json|double|float|real)$/i;

/** The top-level comma of CONVERT(expr, type) when a cast type follows it; undefined for CONVERT(x USING cs). */
function convertComma(sig: readonly Token[], open: number): Token | undefined {
  let depth = 0;
  for (let i = open; i < sig.length; i++) {
    const t = sig[i];
    if (!t || t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (depth === 0) return undefined;
    } else if (t.text === ',' && depth === 1) {
      const type = sig[i + 1];
      return type?.kind === 'word' && CAST_TYPES.test(type.text) ? t : undefined;
    }
  }
  return undefined;
}

const MYSQL_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '\\': '\\', "'": "'", '"': '"',
  // \% and \_ keep their backslash so that LIKE patterns still see an escaped wildcard.
  '%': '\\%', _: '\\_',
};

/**
 * The value of a MySQL string literal whose raw inner text node-sql-parser kept (it leaves
 * escapes untouched): backslash escapes and a doubled quote character.
 */
export function unescapeMysqlString(raw: string, quote: "'" | '"'): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c === '\\' && i + 1 < raw.length) {
      const d = raw[i + 1] ?? '';
      out += MYSQL_ESCAPES[d] ?? d;
      i++;
    } else if (c === quote && raw[i + 1] === quote) {
      out += quote;
      i++;
    } else out += c;
  }
  return out;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** MySQL's backtick quoting, for SHOW CREATE TABLE. */
export function backtick(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

// Secrets stay secret (DESIGN invariant 5): S3 keys and tokens in a statement are kept in the AST
// the job store saves, but every view and log shows them redacted, the way Doris (`"*XXX"`) and
// TiDB (`access-key=xxxxxx` in URLs) do.

import type { JobInsert, JobQuery, Property, Statement } from './ast.js';
import { lex, TokenKind, type Token } from './lexer.js';
import { isSecretKey, REDACTED_PROPERTY, redactUri } from './options.js';

function redactProperties(props: readonly Property[]): Property[] {
  return props.map((p) => {
    if (isSecretKey(p.key)) return { key: p.key, value: REDACTED_PROPERTY };
    if (p.value.includes('://')) return { key: p.key, value: redactUri(p.value) };
    return p;
  });
}

function redactQuery<Q extends JobQuery>(q: Q): Q {
  switch (q.kind) {
    case 's3Select':
      return { ...q, properties: redactProperties(q.properties) };
    case 'querySql':
      return { ...q, sql: redactSqlText(q.sql) };
  }
  return q;
}

function redactInsert<Q extends JobQuery>(insert: JobInsert<Q>): JobInsert<Q> {
  return { ...insert, query: redactQuery(insert.query) };
}

/** A copy of `stmt` with credentials replaced; statements without secrets come back as they are. */
export function redactStatement(stmt: Statement): Statement {
  switch (stmt.kind) {
    case 'submitJob':
      return { ...stmt, insert: redactInsert(stmt.insert) };
    case 'createJob':
      return { ...stmt, properties: redactProperties(stmt.properties), insert: redactInsert(stmt.insert) };
    case 'alterJob':
      return { ...stmt, properties: redactProperties(stmt.properties), insert: stmt.insert === null ? null : redactInsert(stmt.insert) };
    case 'createSyncJob':
      return {
        ...stmt,
        properties: redactProperties(stmt.properties),
        sourceProperties: redactProperties(stmt.sourceProperties),
        targetProperties: redactProperties(stmt.targetProperties),
      };
    case 'importInto':
      return {
        ...stmt,
        location: redactUri(stmt.location),
        options: stmt.options.map((o) => (typeof o.value === 'string' && o.value.includes('://') ? { ...o, value: redactUri(o.value) } : o)),
      };
    case 'passthrough':
      return { ...stmt, sql: redactSqlText(stmt.sql) };
    default:
      return stmt;
  }
}

function quoteLike(original: Token, value: string): string {
  const q = original.text.endsWith('"') ? '"' : "'";
  return q + value.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), '\\' + q) + q;
}

function isWord(t: Token | undefined, upper: string): boolean {
  return t !== undefined && t.kind === TokenKind.WORD && t.upper === upper;
}

function isPunct(t: Token | undefined, value: string): boolean {
  return t !== undefined && t.kind === TokenKind.PUNCT && t.value === value;
}

/**
 * Redacts credentials in SQL text we do not model (passthrough statements, SUBMIT JOB queries):
 * `'secret_key' = '...'` pairs, URIs with secret parameters, `IDENTIFIED BY '...'` and
 * `PASSWORD = '...'`. Everything else, comments and layout included, is left as written. Text after
 * a lexical error is left unchanged.
 */
export function redactSqlText(sql: string): string {
  const { tokens } = lex(sql);
  let out = '';
  let copied = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || t.kind !== TokenKind.STRING) continue;
    const eq = tokens[i - 1];
    const key = tokens[i - 2];
    let replacement: string | null = null;
    if (isPunct(eq, '=') && key !== undefined && (key.kind === TokenKind.STRING || key.kind === TokenKind.WORD || key.kind === TokenKind.QUOTED_IDENT) && isSecretKey(key.value)) {
      replacement = quoteLike(t, REDACTED_PROPERTY);
    } else if ((isWord(eq, 'BY') && isWord(key, 'IDENTIFIED')) || (isPunct(eq, '=') && isWord(key, 'PASSWORD'))) {
      replacement = quoteLike(t, REDACTED_PROPERTY);
    } else if (t.value.includes('://')) {
      const redacted = redactUri(t.value);
      if (redacted !== t.value) replacement = quoteLike(t, redacted);
    }
    if (replacement !== null) {
      out += sql.slice(copied, t.offset) + replacement;
      copied = t.end;
    }
  }
  return out + sql.slice(copied);
}

// Splits a multi-statement COM_QUERY text (CLIENT_MULTI_STATEMENTS) into statements on the `;`
// tokens of the lexer, so quotes, comments and hints are respected by construction. Like the MySQL
// server, each piece starts after the leading whitespace that follows the previous `;`, and its
// error line numbers count from there.

import { lex, TokenKind, type Token } from './lexer.js';

export interface StatementText {
  /** The statement, without the terminating `;` and surrounding whitespace. */
  readonly sql: string;
  /** UTF-16 offset of `sql` in the whole text. */
  readonly offset: number;
  /** 1-based line of `sql`'s first character in the whole text. */
  readonly line: number;
}

const STORED_PROGRAM = new Set(['PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT']);
const END_OF_UNCOUNTED_BLOCK = new Set(['IF', 'LOOP', 'WHILE', 'REPEAT']);

function isWord(t: Token | undefined, upper: string): boolean {
  return t !== undefined && t.kind === TokenKind.WORD && t.upper === upper;
}

/** Does the statement starting at token `start` define a stored program with a BEGIN ... END body? */
function startsStoredProgram(tokens: readonly Token[], start: number): boolean {
  if (!isWord(tokens[start], 'CREATE')) return false;
  for (let i = start + 1; i < tokens.length && i < start + 12; i++) {
    const t = tokens[i];
    if (t === undefined || t.kind === TokenKind.EOF || (t.kind === TokenKind.PUNCT && t.value === ';')) return false;
    if (t.kind === TokenKind.WORD && STORED_PROGRAM.has(t.upper)) return true;
  }
  return false;
}

/**
 * Indexes of the `;` tokens that end statements. Inside CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT,
 * BEGIN/CASE ... END blocks are tracked so the body's own `;` do not split it (best effort: the
 * target parses the body).
 */
export function statementEnds(tokens: readonly Token[]): number[] {
  const ends: number[] = [];
  let start = 0;
  let program = false;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || t.kind === TokenKind.EOF) break;
    if (i === start) {
      let first = i;
      while (tokens[first]?.kind === TokenKind.HINT) first++;
      program = startsStoredProgram(tokens, first);
    }
    if (t.kind === TokenKind.PUNCT && t.value === ';') {
      if (depth > 0) continue;
      ends.push(i);
      start = i + 1;
      program = false;
      continue;
    }
    if (!program || t.kind !== TokenKind.WORD) continue;
    if (t.upper === 'BEGIN' || t.upper === 'CASE') {
      depth++;
    } else if (t.upper === 'END') {
      const next = tokens[i + 1];
      if (next !== undefined && next.kind === TokenKind.WORD && END_OF_UNCOUNTED_BLOCK.has(next.upper)) {
        i++;
        continue;
      }
      if (depth > 0) depth--;
      if (isWord(next, 'CASE')) i++;
    }
  }
  return ends;
}

function isSignificant(t: Token): boolean {
  return t.kind !== TokenKind.EOF && t.kind !== TokenKind.HINT && !(t.kind === TokenKind.PUNCT && t.value === ';');
}

/**
 * The statements of a multi-statement text, in order; empty pieces (`;;`, a trailing `;`, only
 * whitespace or comments) are dropped. Text after a lexical error (an unterminated string, say)
 * becomes one last piece, whose parse reports the error.
 */
export function splitStatements(text: string): StatementText[] {
  const { tokens, error } = lex(text);
  const ends = statementEnds(tokens);
  const pieces: StatementText[] = [];
  let lineCount = 1;
  let counted = 0;
  const lineAt = (offset: number): number => {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) lineCount++;
    counted = Math.max(counted, offset);
    return lineCount;
  };
  const addPiece = (from: number, to: number): void => {
    const raw = text.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const sql = raw.trim();
    if (sql === '') return;
    pieces.push({ sql, offset: from + lead, line: lineAt(from + lead) });
  };

  let tokenStart = 0;
  let textStart = 0;
  for (const end of ends) {
    const semicolon = tokens[end];
    if (semicolon === undefined) break;
    let significant = false;
    for (let i = tokenStart; i < end && !significant; i++) {
      const t = tokens[i];
      if (t !== undefined && isSignificant(t)) significant = true;
    }
    if (significant) addPiece(textStart, semicolon.offset);
    tokenStart = end + 1;
    textStart = semicolon.end;
  }
  if (error !== null) {
    addPiece(textStart, text.length);
    return pieces;
  }
  let significant = false;
  for (let i = tokenStart; i < tokens.length && !significant; i++) {
    const t = tokens[i];
    if (t !== undefined && isSignificant(t)) significant = true;
  }
  if (significant) addPiece(textStart, text.length);
  return pieces;
}

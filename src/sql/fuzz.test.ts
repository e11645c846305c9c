// Mutation fuzzing of the parser: every mutated statement must parse to an AST that round-trips
// through the printer, or fail with one of the front end's SqlErrors - never another exception,
// never a hang. The PRNG is seeded, so a failure reproduces; FUZZ_SEED overrides the seed.

import { describe, expect, it } from 'vitest';
import { SqlError } from '../protocol/sql-error.js';
import { parseStatement } from './parser.js';
import { print } from './printer.js';
import { splitStatements } from './split.js';
import { VALID_CASES } from './test-corpus.js';
import { prng } from '../../test/support/prng.js';

/** The codes the front end may answer with: syntax, empty query, and the semantic checks. */
const FRONT_END_ERRNOS = new Set([1064, 1065, 1059, 1210, 1235, 1525, 8157, 8158, 8163, 8164, 8165, 8166]);


const FRAGMENTS = [
  "'", '"', '`', '(', ')', ',', ';', '.', '=', '*', '-', '--', '-- ', '#', '/*', '*/', '/*+', '/*!', '/*!50000', '/*!99999', '/*M!',
  '\\', '@', '@@', '?', ' ', '\n', '\0', '\uFFFD', '\uD800', '😀', 'é', 'X\'', "b'", '0x', 'N\'', '_utf8mb4',
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'NULL', 'IN', 'BETWEEN', 'LIKE', 'CASE', 'WHEN', 'THEN', 'END', 'CAST', 'AS',
  'INTERVAL', 'DAY', 'JOB', 'INSERT', 'INTO', 'OVERWRITE', 'S3', 'WITH', 'LABEL', 'SET', 'DUAL', 'LIMIT', 'ORDER BY', 'jobs(',
  'DETACHED', 'SKIP_ROWS=', 'FORMAT', "'csv'", 'PROPERTIES', '"uri"="s3://b/x"', '1', '-1', '1e5', '.5', '99999999999999999999',
];

function mutate(sql: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const pos = () => Math.floor(rand() * (sql.length + 1));
  let out = sql;
  const rounds = 1 + Math.floor(rand() * 3);
  for (let r = 0; r < rounds; r++) {
    const at = pos();
    switch (Math.floor(rand() * 7)) {
      case 0: // delete a range
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 8));
        break;
      case 1: // insert a fragment
        out = out.slice(0, at) + pick(FRAGMENTS) + out.slice(at);
        break;
      case 2: // replace a character
        out = out.slice(0, at) + pick(FRAGMENTS) + out.slice(at + 1);
        break;
      case 3: // duplicate a slice
        out = out.slice(0, at) + out.slice(at, at + 1 + Math.floor(rand() * 20)) + out.slice(at);
        break;
      case 4: // truncate
        out = out.slice(0, at);
        break;
      case 5: // swap two halves
        out = out.slice(at) + ' ' + out.slice(0, at);
        break;
      default: // flip case of a slice
        out = out.slice(0, at) + out.slice(at, at + 10).toLowerCase() + out.slice(at + 10).toUpperCase();
        break;
    }
  }
  return out;
}

describe('fuzz', () => {
  const seed = Number(process.env.FUZZ_SEED ?? 20260301);
  it(`returns an AST or a front-end SqlError for mutated statements (seed ${seed})`, () => {
    const rand = prng(seed);
    const corpus = VALID_CASES.map((c) => c.sql);
    let parsed = 0;
    let failed = 0;
    const started = performance.now();
    for (let i = 0; i < 6000; i++) {
      const sql = mutate(corpus[i % corpus.length] ?? '', rand);
      const t0 = performance.now();
      try {
        const ast = parseStatement(sql);
        parsed++;
        // Anything we accept must print to SQL that parses back to the same statement.
        const printed = print(ast, { redact: false });
        expect(parseStatement(printed), `round trip of ${JSON.stringify(sql)} via ${JSON.stringify(printed)}`).toEqual(ast);
      } catch (e) {
        if (!(e instanceof SqlError) || !FRONT_END_ERRNOS.has(e.errno)) {
          throw new Error(`unexpected ${String(e)} for ${JSON.stringify(sql)}`, { cause: e });
        }
        failed++;
      }
      splitStatements(sql);
      expect(performance.now() - t0, JSON.stringify(sql)).toBeLessThan(1000);
    }
    expect(parsed).toBeGreaterThan(500);
    expect(failed).toBeGreaterThan(500);
    expect(performance.now() - started).toBeLessThan(25_000);
  });
});

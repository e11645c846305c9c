// SQL front end throughput: statements parsed per second on a mixed corpus (job statements of the
// four dialects, session statements real clients send, local SELECTs, passthrough DDL/DML), and
// the same for lexing alone and for printing. Run alone with `node dist-bench/src/bench/parse-bench.js`.

import { parseStatement } from '../sql/parser.js';
import { print } from '../sql/printer.js';
import { tokenize } from '../sql/lexer.js';
import { VALID_CASES } from '../sql/test-corpus.js';

const QUICK = process.env.LOADWIRE_BENCH_QUICK === '1';

/** Runs `fn` over the corpus repeatedly for about `ms` milliseconds; returns items per second. */
function rate(corpus: readonly string[], fn: (sql: string) => unknown, ms: number): number {
  // Warm up so the JIT has seen every path before we time it.
  for (const sql of corpus) fn(sql);
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const sql of corpus) fn(sql);
    count += corpus.length;
    elapsed = performance.now() - started;
  }
  return (count / elapsed) * 1000;
}

export async function benchParse(): Promise<void> {
  const corpus = VALID_CASES.map((c) => c.sql);
  const asts = corpus.map((sql) => parseStatement(sql));
  const ms = QUICK ? 300 : 2000;
  const parsed = rate(corpus, (sql) => parseStatement(sql), ms);
  const lexed = rate(corpus, (sql) => tokenize(sql), ms);
  let i = 0;
  const printed = rate(corpus, () => print(asts[i++ % asts.length] ?? { kind: 'commit' }), ms);
  const bytes = corpus.reduce((n, sql) => n + sql.length, 0) / corpus.length;
  const big = 'INSERT INTO t VALUES ' + Array(60_000).fill("(1,'abc',NULL)").join(',');
  const t0 = performance.now();
  parseStatement(big);
  const bigMs = performance.now() - t0;
  console.log('SQL front end (mixed corpus of %d statements, %d chars on average)', corpus.length, Math.round(bytes));
  console.log('  parse            %s statements/s', Math.round(parsed).toLocaleString('en-US'));
  console.log('  lex only         %s statements/s', Math.round(lexed).toLocaleString('en-US'));
  console.log('  print (redacted) %s statements/s', Math.round(printed).toLocaleString('en-US'));
  console.log('  1 MB passthrough INSERT: %s ms', bigMs.toFixed(1));
  await Promise.resolve();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchParse();
}

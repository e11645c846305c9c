// `npm run bench`: every benchmark, each next to its reference tool measured in the same run.
// Select some with arguments (`npm run bench -- protocol read`); LOADWIRE_BENCH_QUICK=1 makes
// every data set small for a smoke run.

import { benchJobs } from './jobs-bench.js';
import { benchParse } from './parse-bench.js';
import { benchProtocol } from './protocol-bench.js';
import { benchRead } from './read-bench.js';
import { benchWrite } from './write-bench.js';

const BENCHES: Record<string, () => Promise<unknown>> = {
  protocol: benchProtocol,
  parse: benchParse,
  read: () => benchRead(),
  write: benchWrite,
  jobs: benchJobs,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  console.log(`# loadwire benchmarks (${new Date().toISOString()}, Node ${process.version}, ${process.env.LOADWIRE_BENCH_QUICK === '1' ? 'quick' : 'full'} run)`);
  for (const name of names) await BENCHES[name]!();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

// The README's quick start, run as written: the daemon started the way `npm start` starts it (the
// built CLI, default ./data in a fresh working directory; only the ports differ), every SQL block
// sent through the `mariadb` CLI, every shell `cp` run, and every output block compared with what
// the CLI prints. Times and long job ids are masked; read-only blocks are retried while background
// jobs catch up.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, freePort } from './harness/mariadb.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

interface Block {
  lang: string;
  body: string;
}

function quickStartBlocks(): Block[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- quickstart:begin -->'), readme.indexOf('<!-- quickstart:end -->'));
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

function normalize(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?/g, (m) => 'T'.repeat(m.length))
    .replace(/\d{30,}/g, (m) => 'J'.repeat(m.length))
    .trimEnd();
}

let cwd: string;
let port: number;
let daemon: ChildProcess;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'loadwire-readme-'));
  port = await freePort();
  daemon = spawn(process.execPath, [join(root, 'dist', 'cli.js')], {
    cwd,
    env: { ...process.env, LOADWIRE_PORT: String(port), LOADWIRE_HTTP_PORT: String(await freePort()), LOADWIRE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await run(findBinary(['mariadb', 'mysql']), ['-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-e', 'SELECT 1']);
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
});

afterAll(async () => {
  daemon?.kill('SIGTERM');
  await new Promise((r) => daemon?.once('exit', r));
  await rm(cwd, { recursive: true, force: true });
});

async function mariadb(sql: string): Promise<string> {
  const { stdout } = await run(findBinary(['mariadb', 'mysql']), ['-h', '127.0.0.1', '-P', String(port), '-u', 'root', 'test', '-t', '-e', sql]);
  return stdout;
}

describe('README quick start', () => {
  it('runs every statement and prints every output the README shows', async () => {
    const blocks = quickStartBlocks();
    expect(blocks.filter((b) => b.lang === 'sql').length).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      if (block.lang === 'sh') {
        for (const line of block.body.split('\n').filter((l) => l.startsWith('cp '))) await run('sh', ['-c', line], { cwd });
        continue;
      }
      if (block.lang !== 'sql') continue;
      const expected = blocks[i + 1]?.lang === 'text' ? normalize(blocks[i + 1]!.body) : null;
      const readOnly = /^\s*(SELECT|SHOW)\b/i.test(block.body);
      let actual = normalize(await mariadb(block.body));
      for (const deadline = Date.now() + 20_000; expected !== null && readOnly && actual !== expected && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 250));
        actual = normalize(await mariadb(block.body));
      }
      if (expected !== null) expect(actual, `output of:\n${block.body}`).toBe(expected);
    }
  }, 120_000);
});

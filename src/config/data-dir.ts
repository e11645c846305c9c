// Prepares the data directory on start: the directory itself, the import directory, and on first
// start a copy of the sample dataset under <import dir>/samples so a new user can import at once.

import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';

/** The samples/ directory of the package (next to src/ and dist/). */
export function packagedSamplesDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'samples', 'orders');
    if (existsSync(candidate)) return join(dir, 'samples');
    dir = dirname(dir);
  }
  return null;
}

export function prepareDataDir(config: Config): { samplesInstalled: boolean } {
  mkdirSync(config.dataDir, { recursive: true });
  const firstStart = !existsSync(config.importDir);
  mkdirSync(config.importDir, { recursive: true });
  const samples = packagedSamplesDir();
  const destination = join(config.importDir, 'samples');
  if (!firstStart || !samples || existsSync(destination)) return { samplesInstalled: false };
  cpSync(samples, destination, { recursive: true, filter: (src) => !src.endsWith('.mjs') });
  return { samplesInstalled: true };
}

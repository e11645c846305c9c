import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package version, from the nearest package.json above this file (src/, dist/ or dist-bench/src/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'loadwire' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export const VERSION = packageVersion();
/** A MySQL 8 version string: clients branch on it (clients.md §7); ORMs need >= 5.7.20. */
export const SERVER_VERSION = `8.0.36-loadwire-${VERSION}`;
export const VERSION_COMMENT = `loadwire ${VERSION} (MySQL protocol load-job daemon)`;

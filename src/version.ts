import { readFileSync } from 'node:fs';

function packageVersion(): string {
  // dist/version.js and src/version.ts both sit one level below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const VERSION = packageVersion();
/** A MySQL 8 version string: clients branch on it (clients.md §7); ORMs need >= 5.7.20. */
export const SERVER_VERSION = `8.0.36-loadwire-${VERSION}`;
export const VERSION_COMMENT = `loadwire ${VERSION} (MySQL protocol load-job daemon)`;

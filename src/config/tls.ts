// TLS material: configured PEM files, or a self-signed certificate generated once into the data
// directory (as MySQL 8 does with auto_generate_certs), reused across restarts.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

export async function resolveTls(config: Config): Promise<{ cert: string; key: string } | null> {
  if (config.tls === 'off') return null;
  if (config.tls !== 'auto') return config.tls;
  const dir = join(config.dataDir, 'tls');
  const certPath = join(dir, 'server-cert.pem');
  const keyPath = join(dir, 'server-key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  }
  // Loaded only on first start, when there is no certificate yet.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'loadwire auto-generated server certificate' }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 3650 * 24 * 3600 * 1000),
    algorithm: 'sha256',
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private };
}

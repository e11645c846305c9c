// Docker cannot run on the CI machine, so the Dockerfile and docker-compose.yml are checked as far
// as it allows: parsed, cross-checked against the repository, and the image's entry command run
// the way the container runs it.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');

interface Service {
  image?: string;
  build?: string;
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  entrypoint?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

  it('has loadwire built from this repository, MinIO with an init container, and MySQL 8', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['loadwire', 'minio', 'minio-init', 'mysql']);
    expect(compose.services.loadwire!.build).toBe('.');
    expect(compose.services.mysql!.image).toMatch(/^mysql:8/);
    expect(compose.services.minio!.healthcheck).toBeDefined();
    expect(compose.services.mysql!.healthcheck).toBeDefined();
    expect(compose.services.loadwire!.depends_on).toEqual({
      mysql: { condition: 'service_healthy' },
      'minio-init': { condition: 'service_completed_successfully' },
    });
  });

  it('publishes every port on loopback only and keeps data on volumes', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const p of s.ports ?? []) expect(p, `${name} publishes ${p}`).toMatch(/^127\.0\.0\.1:/);
    }
    expect(compose.services.loadwire!.volumes).toEqual(['loadwire-data:/data']);
    expect(Object.keys(compose.volumes)).toContain('loadwire-data');
  });

  it('points loadwire at the MySQL service and uploads the sample files that exist', () => {
    const env = compose.services.loadwire!.environment!;
    expect(env.LOADWIRE_TARGET).toMatch(/^mysql:\/\/root:.*@mysql:3306\/shop$/);
    expect(env.LOADWIRE_ROOT_PASSWORD).toBeTruthy();
    const init = compose.services['minio-init']!;
    expect(init.volumes).toEqual(['./samples:/samples:ro']);
    expect(init.entrypoint!.join(' ')).toContain('mc cp --recursive /samples/orders/ local/shop/orders/');
    expect(existsSync(join(root, 'samples', 'orders', '2026-11-01.csv'))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('copies only files that exist and runs the built entry point as a non-root user', () => {
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of m[1]!.split(/\s+/)) expect(existsSync(join(root, source)), `COPY ${source}`).toBe(true);
    }
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "dist/cli.js"]');
    expect(existsSync(join(root, 'dist', 'cli.js'))).toBe(true);
  });

  it('bakes in no credentials', () => {
    for (const line of dockerfile.split('\n').filter((l) => /^\s*(ENV|ARG)\b|^\s+LOADWIRE_/.test(l))) {
      expect(line).not.toMatch(/PASSWORD|SECRET|ACCESS_KEY/i);
    }
  });

  it('refuses to start as the image is configured (all interfaces) until a root password is given', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js')], {
      env: { ...process.env, NODE_ENV: 'production', LOADWIRE_HOST: '0.0.0.0', LOADWIRE_HTTP_HOST: '0.0.0.0', LOADWIRE_DATA_DIR: '/nonexistent/never-created' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('user "root" has no password; set one (--root-password for root) before listening on 0.0.0.0');
  });
});

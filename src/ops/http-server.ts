// The operations endpoint: /healthz (the process answers), /readyz (stores and target reachable),
// /metrics (Prometheus text). Loopback by default; it exposes no data, only health and figures.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';

export type ReadinessCheck = () => Promise<void>;

export interface OpsServerOptions {
  host: string;
  port: number;
  metrics: Metrics;
  /** Each check throws when its component is not usable; its message is shown. */
  checks: Readonly<Record<string, ReadinessCheck>>;
}

export class OpsServer {
  private readonly server: Server;

  constructor(private readonly options: OpsServerOptions) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      switch (path) {
        case '/healthz':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
          return;
        case '/readyz':
          void this.readiness().then(({ ready, checks }) => {
            res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify({ status: ready ? 'ready' : 'not ready', checks })}\n`);
          });
          return;
        case '/metrics':
          this.options.metrics.registry.metrics().then(
            (text) => res.writeHead(200, { 'content-type': this.options.metrics.registry.contentType }).end(text),
            (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(err)}\n`),
          );
          return;
        default:
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found","endpoints":["/healthz","/readyz","/metrics"]}\n');
      }
    });
  }

  private async readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      Object.entries(this.options.checks).map(async ([name, check]) => {
        try {
          await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2s')), 2000).unref())]);
          checks[name] = 'ok';
        } catch (e) {
          ready = false;
          checks[name] = (e as Error).message;
        }
      }),
    );
    return { ready, checks };
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

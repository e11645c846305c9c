// The listener: accepts sockets, numbers connections, owns the registry behind SHOW PROCESSLIST
// and KILL, and closes everything on shutdown. Per-connection work lives in connection.ts.

import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { RsaKeyPair } from './auth/caching-sha2-password.js';
import { writeErr } from './codec/messages.js';
import { PacketWriter } from './codec/packet-writer.js';
import { framePayload } from './codec/framing.js';
import { Connection, PreparedStatementBudget, type ConnectionContext } from './connection.js';
import { AuthPlugin, type AuthPluginName } from './constants.js';
import type { ProcessInfo, ProtocolLogger, ServerControl, ServerHandler } from './handler.js';
import { ER } from './sql-error.js';

export interface ProtocolServerOptions {
  host: string;
  port: number;
  serverVersion: string;
  handler: ServerHandler;
  logger: ProtocolLogger;
  tls?: { cert: string; key: string } | null;
  requireSecureTransport?: boolean;
  defaultAuthPlugin?: AuthPluginName;
  maxAllowedPacket?: number;
  maxConnections?: number;
  maxPreparedStatements?: number;
  connectTimeoutSeconds?: number;
  /** Removes secrets from statement text before it is logged; statements are not logged without it. */
  redactStatement?: (sql: string) => string;
  /**
   * Connection ids are idStart, idStart + idStep, ... (default 1, 1). Several servers sharing one
   * port (one per front-end process) take disjoint sequences, so KILL and SHOW PROCESSLIST ids
   * stay unique across them.
   */
  idStart?: number;
  idStep?: number;
}

export class ProtocolServer implements ServerControl {
  private readonly net: NetServer;
  private readonly connections = new Map<number, Connection>();
  private nextId: number;
  private readonly idStep: number;
  private accepted = 0;
  private readonly ctx: ConnectionContext;
  private readonly maxConnections: number;

  constructor(private readonly options: ProtocolServerOptions) {
    this.maxConnections = options.maxConnections ?? 10_000;
    this.nextId = options.idStart ?? 1;
    this.idStep = options.idStep ?? 1;
    let tls: SecureContext | null = null;
    if (options.tls) tls = createSecureContext({ cert: options.tls.cert, key: options.tls.key });
    this.ctx = {
      serverVersion: options.serverVersion,
      maxAllowedPacket: options.maxAllowedPacket ?? 64 * 1024 * 1024,
      tls,
      requireSecureTransport: options.requireSecureTransport ?? false,
      defaultAuthPlugin: options.defaultAuthPlugin ?? AuthPlugin.MYSQL_NATIVE_PASSWORD,
      rsa: new RsaKeyPair(),
      sha2Cache: new Map(),
      connectTimeoutSeconds: options.connectTimeoutSeconds ?? 10,
      handler: options.handler,
      control: this,
      logger: options.logger,
      preparedStatements: new PreparedStatementBudget(options.maxPreparedStatements ?? 16_382),
      stats: { questions: 0 },
      redactStatement: options.redactStatement ?? null,
    };
    this.net = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.net.on('error', (err) => options.logger.error({ err }, 'listener error'));
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.net.once('error', reject);
      this.net.listen({ host: this.options.host, port: this.options.port, backlog: 4096 }, () => {
        this.net.off('error', reject);
        resolve();
      });
    });
    return this.net.address() as AddressInfo;
  }

  get address(): AddressInfo {
    return this.net.address() as AddressInfo;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket): void {
    const id = this.nextId;
    this.nextId += this.idStep;
    this.accepted++;
    socket.on('error', () => undefined); // errors are handled per connection; never let one escape
    if (this.connections.size >= this.maxConnections) {
      const w = new PacketWriter(64);
      writeErr(w, ER.ER_CON_COUNT_ERROR.errno, ER.ER_CON_COUNT_ERROR.sqlState, 'Too many connections');
      socket.end(Buffer.concat(framePayload(w.toBuffer(), 0).frames));
      return;
    }
    const host = socket.remoteAddress?.replace(/^::ffff:/, '') ?? 'localhost';
    const conn = new Connection(socket, id, host === '127.0.0.1' || host === '::1' ? 'localhost' : host, this.ctx);
    this.connections.set(id, conn);
    void conn.run().finally(() => this.connections.delete(id));
  }

  processList(): ProcessInfo[] {
    const list: ProcessInfo[] = [];
    for (const c of this.connections.values()) {
      const d = c.describe();
      list.push({
        id: c.id,
        user: c.user || 'unauthenticated user',
        host: c.host,
        db: c.databaseName,
        command: d.command,
        timeSeconds: d.timeSeconds,
        state: d.state,
        info: c.info,
      });
    }
    return list;
  }

  kill(connectionId: number, mode: 'query' | 'connection'): boolean {
    const c = this.connections.get(connectionId);
    if (!c) return false;
    if (mode === 'query') c.killQuery();
    else c.close('killed');
    return true;
  }

  counters(): { questions: number; connections: number } {
    return { questions: this.ctx.stats.questions, connections: this.accepted };
  }

  /** Stops accepting, closes every connection, and resolves when the listener is closed. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.net.close(() => resolve()));
    for (const c of this.connections.values()) c.close('server shutdown');
    await closed;
  }
}

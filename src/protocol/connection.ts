// One client connection: a state machine over a closed set of phases
// (handshake → [tls] → authentication → command → closed). Bytes are built by the codec; this file
// only sequences packets, tracks sequence ids and maps failures to the right answer:
//   - a user error (SqlError) gets an ERR packet and the connection stays open;
//   - a malformed or out-of-order packet gets an ERR packet when possible, then the connection closes;
//   - an unexpected error is logged with an incident id and answered with 1105, the connection stays.

import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import {
  FAST_AUTH_SUCCESS,
  PERFORM_FULL_AUTHENTICATION,
  REQUEST_PUBLIC_KEY,
  clearPasswordFromFullAuth,
  sha2PasswordHash,
  verifySha2Scramble,
  type RsaKeyPair,
} from './auth/caching-sha2-password.js';
import { nativePasswordHash, verifyNativePassword } from './auth/native-password.js';
import { newScramble } from './auth/scramble.js';
import { PacketDecoder, PacketTooLargeError, framePayload, type Packet } from './codec/framing.js';
import {
  isSslRequest,
  parseChangeUser,
  parseHandshakeResponse,
  parseStmtExecute,
  peekStatementId,
  writeAuthMoreData,
  writeAuthSwitchRequest,
  writeColumnDefinition,
  writeEof,
  writeErr,
  writeHandshakeV10,
  writeOk,
  writePrepareOk,
  writeBinaryRow,
  writeTextRow,
  type ParamType,
} from './codec/messages.js';
import { MalformedPacketError, PacketReader } from './codec/packet-reader.js';
import { PacketWriter } from './codec/packet-writer.js';
import {
  AuthPlugin,
  COMMAND_NAMES,
  Capability,
  Command,
  DEFAULT_CHARSET_ID,
  MAX_PACKET_PAYLOAD,
  SERVER_CAPABILITIES,
  ServerStatus,
  type AuthPluginName,
} from './constants.js';
import {
  ColumnType,
  isPromise,
  type Column,
  type ConnectionInfo,
  type ProtocolLogger,
  type MaybePromise,
  type QueryResult,
  type Row,
  type RowsResult,
  type ServerControl,
  type ServerHandler,
  type Session,
  type UserCredentials,
} from './handler.js';
import { SqlError, isSqlError } from './sql-error.js';

export const Phase = {
  HANDSHAKE: 'handshake',
  AUTHENTICATION: 'authentication',
  COMMAND: 'command',
  CLOSED: 'closed',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** What every connection shares with the server that owns it. */
export interface ConnectionContext {
  serverVersion: string;
  maxAllowedPacket: number;
  tls: SecureContext | null;
  requireSecureTransport: boolean;
  defaultAuthPlugin: AuthPluginName;
  rsa: RsaKeyPair;
  /** SHA256(SHA256(password)) learned by caching_sha2 full authentication, by user. */
  sha2Cache: Map<string, Buffer>;
  /** Seconds allowed for the handshake and authentication (connect_timeout). */
  connectTimeoutSeconds: number;
  handler: ServerHandler;
  control: ServerControl;
  logger: ProtocolLogger;
  preparedStatements: PreparedStatementBudget;
  stats: { questions: number };
  /** Makes statement text safe to log (secrets removed); without it statements are never logged. */
  redactStatement: ((sql: string) => string) | null;
}

/** max_prepared_stmt_count across all connections, so statements clients never close stay bounded. */
export class PreparedStatementBudget {
  count = 0;
  constructor(readonly limit: number) {}
}

interface PreparedStatement {
  id: number;
  sql: string;
  paramCount: number;
  columns: readonly Column[];
  types: ParamType[] | null;
  longData: Map<number, Buffer[]>;
}

/** Thrown to end the connection after the answer (if any) has been written. */
class CloseConnection extends Error {}

const FLUSH_BYTES = 64 * 1024;
const MAX_QUEUED_PACKETS = 256;
const PREPARE_PARAM_COLUMN: Column = { name: '?', type: ColumnType.VAR_STRING, charset: 63, length: 0 };

/** The last encoding of each result answered again and again (see RowsResult.reused). */
const encodedResults = new WeakMap<RowsResult, { key: number; nextSequenceId: number; bytes: Buffer }>();

export class Connection {
  phase: Phase = Phase.HANDSHAKE;
  readonly connectedAt = Date.now();
  user = '';
  command: number = Command.COM_CONNECT;
  /** performance.now() when the running command (or, asleep, the idle time) began: monotonic. */
  commandStartedAt = performance.now();
  info: string | null = null;
  session: Session | null = null;

  private socket: Socket;
  private readonly decoder: PacketDecoder;
  private readonly out = new PacketWriter(16 * 1024);
  private sequenceId = 0;
  private readonly scramble = newScramble();
  private capabilities = 0;
  private multiStatements = false;
  private tlsActive = false;
  private database: string | null = null;
  private attributes = new Map<string, string>();
  private queue: Packet[] = [];
  private waiter: ((p: Packet | null) => void) | null = null;
  private closed = false;
  /** Signals KILL QUERY to the running command; replaced only once used (one per command costs 6% of SELECT 1). */
  private abort = new AbortController();
  /** Set once `abort` fired (reading `signal.aborted` per command was measurable too). */
  private abortUsed = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly statements = new Map<number, PreparedStatement>();
  private nextStatementId = 1;
  private lastStatementId = 0;
  private drainWaiter: (() => void) | null = null;

  constructor(
    socket: Socket,
    readonly id: number,
    readonly host: string,
    private readonly ctx: ConnectionContext,
  ) {
    this.socket = socket;
    // Until authenticated, a client may send no more than a handshake response needs.
    this.decoder = new PacketDecoder(64 * 1024);
    this.attach(socket);
  }

  /** Runs the connection to its end; never rejects. */
  async run(): Promise<void> {
    const connectTimer = setTimeout(() => this.close('connect timeout'), this.ctx.connectTimeoutSeconds * 1000);
    connectTimer.unref();
    try {
      await this.handshake();
      clearTimeout(connectTimer);
      await this.commands();
    } catch (e) {
      if (!(e instanceof CloseConnection)) this.ctx.logger.error({ err: e, connectionId: this.id }, 'connection failed');
    } finally {
      clearTimeout(connectTimer);
      this.close('ended');
    }
  }

  connectionInfo(): ConnectionInfo {
    return {
      id: this.id,
      user: this.user,
      host: this.host,
      database: this.database,
      clientAttributes: this.attributes,
      tls: this.tlsActive,
      clientCapabilities: this.capabilities,
    };
  }

  /** KILL QUERY: aborts the running statement; the connection stays. */
  killQuery(): void {
    if (this.command !== Command.COM_SLEEP || this.closed) {
      this.abort.abort(new SqlError('ER_QUERY_INTERRUPTED', 'Query execution was interrupted'));
      this.abortUsed = true;
    }
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.phase = Phase.CLOSED;
    this.killQuery();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.ctx.logger.debug({ connectionId: this.id, reason }, 'connection closed');
    this.socket.end();
    this.socket.destroySoon();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(null);
    this.drainWaiter?.();
    if (!this.busy) this.endCommands();
    this.releaseStatements();
    try {
      this.session?.close();
    } catch (e) {
      this.ctx.logger.error({ err: e, connectionId: this.id }, 'session close failed');
    }
    this.session = null;
  }

  // --- socket plumbing ------------------------------------------------------------------------

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('drain', this.onDrain);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
  }

  /** Bytes of the first packet, gathered by hand: an SSLRequest is followed at once by TLS bytes. */
  private firstPacketBytes: Buffer | null = Buffer.alloc(0);

  private readonly onData = (chunk: Buffer): void => {
    if (this.firstPacketBytes) {
      chunk = this.takeFirstPacket(chunk);
      if (chunk.length === 0) return;
    }
    let packets: Packet[];
    try {
      packets = this.decoder.push(chunk);
    } catch (e) {
      if (e instanceof PacketTooLargeError) {
        this.sequenceId = (e.sequenceId + 1) & 0xff;
        this.sendErrorAndClose(new SqlError('ER_NET_PACKET_TOO_LARGE', e.message));
        return;
      }
      throw e;
    }
    for (const p of packets) this.deliver(p);
    if (this.commandPhase && !this.busy) this.pump();
    // Pipelining is fine; an unbounded pipeline is not. Stop reading until the queue drains.
    if (this.queue.length > MAX_QUEUED_PACKETS) this.socket.pause();
  };

  /**
   * Before the first packet is complete nothing may be decoded past it: if it is an SSLRequest,
   * the bytes after it are the TLS ClientHello. Those go back to the socket (the TLS layer reads a
   * socket's buffered data first) and this connection stops listening to the raw socket at once.
   */
  private takeFirstPacket(chunk: Buffer): Buffer {
    const pre = Buffer.concat([this.firstPacketBytes!, chunk]);
    if (pre.length < 4) {
      this.firstPacketBytes = pre;
      return Buffer.alloc(0);
    }
    const len = pre.readUIntLE(0, 3);
    if (pre.length < 4 + len && len <= this.decoder.maxPayload) {
      this.firstPacketBytes = pre;
      return Buffer.alloc(0);
    }
    this.firstPacketBytes = null;
    if (len === 32 && this.ctx.tls && isSslRequest(pre.subarray(4, 36))) {
      const rest = pre.subarray(36);
      this.detach(this.socket);
      this.socket.pause();
      if (rest.length > 0) this.socket.unshift(rest);
      this.deliver({ sequenceId: pre[3]!, lastSequenceId: pre[3]!, payload: pre.subarray(4, 36) });
      return Buffer.alloc(0);
    }
    return pre;
  }

  private deliver(p: Packet): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(p);
    } else {
      this.queue.push(p);
    }
  }

  private readonly onDrain = (): void => {
    const w = this.drainWaiter;
    this.drainWaiter = null;
    w?.();
  };

  private readonly onError = (e: Error): void => {
    this.ctx.logger.debug({ connectionId: this.id, err: e.message }, 'socket error');
    this.close('socket error');
  };

  private readonly onClose = (): void => {
    this.close('client closed the connection');
  };

  private nextPacket(): Promise<Packet | null> {
    const p = this.queue.shift();
    if (p) {
      if (this.queue.length < MAX_QUEUED_PACKETS / 2 && this.socket.isPaused()) this.socket.resume();
      return Promise.resolve(p);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Reads the next packet of an exchange (auth), checking its sequence id. */
  private async expectPacket(): Promise<Packet> {
    const p = await this.nextPacket();
    if (!p) throw new CloseConnection();
    if (p.sequenceId !== this.sequenceId) {
      this.sendErrorAndClose(new SqlError('ER_NET_PACKETS_OUT_OF_ORDER', 'Got packets out of order'));
      throw new CloseConnection();
    }
    this.sequenceId = (p.lastSequenceId + 1) & 0xff;
    return p;
  }

  // --- output ---------------------------------------------------------------------------------

  private packetStart = 0;

  private beginPacket(): PacketWriter {
    this.packetStart = this.out.length;
    this.out.zeros(4);
    return this.out;
  }

  private endPacket(): void {
    const len = this.out.length - this.packetStart - 4;
    if (len < MAX_PACKET_PAYLOAD) {
      this.out.patchHeader(this.packetStart, len, this.sequenceId);
      this.sequenceId = (this.sequenceId + 1) & 0xff;
      return;
    }
    // 16 MiB or more: re-frame as continuation packets.
    const payload = Buffer.from(this.out.view().subarray(this.packetStart + 4));
    this.out.truncate(this.packetStart);
    const { frames, nextSequenceId } = framePayload(payload, this.sequenceId);
    for (const f of frames) this.out.bytes(f);
    this.sequenceId = nextSequenceId;
  }

  private packet(build: (w: PacketWriter) => void): void {
    build(this.beginPacket());
    this.endPacket();
  }

  /**
   * Writes what is buffered. Returns a promise only when the client reads slowly and the socket
   * must drain first; the common case stays synchronous (no microtask per command).
   */
  private flush(): Promise<void> | undefined {
    if (this.out.length === 0 || this.closed) {
      this.out.reset();
      return undefined;
    }
    const ok = this.socket.write(this.out.toBuffer());
    this.out.reset();
    if (ok || this.closed) return undefined;
    return new Promise<void>((resolve) => (this.drainWaiter = resolve));
  }

  private status(): number {
    let s = 0;
    const st = this.session?.status();
    if (!st || st.autocommit) s |= ServerStatus.SERVER_STATUS_AUTOCOMMIT;
    if (st?.inTransaction) s |= ServerStatus.SERVER_STATUS_IN_TRANS;
    return s;
  }

  private get deprecateEof(): boolean {
    return (this.capabilities & Capability.CLIENT_DEPRECATE_EOF) !== 0;
  }

  private writeError(e: SqlError): void {
    this.packet((w) => writeErr(w, e.errno, e.sqlState, e.message));
  }

  private sendErrorAndClose(e: SqlError): void {
    if (!this.closed) {
      this.writeError(e);
      void this.flush();
    }
    this.close(e.message);
  }

  /** EOF, or under CLIENT_DEPRECATE_EOF an OK packet with the 0xFE header. */
  private writeEndOfRows(status: number, warnings: number): void {
    if (this.deprecateEof) this.packet((w) => writeOk(w, { header: 0xfe, status, warnings }));
    else this.packet((w) => writeEof(w, status, warnings));
  }

  // --- connection phase -----------------------------------------------------------------------

  private serverCapabilities(): number {
    return this.ctx.tls ? SERVER_CAPABILITIES | Capability.CLIENT_SSL : SERVER_CAPABILITIES;
  }

  private async handshake(): Promise<void> {
    this.sequenceId = 0;
    this.packet((w) =>
      writeHandshakeV10(w, {
        serverVersion: this.ctx.serverVersion,
        connectionId: this.id,
        scramble: this.scramble,
        capabilities: this.serverCapabilities(),
        charset: DEFAULT_CHARSET_ID,
        status: ServerStatus.SERVER_STATUS_AUTOCOMMIT,
        authPlugin: this.ctx.defaultAuthPlugin,
      }),
    );
    await this.flush();

    let p = await this.expectPacket();
    if (isSslRequest(p.payload)) {
      if (!this.ctx.tls) {
        this.sendErrorAndClose(new SqlError('ER_HANDSHAKE_ERROR', 'SSL connection requested, but TLS is not configured on this server'));
        throw new CloseConnection();
      }
      await this.upgradeToTls(this.ctx.tls);
      p = await this.expectPacket();
    }

    let response;
    try {
      response = parseHandshakeResponse(p.payload);
    } catch (e) {
      if (!(e instanceof MalformedPacketError)) throw e;
      this.sendErrorAndClose(new SqlError('ER_HANDSHAKE_ERROR', 'Bad handshake'));
      throw new CloseConnection();
    }
    this.capabilities = response.capabilities & this.serverCapabilities();
    this.multiStatements = (this.capabilities & Capability.CLIENT_MULTI_STATEMENTS) !== 0;
    this.attributes = response.attributes;
    this.user = response.user;
    this.phase = Phase.AUTHENTICATION;

    const authenticated = await this.authenticate(response.user, response.authPlugin, response.authResponse);
    if (!authenticated) throw new CloseConnection();

    if (this.ctx.requireSecureTransport && !this.tlsActive) {
      this.sendErrorAndClose(
        new SqlError('ER_SECURE_TRANSPORT_REQUIRED', 'Connections using insecure transport are prohibited while --require_secure_transport=ON.'),
      );
      throw new CloseConnection();
    }
    this.database = response.database;
    try {
      this.session = await this.ctx.handler.openSession(this.connectionInfo(), this.ctx.control);
    } catch (e) {
      this.sendErrorAndClose(this.toSqlError(e));
      throw new CloseConnection();
    }
    if (this.closed) {
      this.session.close();
      throw new CloseConnection();
    }
    this.decoder.maxPayload = this.ctx.maxAllowedPacket;
    this.phase = Phase.COMMAND;
    this.packet((w) => writeOk(w, { status: this.status() }));
    await this.flush();
  }

  private async upgradeToTls(context: SecureContext): Promise<void> {
    const raw = this.socket;
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.socket = secure;
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('error', reject);
    }).catch(() => {
      throw new CloseConnection();
    });
    this.tlsActive = true;
  }

  /**
   * Runs the authentication exchange for `user`, starting from the client's first answer. Writes
   * the ERR on failure (the caller closes); on success writes nothing final (the caller sends OK).
   */
  private async authenticate(user: string, clientPlugin: string | null, firstResponse: Buffer, scramble = this.scramble): Promise<boolean> {
    const creds = this.ctx.handler.lookupUser(user);
    const plugin: AuthPluginName = creds?.plugin ?? this.ctx.defaultAuthPlugin;
    let response = firstResponse;
    let activeScramble = scramble;
    if ((clientPlugin ?? AuthPlugin.MYSQL_NATIVE_PASSWORD) !== plugin) {
      // Connector/J and the mariadb Node connector always start with mysql_native_password.
      activeScramble = newScramble();
      this.packet((w) => writeAuthSwitchRequest(w, plugin, activeScramble));
      await this.flush();
      response = (await this.expectPacket()).payload;
    }
    const ok =
      plugin === AuthPlugin.MYSQL_NATIVE_PASSWORD
        ? this.verifyNative(creds, activeScramble, response)
        : await this.verifyCachingSha2(user, creds, activeScramble, response);
    if (!ok) {
      const usingPassword = response.length > 0 && !(response.length === 1 && response[0] === 0) ? 'YES' : 'NO';
      this.sendErrorAndClose(new SqlError('ER_ACCESS_DENIED_ERROR', `Access denied for user '${user}'@'${this.host}' (using password: ${usingPassword})`));
      this.ctx.logger.info({ connectionId: this.id, user, host: this.host }, 'authentication failed');
    }
    return ok;
  }

  private verifyNative(creds: UserCredentials | undefined, scramble: Buffer, response: Buffer): boolean {
    if (!creds) return false;
    if (creds.emptyPassword) return response.length === 0 || (response.length === 1 && response[0] === 0);
    return creds.nativeHash !== undefined && verifyNativePassword(creds.nativeHash, scramble, response);
  }

  private async verifyCachingSha2(user: string, creds: UserCredentials | undefined, scramble: Buffer, response: Buffer): Promise<boolean> {
    if (!creds) return false;
    if (creds.emptyPassword) return response.length === 0 || (response.length === 1 && response[0] === 0);
    const known = creds.sha2Hash ?? this.ctx.sha2Cache.get(user);
    if (known) {
      if (!verifySha2Scramble(known, scramble, response)) return false;
      this.packet((w) => writeAuthMoreData(w, FAST_AUTH_SUCCESS));
      return true;
    }
    // No fast-path hash for this user: full authentication, over TLS or with the RSA key.
    this.packet((w) => writeAuthMoreData(w, PERFORM_FULL_AUTHENTICATION));
    await this.flush();
    let p = (await this.expectPacket()).payload;
    let password: string | null;
    if (this.tlsActive) {
      password = clearPasswordFromFullAuth(p);
    } else {
      if (p.length === 1 && p[0] === REQUEST_PUBLIC_KEY) {
        this.packet((w) => writeAuthMoreData(w, Buffer.from(this.ctx.rsa.publicKeyPem())));
        await this.flush();
        p = (await this.expectPacket()).payload;
      }
      password = this.ctx.rsa.decryptPassword(p, scramble);
    }
    if (password === null) return false;
    const ok = creds.nativeHash !== undefined && nativePasswordHash(password).equals(creds.nativeHash);
    if (ok) this.ctx.sha2Cache.set(user, sha2PasswordHash(password));
    return ok;
  }

  // --- command phase --------------------------------------------------------------------------

  /**
   * The command phase. Packets are answered straight from the socket's data event while no
   * command is in progress, so a command answered without I/O costs no promise or microtask on
   * the way from the read to the write; a command that waits holds the queue until it is done.
   */
  private commands(): Promise<void> {
    this.command = Command.COM_SLEEP;
    this.commandStartedAt = performance.now();
    this.commandPhase = true;
    const ended = new Promise<void>((resolve) => (this.commandsEnded = resolve));
    this.pump();
    return ended;
  }

  private commandPhase = false;
  private busy = false;
  private commandsEnded: (() => void) | null = null;

  private endCommands(): void {
    this.commandPhase = false;
    const ended = this.commandsEnded;
    this.commandsEnded = null;
    ended?.();
  }

  /** Answers queued commands until one has to wait or the queue is empty. Never throws. */
  private pump(): void {
    try {
      while (!this.busy && this.commandPhase) {
        if (this.closed) return this.endCommands();
        const p = this.queue.shift();
        if (!p) return this.armIdleTimer();
        if (this.queue.length < MAX_QUEUED_PACKETS / 2 && this.socket.isPaused()) this.socket.resume();
        const step = this.answer(p);
        if (step === true) continue;
        if (step === false) return this.endCommands();
        this.busy = true;
        step.then(
          (keepGoing) => {
            this.busy = false;
            if (keepGoing) this.pump();
            else this.endCommands();
          },
          (e: unknown) => this.commandCrashed(e),
        );
      }
    } catch (e) {
      this.commandCrashed(e);
    }
  }

  private commandCrashed(e: unknown): void {
    this.busy = false;
    this.ctx.logger.error({ err: e, connectionId: this.id }, 'connection failed');
    this.close('internal error');
    this.endCommands();
  }

  /** One command from its packet to its flushed answer; false ends the connection. */
  private answer(p: Packet): boolean | Promise<boolean> {
    if (p.sequenceId !== 0) {
      this.sequenceId = (p.lastSequenceId + 1) & 0xff;
      this.sendErrorAndClose(new SqlError('ER_NET_PACKETS_OUT_OF_ORDER', 'Got packets out of order'));
      return false;
    }
    this.sequenceId = (p.lastSequenceId + 1) & 0xff;
    const dispatched = this.dispatch(p.payload);
    if (typeof dispatched !== 'boolean') return dispatched.then((keepGoing) => this.finishCommand(keepGoing));
    return this.finishCommand(dispatched);
  }

  private finishCommand(keepGoing: boolean): boolean | Promise<boolean> {
    const flushed = this.flush();
    if (flushed) return flushed.then(() => this.finishCommand(keepGoing));
    this.command = Command.COM_SLEEP;
    this.commandStartedAt = performance.now();
    this.info = null;
    return keepGoing && !this.closed;
  }

  private idleSeconds = 0;

  /**
   * wait_timeout: one timer per connection, re-armed only when the timeout changes. When it fires
   * it checks how long the connection has really been idle (creating a timer per command cost
   * measurable time on the `SELECT 1` path), and a command still running is never idle.
   */
  private armIdleTimer(): void {
    const seconds = Math.min(this.session?.idleTimeoutSeconds() ?? 28800, 31_536_000);
    if (this.idleTimer && seconds === this.idleSeconds) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleSeconds = seconds;
    this.scheduleIdleCheck(seconds * 1000);
  }

  private scheduleIdleCheck(ms: number): void {
    this.idleTimer = setTimeout(this.onIdleCheck, Math.max(ms, 10));
    this.idleTimer.unref();
  }

  private readonly onIdleCheck = (): void => {
    const limit = this.idleSeconds * 1000;
    const idle = this.command === Command.COM_SLEEP ? performance.now() - this.commandStartedAt : 0;
    if (idle < limit) {
      this.scheduleIdleCheck(limit - idle);
      return;
    }
    this.sequenceId = 0;
    this.sendErrorAndClose(
      new SqlError(
        'ER_CLIENT_INTERACTION_TIMEOUT',
        'The client was disconnected by the server because of inactivity. See wait_timeout and interactive_timeout for configuring this behavior.',
      ),
    );
  };

  /** Handles one command; false ends the connection. */
  private dispatch(payload: Buffer): boolean | Promise<boolean> {
    if (payload.length === 0) {
      this.sendErrorAndClose(new SqlError('ER_MALFORMED_PACKET', 'Malformed communication packet.'));
      return false;
    }
    const cmd = payload[0]!;
    this.command = cmd;
    this.commandStartedAt = performance.now();
    this.ctx.stats.questions++;
    if (this.abortUsed) {
      this.abort = new AbortController();
      this.abortUsed = false;
    }
    try {
      const handled = this.runCommand(cmd, payload.subarray(1), this.session!);
      return typeof handled === 'boolean' ? handled : handled.catch((e: unknown) => this.commandFailed(cmd, e));
    } catch (e) {
      return this.commandFailed(cmd, e);
    }
  }

  private commandFailed(cmd: number, e: unknown): boolean {
    if (e instanceof CloseConnection) return false;
    if (e instanceof MalformedPacketError) {
      this.ctx.logger.info({ connectionId: this.id, command: cmd, reason: e.message }, 'malformed packet');
      this.writeError(new SqlError('ER_MALFORMED_PACKET', 'Malformed communication packet.'));
      return false;
    }
    this.writeError(this.toSqlError(e));
    return !this.closed;
  }

  private runCommand(cmd: number, body: Buffer, session: Session): boolean | Promise<boolean> {
    {
      switch (cmd) {
        case Command.COM_QUIT:
          return false;
        case Command.COM_PING:
          this.packet((w) => writeOk(w, { status: this.status() }));
          return true;
        case Command.COM_QUERY: {
          this.info = body.toString('utf8');
          const done = this.runQuery(session, this.info);
          return done ? done.then(() => true) : true;
        }
        case Command.COM_INIT_DB:
          return this.initDb(session, body.toString('utf8'));
        case Command.COM_FIELD_LIST:
          return this.fieldList(session, body).then(() => true);
        case Command.COM_STATISTICS:
          this.packet((w) => w.string(this.statistics()));
          return true;
        case Command.COM_PROCESS_KILL: {
          const id = new PacketReader(body).u32();
          if (!this.ctx.control.kill(id, 'connection')) throw new SqlError('ER_NO_SUCH_THREAD', `Unknown thread id: ${id}`);
          if (id !== this.id) this.packet((w) => writeOk(w, { status: this.status() }));
          return id !== this.id;
        }
        case Command.COM_SET_OPTION: {
          const option = new PacketReader(body).u16();
          if (option > 1) throw new SqlError('ER_UNKNOWN_COM_ERROR', 'Unknown command');
          this.multiStatements = option === 0;
          this.writeEndOfRows(this.status(), 0);
          return true;
        }
        case Command.COM_RESET_CONNECTION:
          return this.resetConnection(session);
        case Command.COM_CHANGE_USER:
          return this.changeUser(body);
        case Command.COM_STMT_PREPARE:
          this.info = body.toString('utf8');
          return this.prepare(session, this.info).then(() => true);
        case Command.COM_STMT_EXECUTE: {
          const done = this.execute(session, body);
          return done ? done.then(() => true) : true;
        }
        case Command.COM_STMT_SEND_LONG_DATA: {
          // No answer, ever, even for an unknown statement: the client is not reading one.
          const r = new PacketReader(body);
          const stmt = this.statements.get(r.u32());
          const param = r.u16();
          if (stmt && param < stmt.paramCount) {
            const parts = stmt.longData.get(param) ?? [];
            parts.push(Buffer.from(r.restBytes()));
            stmt.longData.set(param, parts);
          }
          return true;
        }
        case Command.COM_STMT_CLOSE:
          this.closeStatement(new PacketReader(body).u32());
          return true;
        case Command.COM_STMT_RESET: {
          const id = new PacketReader(body).u32();
          const stmt = this.statements.get(id);
          if (!stmt) throw new SqlError('ER_UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${id}) given to mysqld_stmt_reset`);
          stmt.longData.clear();
          this.packet((w) => writeOk(w, { status: this.status() }));
          return true;
        }
        default:
          throw new SqlError('ER_UNKNOWN_COM_ERROR', 'Unknown command');
      }
    }
  }

  private async initDb(session: Session, database: string): Promise<boolean> {
    await session.initDb(database);
    this.database = session.database();
    this.packet((w) => writeOk(w, { status: this.status() }));
    return true;
  }

  private async resetConnection(session: Session): Promise<boolean> {
    this.releaseStatements();
    await session.reset();
    this.multiStatements = (this.capabilities & Capability.CLIENT_MULTI_STATEMENTS) !== 0;
    this.packet((w) => writeOk(w, { status: this.status() }));
    return true;
  }

  private toSqlError(e: unknown): SqlError {
    if (isSqlError(e)) return e;
    const incident = randomUUID().slice(0, 8);
    const statement = this.info !== null && this.ctx.redactStatement ? this.ctx.redactStatement(this.info.slice(0, 2000)).slice(0, 500) : undefined;
    this.ctx.logger.error({ err: e, connectionId: this.id, incident, statement }, 'unexpected error');
    return new SqlError('ER_UNKNOWN_ERROR', `Internal error (incident ${incident}); the daemon log has the details`);
  }

  private statistics(): string {
    const uptime = Math.max(1, Math.floor(process.uptime()));
    const threads = this.ctx.control.processList().length;
    const q = this.ctx.stats.questions;
    return `Uptime: ${uptime}  Threads: ${threads}  Questions: ${q}  Slow queries: 0  Opens: 0  Open tables: 0  Queries per second avg: ${(q / uptime).toFixed(3)}`;
  }

  /**
   * Runs the statements of a COM_QUERY text, one result each. Each result but the last carries
   * SERVER_MORE_RESULTS_EXISTS; the first failing statement answers with ERR and ends the text,
   * as in MySQL. Returns a promise only when some statement or result needs I/O.
   */
  private runQuery(session: Session, sql: string): Promise<void> | undefined {
    const signal = this.abort.signal;
    const statements = session.statements(sql, this.multiStatements);
    if (statements.length === 0) throw new SqlError('ER_EMPTY_QUERY', 'Query was empty');
    for (let i = 0; i < statements.length; i++) {
      const more = i < statements.length - 1;
      let result: MaybePromise<QueryResult>;
      try {
        result = session.run(statements[i]!, signal);
      } catch (e) {
        this.writeError(this.toSqlError(e));
        return undefined;
      }
      if (isPromise(result)) return this.runQueryAsync(session, statements, i, result, signal);
      const written = this.writeResult(result, false, more, signal);
      if (written) return written.then((ok) => (ok && more ? this.runQueryAsync(session, statements, i + 1, null, signal) : undefined));
    }
    return undefined;
  }

  /** The rest of `runQuery` once something had to wait; `pending` is statement `from`'s result, if already started. */
  private async runQueryAsync(session: Session, statements: readonly string[], from: number, pending: Promise<QueryResult> | null, signal: AbortSignal): Promise<void> {
    for (let i = from; i < statements.length; i++) {
      let result: QueryResult;
      try {
        result = await (i === from && pending ? pending : session.run(statements[i]!, signal));
      } catch (e) {
        this.writeError(this.toSqlError(e));
        return;
      }
      const written = this.writeResult(result, false, i < statements.length - 1, signal);
      if (written && !(await written)) return;
    }
  }

  /**
   * Writes one result: an OK packet, or columns, rows and the terminator. Rows held in memory are
   * written synchronously up to FLUSH_BYTES; beyond that, or for rows that arrive asynchronously,
   * the rest goes through `writeRowsAsync` and a promise is returned (false if it ended in ERR).
   */
  private writeResult(result: QueryResult, binary: boolean, more: boolean, signal: AbortSignal): Promise<boolean> | undefined {
    const moreFlag = more ? ServerStatus.SERVER_MORE_RESULTS_EXISTS : 0;
    if (result.kind === 'ok') {
      this.packet((w) =>
        writeOk(w, {
          affectedRows: result.affectedRows,
          insertId: result.insertId,
          status: this.status() | moreFlag,
          warnings: result.warnings,
          info: result.info,
        }),
      );
      return undefined;
    }
    if (result.reused && Array.isArray(result.rows)) return this.writeReusedResult(result, binary, moreFlag);
    const columns = result.columns;
    this.packet((w) => w.lenencInt(columns.length));
    for (const c of columns) this.packet((w) => writeColumnDefinition(w, c));
    if (!this.deprecateEof) this.packet((w) => writeEof(w, this.status()));
    const writeRow = binary ? writeBinaryRow : writeTextRow;
    const rows = result.rows;
    if (Symbol.asyncIterator in rows) return this.writeRowsAsync(rows, result, writeRow, moreFlag, signal);
    const iterator = rows[Symbol.iterator]();
    try {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        const row = next.value;
        this.packet((w) => writeRow(w, row, columns));
        if (this.out.length > FLUSH_BYTES) return this.writeRowsAsync({ [Symbol.iterator]: () => iterator }, result, writeRow, moreFlag, signal, true);
      }
    } catch (error) {
      // An ERR packet in place of a row ends the result set; clients surface it as the
      // statement's error (as MySQL does for a query killed mid-result).
      this.writeError(this.toSqlError(error));
      return Promise.resolve(false);
    }
    this.writeEndOfRows(this.status() | moreFlag, result.warnings ?? 0);
    return undefined;
  }

  /** A result answered again: its bytes are the same as last time unless the framing or status differ. */
  private writeReusedResult(result: RowsResult, binary: boolean, moreFlag: number): undefined {
    // What the bytes depend on: protocol, framing, first sequence id and status flags.
    const key = (binary ? 1 : 0) + (this.deprecateEof ? 2 : 0) + this.sequenceId * 4 + (this.status() | moreFlag) * 1024;
    const cached = encodedResults.get(result);
    if (cached?.key === key) {
      this.out.bytes(cached.bytes);
      this.sequenceId = cached.nextSequenceId;
      return undefined;
    }
    const start = this.out.length;
    const columns = result.columns;
    const writeRow = binary ? writeBinaryRow : writeTextRow;
    this.packet((w) => w.lenencInt(columns.length));
    for (const c of columns) this.packet((w) => writeColumnDefinition(w, c));
    if (!this.deprecateEof) this.packet((w) => writeEof(w, this.status()));
    for (const row of result.rows as readonly Row[]) this.packet((w) => writeRow(w, row, columns));
    this.writeEndOfRows(this.status() | moreFlag, result.warnings ?? 0);
    encodedResults.set(result, { key, nextSequenceId: this.sequenceId, bytes: Buffer.from(this.out.view().subarray(start)) });
    return undefined;
  }

  private async writeRowsAsync(
    rows: Iterable<Row> | AsyncIterable<Row>,
    result: RowsResult,
    writeRow: typeof writeTextRow,
    moreFlag: number,
    signal: AbortSignal,
    flushFirst = false,
  ): Promise<boolean> {
    const columns = result.columns;
    try {
      if (flushFirst) await this.flushChecked(signal);
      for await (const row of rows) {
        this.packet((w) => writeRow(w, row, columns));
        if (this.out.length > FLUSH_BYTES) await this.flushChecked(signal);
      }
    } catch (error) {
      if (error instanceof CloseConnection) throw error;
      this.writeError(this.toSqlError(error));
      return false;
    }
    this.writeEndOfRows(this.status() | moreFlag, result.warnings ?? 0);
    return true;
  }

  private async flushChecked(signal: AbortSignal): Promise<void> {
    await this.flush();
    if (this.closed) throw new CloseConnection();
    if (signal.aborted) throw signal.reason;
  }

  private async fieldList(session: Session, body: Buffer): Promise<void> {
    const r = new PacketReader(body);
    const table = r.nulStringOrRest();
    const wildcard = r.restString();
    const columns = await session.fieldList(table, wildcard);
    for (const c of columns) this.packet((w) => writeColumnDefinition(w, c, null));
    this.writeEndOfRows(this.status(), 0);
  }

  private async changeUser(body: Buffer): Promise<boolean> {
    const req = parseChangeUser(body, this.capabilities);
    this.releaseStatements();
    this.session?.close();
    this.session = null;
    this.user = req.user;
    this.attributes = req.attributes;
    if (!(await this.authenticate(req.user, req.authPlugin, req.authResponse))) return false;
    this.database = req.database;
    try {
      this.session = await this.ctx.handler.openSession(this.connectionInfo(), this.ctx.control);
    } catch (e) {
      this.sendErrorAndClose(this.toSqlError(e));
      return false;
    }
    this.multiStatements = (this.capabilities & Capability.CLIENT_MULTI_STATEMENTS) !== 0;
    this.packet((w) => writeOk(w, { status: this.status() }));
    return true;
  }

  // --- prepared statements --------------------------------------------------------------------

  private async prepare(session: Session, sql: string): Promise<void> {
    const budget = this.ctx.preparedStatements;
    if (budget.count >= budget.limit) {
      throw new SqlError(
        'ER_MAX_PREPARED_STMT_COUNT_REACHED',
        `Can't create more than max_prepared_stmt_count statements (current value: ${budget.limit})`,
      );
    }
    const info = await session.prepare(sql);
    const stmt: PreparedStatement = {
      id: this.nextStatementId++,
      sql,
      paramCount: info.paramCount,
      columns: info.columns,
      types: null,
      longData: new Map(),
    };
    this.statements.set(stmt.id, stmt);
    budget.count++;
    this.lastStatementId = stmt.id;
    this.packet((w) => writePrepareOk(w, stmt.id, stmt.columns.length, stmt.paramCount, 0));
    if (stmt.paramCount > 0) {
      for (let i = 0; i < stmt.paramCount; i++) this.packet((w) => writeColumnDefinition(w, PREPARE_PARAM_COLUMN));
      if (!this.deprecateEof) this.packet((w) => writeEof(w, this.status()));
    }
    if (stmt.columns.length > 0) {
      for (const c of stmt.columns) this.packet((w) => writeColumnDefinition(w, c));
      if (!this.deprecateEof) this.packet((w) => writeEof(w, this.status()));
    }
  }

  private execute(session: Session, body: Buffer): Promise<void> | undefined {
    let id = peekStatementId(body);
    if (id === 0xffffffff) id = this.lastStatementId; // MariaDB's "the statement just prepared"
    const stmt = this.statements.get(id);
    if (!stmt) throw new SqlError('ER_UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${id}) given to mysqld_stmt_execute`);
    this.info = stmt.sql;
    const exec = parseStmtExecute(body, stmt.paramCount, stmt.types, stmt.longData);
    stmt.types = exec.types;
    stmt.longData.clear();
    const signal = this.abort.signal;
    const result = session.execute(stmt.sql, exec.params, signal);
    if (isPromise(result)) return result.then(async (r) => void (await this.writeResult(r, true, false, signal)));
    const written = this.writeResult(result, true, false, signal);
    return written?.then(() => undefined);
  }

  private closeStatement(id: number): void {
    if (this.statements.delete(id)) this.ctx.preparedStatements.count--;
  }

  private releaseStatements(): void {
    this.ctx.preparedStatements.count -= this.statements.size;
    this.statements.clear();
  }

  /** For SHOW PROCESSLIST. */
  describe(): { command: string; timeSeconds: number; state: string } {
    const command = this.phase === Phase.COMMAND ? (COMMAND_NAMES[this.command] ?? 'Unknown') : 'Connect';
    return {
      command,
      timeSeconds: Math.floor((performance.now() - this.commandStartedAt) / 1000),
      state: this.phase === Phase.COMMAND ? (this.command === Command.COM_SLEEP ? '' : 'executing') : 'login',
    };
  }

  get databaseName(): string | null {
    return this.session?.database() ?? this.database;
  }
}


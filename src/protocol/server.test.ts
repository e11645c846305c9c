// Protocol behaviour with a real client (mysql2) against the server on port 0, behind a scripted
// handler: auth plugins, result encoding, errors, TLS, KILL, big packets.

import { generate } from 'selfsigned';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedHandler } from '../../test/support/scripted-handler.js';
import { ProtocolServer, type ProtocolServerOptions } from './server.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const USERS = {
  root: { password: '' },
  alice: { password: 's3cret' },
  sha: { password: 'sha-pass', plugin: 'caching_sha2_password' as const },
  legacy: { password: 'legacy-pass', plugin: 'caching_sha2_password' as const, nativeOnly: true },
};

const servers: ProtocolServer[] = [];
async function start(overrides: Partial<ProtocolServerOptions> = {}): Promise<{ server: ProtocolServer; port: number; handler: ScriptedHandler }> {
  const handler = new ScriptedHandler(USERS);
  const server = new ProtocolServer({ host: '127.0.0.1', port: 0, serverVersion: '8.0.36-loadwire-test', handler, logger: silent, ...overrides });
  const { port } = await server.listen();
  servers.push(server);
  return { server, port, handler };
}

const clients: mysql.Connection[] = [];
async function connect(port: number, opts: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', ...opts });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('authentication', () => {
  let port: number;
  beforeAll(async () => ({ port } = await start()));

  it('accepts mysql_native_password with and without a password', async () => {
    const c = await connect(port, { user: 'alice', password: 's3cret', database: 'db1' });
    const [rows] = await c.query('whoami');
    expect(rows).toEqual([{ u: 'alice', db: 'db1', tls: 0 }]);
    await connect(port);
  });

  it('rejects a wrong password with 1045/28000', async () => {
    await expect(connect(port, { user: 'alice', password: 'wrong' })).rejects.toMatchObject({
      errno: 1045,
      sqlState: '28000',
      message: "Access denied for user 'alice'@'localhost' (using password: YES)",
    });
  });

  it('rejects an unknown user exactly like a wrong password', async () => {
    await expect(connect(port, { user: 'mallory', password: 'x' })).rejects.toMatchObject({ errno: 1045, sqlState: '28000' });
  });

  it('refuses an unknown database in the handshake with 1049', async () => {
    await expect(connect(port, { database: 'nope' })).rejects.toMatchObject({ errno: 1049, sqlState: '42000' });
  });

  it('switches a native-first client to caching_sha2_password (AuthSwitchRequest, fast path)', async () => {
    const c = await connect(port, { user: 'sha', password: 'sha-pass' });
    const [rows] = await c.query('whoami');
    expect(rows).toEqual([{ u: 'sha', db: null, tls: 0 }]);
    await expect(connect(port, { user: 'sha', password: 'nope' })).rejects.toMatchObject({ errno: 1045 });
  });

  it('runs caching_sha2 full authentication with RSA key retrieval, then uses the fast path', async () => {
    const c = await connect(port, { user: 'legacy', password: 'legacy-pass' });
    const [rows] = await c.query('whoami');
    expect(rows).toEqual([{ u: 'legacy', db: null, tls: 0 }]);
    await connect(port, { user: 'legacy', password: 'legacy-pass' });
    await expect(connect(port, { user: 'legacy', password: 'bad' })).rejects.toMatchObject({ errno: 1045 });
  });

  it('greets with caching_sha2_password when configured, and switches native users', async () => {
    const { port: p2 } = await start({ defaultAuthPlugin: 'caching_sha2_password' });
    await connect(p2, { user: 'sha', password: 'sha-pass' });
    await connect(p2, { user: 'alice', password: 's3cret' });
    await expect(connect(p2, { user: 'alice', password: 'x' })).rejects.toMatchObject({ errno: 1045 });
  });
});

describe('TLS', () => {
  let port: number;
  let tlsPort: number;
  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'loadwire-test' }], { keySize: 2048 });
    ({ port } = await start({ tls: { cert: pems.cert, key: pems.private } }));
    ({ port: tlsPort } = await start({ tls: { cert: pems.cert, key: pems.private }, requireSecureTransport: true }));
  });

  it('upgrades on SSLRequest and authenticates inside TLS', async () => {
    const c = await connect(port, { user: 'alice', password: 's3cret', ssl: { rejectUnauthorized: false } });
    const [rows] = await c.query('whoami');
    expect(rows).toEqual([{ u: 'alice', db: null, tls: 1 }]);
  });

  it('runs caching_sha2 full authentication with the clear password over TLS', async () => {
    const c = await connect(port, { user: 'legacy', password: 'legacy-pass', ssl: { rejectUnauthorized: false } });
    const [rows] = await c.query('whoami');
    expect(rows).toEqual([{ u: 'legacy', db: null, tls: 1 }]);
  });

  it('still serves plain-text clients unless secure transport is required', async () => {
    await connect(port, { user: 'alice', password: 's3cret' });
    await expect(connect(tlsPort, { user: 'alice', password: 's3cret' })).rejects.toMatchObject({ errno: 3159 });
    await connect(tlsPort, { user: 'alice', password: 's3cret', ssl: { rejectUnauthorized: false } });
  });
});

describe('queries and results', () => {
  let port: number;
  beforeAll(async () => ({ port } = await start()));

  it('encodes every column type in text and binary result sets', async () => {
    const c = await connect(port, { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
    const expected = {
      tiny: -7, small: 1234, int: -2147483648, big: '9007199254740993', ubig: '18446744073709551615',
      flt: 1.5, dbl: 3.141592653589793, dec: '12345.67', d: '2024-02-29', dt: '2024-02-29 13:14:15',
      dtu: '2024-02-29 13:14:15.123456', t: '-838:59:59', y: 2024, s: "it's ü ☃ 😀",
      b: Buffer.from([0, 1, 2, 255]), j: { a: 1 }, n: null,
    };
    const [text] = await c.query('types');
    expect(text).toEqual([expected]);
    const [binary] = await c.execute('types');
    expect(binary).toEqual([expected]);
  });

  it('reports affected rows, insert id and warnings in OK packets', async () => {
    const c = await connect(port);
    const [ok] = await c.query('insert');
    expect(ok).toMatchObject({ affectedRows: 3, insertId: 7, warningStatus: 1 });
  });

  it('binds parameters of every type in COM_STMT_EXECUTE', async () => {
    const c = await connect(port);
    const params = [1, -2, 2 ** 40, 1.25, 'ü☃', null, Buffer.from('raw'), new Date(Date.UTC(2024, 0, 2, 3, 4, 5))];
    const [rows] = await c.execute<mysql.RowDataPacket[]>(`echo ${params.map(() => '?').join(' ')}`, params);
    const row = rows[0]!;
    expect(Object.values(row).map((v) => (v === null ? null : String(v)))).toEqual(['1', '-2', String(2 ** 40), '1.25', 'ü☃', null, 'raw', expect.stringMatching(/^2024-01-0\d \d\d:04:05/)]);
  });

  it('answers multi-statements only when negotiated, else 1064 and the connection stays usable', async () => {
    const multi = await connect(port, { multipleStatements: true });
    const [results] = await multi.query('select 1; select 2; insert');
    expect(results).toMatchObject([[{ 1: 1 }], [{ 2: 2 }], { affectedRows: 3 }]);
    const single = await connect(port);
    await expect(single.query('select 1; select 2')).rejects.toMatchObject({ errno: 1064, sqlState: '42000' });
    const [rows] = await single.query('select 3');
    expect(rows).toEqual([{ 3: 3 }]);
  });

  it('stops a multi-statement text at the first error', async () => {
    const multi = await connect(port, { multipleStatements: true });
    await expect(multi.query('select 1; error; select 2')).rejects.toMatchObject({ errno: 1146, sqlState: '42S02' });
    const [rows] = await multi.query('select 4');
    expect(rows).toEqual([{ 4: 4 }]);
  });

  it('keeps the connection after user errors and hides internals of unexpected ones', async () => {
    const c = await connect(port);
    await expect(c.query('error')).rejects.toMatchObject({ errno: 1146, sqlState: '42S02' });
    const err = await c.query('boom').catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 1105, sqlState: 'HY000' });
    expect(String((err as Error).message)).not.toContain('internal detail');
    await expect(c.query('failmid')).rejects.toMatchObject({ errno: 1317 });
    await c.ping();
    const [rows] = await c.query('select 5');
    expect(rows).toEqual([{ 5: 5 }]);
  });

  it('streams large result sets with backpressure', async () => {
    const c = await connect(port);
    const [rows] = await c.query<mysql.RowDataPacket[]>('rows 200000');
    expect(rows.length).toBe(200000);
    expect(rows[199999]).toEqual({ i: 199999 });
  });

  it('splits and reassembles payloads over 16 MiB in both directions', async () => {
    const c = await connect(port);
    const [rows] = await c.query<mysql.RowDataPacket[]>('big 17000000');
    expect((rows[0]!.b as Buffer).length).toBe(17000000);
    const huge = 'y'.repeat(16 * 1024 * 1024 + 10);
    const [echo] = await c.execute<mysql.RowDataPacket[]>('echo ?', [huge]);
    expect((echo[0]!.p0 as string).length).toBe(huge.length);
  });

  it('refuses a packet over max_allowed_packet with 1153 and closes', async () => {
    const { port: small } = await start({ maxAllowedPacket: 1024 * 1024 });
    const c = await connect(small);
    await expect(c.query(`select ${'1'.repeat(2 * 1024 * 1024)}`)).rejects.toMatchObject({ errno: 1153 });
  });

  it('bounds prepared statements clients never close (max_prepared_stmt_count)', async () => {
    const { port: p } = await start({ maxPreparedStatements: 3 });
    const c = await connect(p);
    for (let i = 0; i < 3; i++) await c.execute(`select ${i}`);
    await expect(c.execute('select 9')).rejects.toMatchObject({ errno: 1461 });
    c.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const d = await connect(p);
    await d.execute('select 1');
  });
});

describe('logging', () => {
  it('logs unexpected errors with an incident id and only redacted statement text', async () => {
    const logged: object[] = [];
    const logger = { ...silent, error: (o: object) => void logged.push(o) };
    const { port } = await start({ logger, redactStatement: (sql) => sql.replace(/'[^']*'/g, "'***'") });
    const c = await connect(port);
    const err = (await c.query("boom 's3cr3t'").catch((e: unknown) => e)) as { message: string };
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ statement: "boom '***'", incident: expect.any(String) });
    expect(err.message).toContain((logged[0] as { incident: string }).incident);
    expect(JSON.stringify(logged)).not.toContain('s3cr3t');

    const bare: object[] = [];
    const { port: p2 } = await start({ logger: { ...silent, error: (o: object) => void bare.push(o) } });
    await (await connect(p2)).query("boom 's3cr3t'").catch(() => undefined);
    expect(bare[0]).toMatchObject({ statement: undefined });
  });
});

describe('connection control', () => {
  it('KILL QUERY interrupts a running statement and KILL CONNECTION ends it', async () => {
    const { port, server } = await start();
    const victim = await connect(port);
    const killer = await connect(port);
    const [[{ id }]] = (await victim.query('select 1').then(() => [[{ id: victim.threadId }]])) as [[{ id: number }]];
    const running = victim.query('sleep 10000');
    await new Promise((r) => setTimeout(r, 100));
    expect(server.processList().find((p) => p.id === id)).toMatchObject({ command: 'Query', info: 'sleep 10000' });
    await killer.query(`kill ${id}`);
    await expect(running).rejects.toMatchObject({ errno: 1317, sqlState: '70100' });
    const [rows] = await victim.query('select 6');
    expect(rows).toEqual([{ 6: 6 }]);
    await expect(killer.query('kill 999999')).rejects.toMatchObject({ errno: 1094 });
    expect(server.kill(id, 'connection')).toBe(true);
    await expect(victim.query('select 1')).rejects.toBeTruthy();
  });

  it('closes idle connections after wait_timeout with 4031', async () => {
    const { port, server } = await start();
    const c = await connect(port, { connectAttributes: { idle: '1' } });
    const closed = new Promise<unknown>((resolve) => c.on('error', resolve));
    expect(server.connectionCount).toBe(1);
    const err = await closed;
    expect(err).toMatchObject({ code: 4031, fatal: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(server.connectionCount).toBe(0);
  });

  it('COM_CHANGE_USER re-authenticates and starts a fresh session', async () => {
    const { port, handler } = await start();
    const c = await connect(port);
    await c.changeUser({ user: 'alice', password: 's3cret', database: 'other' });
    const [rows] = await c.query('whoami');
    expect(rows).toEqual([{ u: 'alice', db: 'other', tls: 0 }]);
    expect(handler.sessions[0]!.closed).toBe(true);
  });
});

// Raw-packet behaviour: pipelining, odd commands, malformed input, abrupt disconnects, and many
// connections at once. The daemon must answer or close the one bad connection and carry on.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedHandler } from '../../test/support/scripted-handler.js';
import { CAPS, RawClient, columnName, frame, handshakeResponse, parseErr, u16, u32 } from '../../test/support/wire.js';
import { ProtocolServer } from './server.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
let server: ProtocolServer;
let port: number;

beforeAll(async () => {
  server = new ProtocolServer({ host: '127.0.0.1', port: 0, serverVersion: '8.0.36-loadwire-test', handler: new ScriptedHandler({ root: { password: '' }, alice: { password: 'pw' } }), logger: silent });
  ({ port } = await server.listen());
});
afterAll(async () => server.close());

async function stillServing(): Promise<void> {
  const c = await RawClient.login(port);
  c.command(0x03, 'select 42');
  expect((await c.readResult()).rows).toEqual([['42']]);
  c.close();
}

describe('command phase', () => {
  it('answers pipelined commands from one TCP write in order', async () => {
    const c = await RawClient.login(port);
    c.write(Buffer.concat([
      frame(0, Buffer.from('\x03select 1')),
      frame(0, Buffer.from([0x0e])),
      frame(0, Buffer.from('\x03select 2')),
      frame(0, Buffer.from('\x03error')),
      frame(0, Buffer.from('\x03select 3')),
    ]));
    expect((await c.readResult()).rows).toEqual([['1']]);
    expect((await c.readResult()).kind).toBe('ok');
    expect((await c.readResult()).rows).toEqual([['2']]);
    expect((await c.readResult()).error?.errno).toBe(1146);
    expect((await c.readResult()).rows).toEqual([['3']]);
    c.close();
  });

  it('answers a result it has encoded before with the sequence ids, framing and status of each answer', async () => {
    const eofFraming = await RawClient.login(port, { caps: CAPS.PROTOCOL_41 | CAPS.SECURE_CONNECTION | CAPS.PLUGIN_AUTH | CAPS.LONG_PASSWORD | CAPS.MULTI_RESULTS | CAPS.MULTI_STATEMENTS });
    const okFraming = await RawClient.login(port, { caps: CAPS.PROTOCOL_41 | CAPS.SECURE_CONNECTION | CAPS.PLUGIN_AUTH | CAPS.LONG_PASSWORD | CAPS.DEPRECATE_EOF });
    for (let round = 0; round < 2; round++) {
      okFraming.command(0x03, 'constant');
      const packets = [];
      for (let i = 0; i < 4; i++) packets.push(await okFraming.read());
      expect(packets.map((p) => p.seq)).toEqual([1, 2, 3, 4]);
      expect(packets[2]!.payload).toEqual(Buffer.from([1, 0x37])); // the row straight after the column, no EOF
      expect(packets[3]!.payload[0]).toBe(0xfe);
      expect(packets[3]!.payload.readUInt16LE(3)).toBe(0x0002);
    }
    for (let round = 0; round < 2; round++) {
      eofFraming.command(0x03, 'constant');
      expect(await eofFraming.readResult()).toMatchObject({ rows: [['7']], status: 0x0002 });
    }
    // The same answer with autocommit off, then as the first of two results (SERVER_MORE_RESULTS_EXISTS).
    eofFraming.command(0x03, 'autocommit0');
    expect((await eofFraming.readResult()).kind).toBe('ok');
    eofFraming.command(0x03, 'constant');
    expect(await eofFraming.readResult()).toMatchObject({ rows: [['7']], status: 0x0000 });
    eofFraming.command(0x03, 'constant; constant');
    expect(await eofFraming.readResult()).toMatchObject({ rows: [['7']], status: 0x0008 });
    expect(await eofFraming.readResult()).toMatchObject({ rows: [['7']], status: 0x0000 });
    eofFraming.close();
    okFraming.close();
  });

  it('answers an unknown command with 1047 and keeps the connection', async () => {
    const c = await RawClient.login(port);
    c.command(0x1e);
    expect(parseErr((await c.read()).payload)).toMatchObject({ errno: 1047, sqlState: '08S01' });
    c.command(0x0e);
    expect((await c.read()).payload[0]).toBe(0x00);
    c.close();
  });

  it('serves COM_FIELD_LIST, COM_STATISTICS, COM_SET_OPTION, COM_RESET_CONNECTION and COM_INIT_DB', async () => {
    const c = await RawClient.login(port);
    c.command(0x04, Buffer.from('t\0'));
    const names: string[] = [];
    for (;;) {
      const p = (await c.read()).payload;
      if (p[0] === 0xfe && p.length < 9) break;
      names.push(columnName(p));
    }
    expect(names).toEqual(['id', 'name']);
    c.command(0x04, Buffer.from('missing\0'));
    expect(parseErr((await c.read()).payload).errno).toBe(1146);

    c.command(0x09);
    expect((await c.read()).payload.toString()).toMatch(/^Uptime: \d+ {2}Threads: \d+ {2}Questions: \d+/);

    c.command(0x03, 'select 1; select 2');
    expect((await c.readResult()).error?.errno).toBe(1064);
    c.command(0x1b, u16(0));
    expect((await c.read()).payload[0]).toBe(0xfe);
    c.command(0x03, 'select 1; select 2');
    const first = await c.readResult();
    expect(first.rows).toEqual([['1']]);
    expect(first.status & 8).toBe(8); // SERVER_MORE_RESULTS_EXISTS
    expect((await c.readResult()).rows).toEqual([['2']]);

    c.command(0x1f);
    expect((await c.read()).payload[0]).toBe(0x00);
    c.command(0x03, 'select 1; select 2');
    expect((await c.readResult()).error?.errno).toBe(1064);

    c.command(0x02, 'otherdb');
    expect((await c.read()).payload[0]).toBe(0x00);
    c.command(0x03, 'whoami');
    expect((await c.readResult()).rows[0]?.[1]).toBe('otherdb');
    c.command(0x02, 'nope');
    expect(parseErr((await c.read()).payload)).toMatchObject({ errno: 1049, sqlState: '42000' });
    c.close();
  });

  it('answers COM_STMT_* for unknown statements with 1243, and SEND_LONG_DATA never answers', async () => {
    const c = await RawClient.login(port);
    c.command(0x18, Buffer.concat([u32(99), u16(0), Buffer.from('data')]));
    c.command(0x17, Buffer.concat([u32(99), Buffer.from([0]), u32(1)]));
    expect(parseErr((await c.read()).payload).errno).toBe(1243);
    c.command(0x1a, u32(99));
    expect(parseErr((await c.read()).payload).errno).toBe(1243);
    c.command(0x19, u32(99));
    c.command(0x0e);
    expect((await c.read()).payload[0]).toBe(0x00);
    c.close();
  });
});

describe('client capability variants', () => {
  it('frames result sets with OK (0xFE) and no EOF packets under CLIENT_DEPRECATE_EOF', async () => {
    const c = await RawClient.login(port, { caps: CAPS.PROTOCOL_41 | CAPS.SECURE_CONNECTION | CAPS.PLUGIN_AUTH | CAPS.DEPRECATE_EOF });
    c.command(0x03, 'select 9');
    const kinds: string[] = [];
    for (;;) {
      const p = (await c.read()).payload;
      if (p[0] === 0xfe && p.length >= 7) {
        kinds.push('ok-0xfe');
        break;
      }
      kinds.push(p[0] === 0xfe ? 'eof' : 'packet');
    }
    // column count, one column definition, one row, then the OK-with-0xFE terminator
    expect(kinds).toEqual(['packet', 'packet', 'packet', 'ok-0xfe']);
    c.close();
  });

  it('accepts the 1-byte auth-response length that PHP mysqlnd sends, with a password', async () => {
    const c = await RawClient.login(port, { user: 'alice', password: 'pw', oneByteAuthLength: true });
    c.command(0x03, 'whoami');
    expect((await c.readResult()).rows[0]?.[0]).toBe('alice');
    c.close();
  });
});

describe('bad input', () => {
  it('closes a connection that sends a wrong sequence id, after an ERR', async () => {
    const c = await RawClient.login(port);
    c.write(frame(5, Buffer.from('\x03select 1')));
    expect(parseErr((await c.read()).payload).errno).toBe(1156);
    await expect(c.read(2000)).rejects.toThrow(/closed/);
    await stillServing();
  });

  it('closes a connection whose handshake response is truncated, with 1043', async () => {
    const c = await RawClient.open(port);
    c.write(frame(1, handshakeResponse({ user: 'root' }).subarray(0, 10)));
    expect(parseErr((await c.read()).payload).errno).toBe(1043);
    await expect(c.read(2000)).rejects.toThrow(/closed/);
  });

  it('survives random bytes at every phase', async () => {
    for (let i = 0; i < 50; i++) {
      const c = i % 2 === 0 ? await RawClient.open(port) : await RawClient.login(port);
      c.write(randomBytes(1 + (i * 37) % 300));
      await new Promise((r) => setTimeout(r, 5));
      c.close();
    }
    for (let i = 0; i < 30; i++) {
      const c = await RawClient.login(port);
      // a well-framed packet with a garbage body, for every command byte
      c.write(frame(0, Buffer.concat([Buffer.from([i]), randomBytes(i % 7)])));
      await new Promise((r) => setTimeout(r, 5));
      c.close();
    }
    await stillServing();
  });

  it('carries on when a client disconnects in the middle of a large result', async () => {
    const c = await RawClient.login(port);
    c.command(0x03, 'rows 2000000');
    await c.read();
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    await stillServing();
  });

  it('closes a connection that sends an empty packet', async () => {
    const c = await RawClient.login(port);
    c.write(frame(0, Buffer.alloc(0)));
    expect(parseErr((await c.read()).payload).errno).toBe(1835);
    await expect(c.read(2000)).rejects.toThrow(/closed/);
  });
});

describe('scale', () => {
  it('holds 2,000 concurrent connections open and still answers', async () => {
    const clients: RawClient[] = [];
    for (let batch = 0; batch < 20; batch++) {
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => RawClient.login(port)))));
    }
    expect(server.connectionCount).toBeGreaterThanOrEqual(2000);
    const sample = [clients[0]!, clients[999]!, clients[1999]!];
    for (const c of sample) {
      c.command(0x03, 'select 7');
      expect((await c.readResult()).rows).toEqual([['7']]);
    }
    for (const c of clients) c.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(server.connectionCount).toBeLessThan(10);
  }, 60_000);
});

// Codec tests against fixtures built by test/support/wire.ts (independent of the encoder):
// the inbound stream split at every offset, every fixture truncated at every length.

import { describe, expect, it } from 'vitest';
import { CAPS, frame, handshakeResponse, lenenc, lenencStr, u16, u32 } from '../../../test/support/wire.js';
import { ColumnType } from '../handler.js';
import { PacketDecoder, PacketTooLargeError } from './framing.js';
import { parseChangeUser, parseHandshakeResponse, parseStmtExecute, writeErr, writeOk, writeEof } from './messages.js';
import { MalformedPacketError } from './packet-reader.js';
import { PacketWriter } from './packet-writer.js';

const FIXTURES = {
  mysql2: handshakeResponse({ user: 'alice', auth: Buffer.alloc(20, 7), database: 'test', attrs: { _client_name: 'Node-MySQL-2', _client_version: '3.24.6' } }),
  mysqlnd: handshakeResponse({ user: 'php', auth: Buffer.alloc(20, 9), database: 'test', oneByteAuthLength: true }),
  admin: handshakeResponse({ user: 'root', auth: Buffer.alloc(0) }),
  connectorJ: handshakeResponse({ user: 'j', auth: Buffer.alloc(20, 1), database: 'db', attrs: { _client_name: 'MariaDB Connector/J', _thread: '1' } }),
};

describe('PacketDecoder', () => {
  const stream = Buffer.concat([frame(0, Buffer.from('\x03select 1')), frame(0, Buffer.from([0x0e])), frame(0, Buffer.alloc(0)), frame(3, Buffer.from('x'.repeat(300)))]);

  it('yields the same packets whatever the split', () => {
    const expected = new PacketDecoder(1 << 20).push(stream);
    expect(expected.map((p) => p.payload.length)).toEqual([9, 1, 0, 300]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new PacketDecoder(1 << 20);
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(got).toEqual(expected);
      expect(d.pendingBytes).toBe(0);
    }
  });

  it('yields the same packets when fed one byte at a time', () => {
    const d = new PacketDecoder(1 << 20);
    const got = [];
    for (let i = 0; i < stream.length; i++) got.push(...d.push(stream.subarray(i, i + 1)));
    expect(got.map((p) => p.payload.toString('latin1'))).toEqual(['\x03select 1', '\x0e', '', 'x'.repeat(300)]);
  });

  it('reassembles a payload of exactly 16 MiB - 1 followed by an empty packet, and longer ones', () => {
    const full = Buffer.alloc(0xffffff, 1);
    const s = Buffer.concat([frame(0, full), frame(1, Buffer.alloc(0)), frame(0, full), frame(1, Buffer.from('tail'))]);
    for (const cut of [1, 4, 5, 0xffffff, 0xffffff + 4, 0xffffff + 7, s.length - 2]) {
      const d = new PacketDecoder(64 << 20);
      const got = [...d.push(s.subarray(0, cut)), ...d.push(s.subarray(cut))];
      expect(got.map((p) => [p.payload.length, p.sequenceId, p.lastSequenceId])).toEqual([[0xffffff, 0, 1], [0xffffff + 4, 0, 1]]);
    }
  });

  it('refuses a payload over the limit from its header, before buffering it', () => {
    const d = new PacketDecoder(1000);
    expect(() => d.push(Buffer.from([0xe9, 0x03, 0x00, 0x00]))).toThrow(PacketTooLargeError);
  });
});

describe('HandshakeResponse41', () => {
  it('parses the lenenc, 1-byte (mysqlnd) and attribute forms', () => {
    expect(parseHandshakeResponse(FIXTURES.mysql2)).toMatchObject({
      user: 'alice', database: 'test', authPlugin: 'mysql_native_password', charset: 45,
      attributes: new Map([['_client_name', 'Node-MySQL-2'], ['_client_version', '3.24.6']]),
    });
    const php = parseHandshakeResponse(FIXTURES.mysqlnd);
    expect(php.authResponse).toEqual(Buffer.alloc(20, 9));
    expect(php.database).toBe('test');
    expect(parseHandshakeResponse(FIXTURES.admin)).toMatchObject({ user: 'root', database: null, authResponse: Buffer.alloc(0) });
  });

  it('never reads past the end: every truncation parses or throws MalformedPacketError', () => {
    for (const [name, fixture] of Object.entries(FIXTURES)) {
      for (let len = 0; len < fixture.length; len++) {
        try {
          parseHandshakeResponse(fixture.subarray(0, len));
        } catch (e) {
          expect(e, `${name} cut at ${len}`).toBeInstanceOf(MalformedPacketError);
        }
      }
    }
  });

  it('rejects pre-4.1 clients', () => {
    const old = Buffer.concat([u32(CAPS.LONG_PASSWORD), u32(0), Buffer.from([8]), Buffer.alloc(23), Buffer.from('u\0')]);
    expect(() => parseHandshakeResponse(old)).toThrow(MalformedPacketError);
  });
});

describe('COM_CHANGE_USER and COM_STMT_EXECUTE', () => {
  const caps = CAPS.PROTOCOL_41 | CAPS.SECURE_CONNECTION | CAPS.PLUGIN_AUTH;
  const changeUser = Buffer.concat([Buffer.from('bob\0'), Buffer.from([20]), Buffer.alloc(20, 3), Buffer.from('db2\0'), u16(45), Buffer.from('mysql_native_password\0')]);

  it('parses COM_CHANGE_USER and survives every truncation', () => {
    expect(parseChangeUser(changeUser, caps)).toMatchObject({ user: 'bob', database: 'db2', charset: 45, authPlugin: 'mysql_native_password' });
    for (let len = 0; len < changeUser.length; len++) {
      try {
        parseChangeUser(changeUser.subarray(0, len), caps);
      } catch (e) {
        expect(e).toBeInstanceOf(MalformedPacketError);
      }
    }
  });

  // stmt 1, no cursor, 1 iteration, 4 params: NULL, LONGLONG 2^40, VAR_STRING 'hé', DATETIME
  const exec = Buffer.concat([
    u32(1), Buffer.from([0]), u32(1),
    Buffer.from([0b0001]), Buffer.from([1]),
    Buffer.from([ColumnType.NULL, 0, ColumnType.LONGLONG, 0, ColumnType.VAR_STRING, 0, ColumnType.DATETIME, 0]),
    (() => { const b = Buffer.alloc(8); b.writeBigInt64LE(2n ** 40n); return b; })(),
    lenencStr('hé'),
    Buffer.from([7]), u16(2024), Buffer.from([2, 29, 13, 14, 15]),
  ]);

  it('decodes bound parameters by type', () => {
    const r = parseStmtExecute(exec, 4, null, new Map());
    expect(r.params).toEqual([null, 2 ** 40, 'hé', '2024-02-29 13:14:15']);
    const again = parseStmtExecute(Buffer.concat([u32(1), Buffer.from([0]), u32(1), Buffer.from([0b1111]), Buffer.from([0])]), 4, r.types, new Map());
    expect(again.params).toEqual([null, null, null, null]);
  });

  it('survives every truncation', () => {
    for (let len = 0; len < exec.length; len++) {
      try {
        parseStmtExecute(exec.subarray(0, len), 4, null, new Map());
      } catch (e) {
        expect(e).toBeInstanceOf(MalformedPacketError);
      }
    }
  });
});

describe('response encoders', () => {
  it('writes OK, ERR and EOF exactly as the protocol pages show', () => {
    const w = new PacketWriter(8);
    writeOk(w, { affectedRows: 300, insertId: 2 ** 24 + 1, status: 2, warnings: 1 });
    expect(w.toBuffer()).toEqual(Buffer.concat([Buffer.from([0]), lenenc(300), lenenc(2 ** 24 + 1), u16(2), u16(1)]));
    writeErr(w.reset(), 1064, '42000', 'bad');
    expect(w.toBuffer()).toEqual(Buffer.concat([Buffer.from([0xff]), u16(1064), Buffer.from('#42000bad')]));
    writeEof(w.reset(), 0x0a, 3);
    expect(w.toBuffer()).toEqual(Buffer.from([0xfe, 3, 0, 0x0a, 0]));
  });
});

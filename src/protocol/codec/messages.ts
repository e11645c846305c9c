// The pure codec: typed messages ⇄ packet payloads. No sockets, no state beyond arguments.
// Each function names the protocol page it implements.

import { Capability } from '../constants.js';
import { Charset, ColumnFlag, ColumnType, type Column, type ColumnTypeCode, type Value } from '../handler.js';
import { MalformedPacketError, PacketReader } from './packet-reader.js';
import type { PacketWriter } from './packet-writer.js';

// --- Connection phase -----------------------------------------------------------------------

export interface HandshakeV10 {
  serverVersion: string;
  connectionId: number;
  /** 20 bytes of scramble, no NUL bytes. */
  scramble: Buffer;
  capabilities: number;
  charset: number;
  status: number;
  authPlugin: string;
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html */
export function writeHandshakeV10(w: PacketWriter, h: HandshakeV10): void {
  w.u8(10)
    .nulString(h.serverVersion)
    .u32(h.connectionId)
    .bytes(h.scramble.subarray(0, 8))
    .u8(0)
    .u16(h.capabilities & 0xffff)
    .u8(h.charset)
    .u16(h.status)
    .u16((h.capabilities >>> 16) & 0xffff)
    .u8(h.scramble.length + 1)
    .zeros(10)
    .bytes(h.scramble.subarray(8))
    .u8(0)
    .nulString(h.authPlugin);
}

export interface HandshakeResponse {
  capabilities: number;
  maxPacketSize: number;
  charset: number;
  user: string;
  authResponse: Buffer;
  database: string | null;
  authPlugin: string | null;
  attributes: Map<string, string>;
}

/** An SSLRequest is the first 32 bytes of a HandshakeResponse41 with CLIENT_SSL set. */
export function isSslRequest(payload: Buffer): boolean {
  return payload.length === 32 && (payload.readUInt32LE(0) & Capability.CLIENT_SSL) !== 0;
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_response.html */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const r = new PacketReader(payload);
  const capabilities = r.u32();
  if ((capabilities & Capability.CLIENT_PROTOCOL_41) === 0) {
    throw new MalformedPacketError('client does not support protocol 4.1');
  }
  const maxPacketSize = r.u32();
  const charset = r.u8();
  r.skip(23);
  const user = r.nulStringOrRest();
  let authResponse: Buffer = Buffer.alloc(0);
  if (!r.atEnd()) {
    if (capabilities & Capability.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) authResponse = r.lenencBytes();
    else if (capabilities & Capability.CLIENT_SECURE_CONNECTION) authResponse = r.bytes(r.u8()); // mysqlnd's 1-byte form
    else authResponse = r.nulBytes();
  }
  let database: string | null = null;
  if (capabilities & Capability.CLIENT_CONNECT_WITH_DB && !r.atEnd()) {
    database = r.nulStringOrRest();
    if (database === '') database = null;
  }
  let authPlugin: string | null = null;
  if (capabilities & Capability.CLIENT_PLUGIN_AUTH && !r.atEnd()) authPlugin = r.nulStringOrRest();
  const attributes = new Map<string, string>();
  if (capabilities & Capability.CLIENT_CONNECT_ATTRS && !r.atEnd()) {
    const attrs = new PacketReader(r.lenencBytes());
    while (!attrs.atEnd()) attributes.set(attrs.lenencString(), attrs.lenencString());
  }
  return { capabilities, maxPacketSize, charset, user, authResponse, database, authPlugin, attributes };
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_request.html */
export function writeAuthSwitchRequest(w: PacketWriter, plugin: string, data: Buffer): void {
  w.u8(0xfe).nulString(plugin).bytes(data).u8(0);
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_more_data.html */
export function writeAuthMoreData(w: PacketWriter, data: Buffer): void {
  w.u8(0x01).bytes(data);
}

export interface ChangeUser {
  user: string;
  authResponse: Buffer;
  database: string | null;
  charset: number | null;
  authPlugin: string | null;
  attributes: Map<string, string>;
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_change_user.html (payload after the command byte). */
export function parseChangeUser(body: Buffer, capabilities: number): ChangeUser {
  const r = new PacketReader(body);
  const user = r.nulStringOrRest();
  let authResponse: Buffer = Buffer.alloc(0);
  if (!r.atEnd()) {
    authResponse = capabilities & Capability.CLIENT_SECURE_CONNECTION ? r.bytes(r.u8()) : r.nulBytes();
  }
  let database: string | null = r.atEnd() ? null : r.nulStringOrRest();
  if (database === '') database = null;
  let charset: number | null = null;
  if (r.remaining >= 2) charset = r.u16();
  let authPlugin: string | null = null;
  if (capabilities & Capability.CLIENT_PLUGIN_AUTH && !r.atEnd()) authPlugin = r.nulStringOrRest();
  const attributes = new Map<string, string>();
  if (capabilities & Capability.CLIENT_CONNECT_ATTRS && !r.atEnd()) {
    const attrs = new PacketReader(r.lenencBytes());
    while (!attrs.atEnd()) attributes.set(attrs.lenencString(), attrs.lenencString());
  }
  return { user, authResponse, database, charset, authPlugin, attributes };
}

// --- Generic responses ----------------------------------------------------------------------

export interface OkPacket {
  affectedRows?: number | bigint;
  insertId?: number | bigint;
  status: number;
  warnings?: number;
  info?: string;
  /** 0xFE when the OK packet ends a result set under CLIENT_DEPRECATE_EOF. */
  header?: 0x00 | 0xfe;
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html */
export function writeOk(w: PacketWriter, ok: OkPacket): void {
  w.u8(ok.header ?? 0x00)
    .lenencInt(ok.affectedRows ?? 0)
    .lenencInt(ok.insertId ?? 0)
    .u16(ok.status)
    .u16(Math.min(ok.warnings ?? 0, 0xffff));
  if (ok.info) w.string(ok.info);
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html */
export function writeErr(w: PacketWriter, errno: number, sqlState: string, message: string): void {
  w.u8(0xff).u16(errno).u8(0x23 /* # */).string(sqlState.padEnd(5, '0').slice(0, 5)).string(message);
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_eof_packet.html */
export function writeEof(w: PacketWriter, status: number, warnings = 0): void {
  w.u8(0xfe).u16(Math.min(warnings, 0xffff)).u16(status);
}

// --- Result sets ----------------------------------------------------------------------------

const STRING_TYPES: ReadonlySet<number> = new Set([
  ColumnType.VARCHAR, ColumnType.VAR_STRING, ColumnType.STRING, ColumnType.ENUM, ColumnType.SET,
  ColumnType.TINY_BLOB, ColumnType.MEDIUM_BLOB, ColumnType.LONG_BLOB, ColumnType.BLOB, ColumnType.JSON,
]);

export function isStringType(t: ColumnTypeCode): boolean {
  return STRING_TYPES.has(t);
}

const DEFAULT_LENGTH: Partial<Record<ColumnTypeCode, number>> = {
  [ColumnType.TINY]: 4, [ColumnType.SHORT]: 6, [ColumnType.INT24]: 9, [ColumnType.LONG]: 11,
  [ColumnType.LONGLONG]: 21, [ColumnType.FLOAT]: 12, [ColumnType.DOUBLE]: 22, [ColumnType.NEWDECIMAL]: 67,
  [ColumnType.DECIMAL]: 67, [ColumnType.DATE]: 10, [ColumnType.TIME]: 10, [ColumnType.DATETIME]: 19,
  [ColumnType.TIMESTAMP]: 19, [ColumnType.YEAR]: 4, [ColumnType.NULL]: 0, [ColumnType.BIT]: 1,
  [ColumnType.JSON]: 4294967295, [ColumnType.BLOB]: 65535, [ColumnType.TINY_BLOB]: 255,
  [ColumnType.MEDIUM_BLOB]: 16777215, [ColumnType.LONG_BLOB]: 4294967295,
};

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html */
export function writeColumnDefinition(w: PacketWriter, c: Column, fieldListDefault?: string | null): void {
  const stringy = isStringType(c.type);
  const charset = c.charset ?? (stringy ? Charset.utf8mb4_general_ci : Charset.binary);
  let flags = c.flags ?? 0;
  if (charset === Charset.binary && !stringy) flags |= ColumnFlag.BINARY;
  w.lenencString('def')
    .lenencString(c.schema ?? '')
    .lenencString(c.table ?? '')
    .lenencString(c.orgTable ?? c.table ?? '')
    .lenencString(c.name)
    .lenencString(c.orgName ?? c.name)
    .u8(0x0c)
    .u16(charset)
    .u32(c.length ?? DEFAULT_LENGTH[c.type] ?? 1020)
    .u8(c.type)
    .u16(flags)
    .u8(c.decimals ?? (c.type === ColumnType.DOUBLE || c.type === ColumnType.FLOAT || stringy ? 0x1f : 0))
    .u16(0);
  if (fieldListDefault !== undefined) {
    if (fieldListDefault === null) w.u8(0xfb);
    else w.lenencString(fieldListDefault);
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Dates are rendered in UTC; targets should hand over DATETIME values as MySQL text instead. */
export function formatDate(d: Date, type: ColumnTypeCode): string {
  const date = `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  if (type === ColumnType.DATE) return date;
  const ms = d.getUTCMilliseconds();
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return ms ? `${date} ${time}.${String(ms).padStart(3, '0')}` : `${date} ${time}`;
}

export function valueToText(v: Exclude<Value, null | Buffer>, type: ColumnTypeCode): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isInteger(v) || Number.isFinite(v) ? String(v) : String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? '1' : '0';
    default:
      return formatDate(v, type);
  }
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_row.html */
export function writeTextRow(w: PacketWriter, row: readonly Value[], columns: readonly Column[]): void {
  for (let i = 0; i < columns.length; i++) {
    const v = row[i];
    if (v === null || v === undefined) w.u8(0xfb);
    else if (typeof v === 'string') w.lenencString(v);
    else if (Buffer.isBuffer(v)) w.lenencBytes(v);
    else w.lenencString(valueToText(v, columns[i]!.type));
  }
}

/** Parses 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' (or a Date) into binary-protocol date parts. */
function dateParts(v: Value): number[] | null {
  if (v instanceof Date) {
    return [v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate(), v.getUTCHours(), v.getUTCMinutes(), v.getUTCSeconds(), v.getUTCMilliseconds() * 1000];
  }
  const m = /^(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?)?/.exec(String(v));
  if (!m) return null;
  return [+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7] ? +m[7].padEnd(6, '0') : 0];
}

function writeBinaryDate(w: PacketWriter, v: Value, type: ColumnTypeCode): void {
  const p = dateParts(v);
  if (!p) {
    w.u8(0);
    return;
  }
  const [y, mo, d, h, mi, s, us] = p as [number, number, number, number, number, number, number];
  if (type === ColumnType.DATE || (h === 0 && mi === 0 && s === 0 && us === 0)) {
    if (y === 0 && mo === 0 && d === 0) w.u8(0);
    else w.u8(4).u16(y).u8(mo).u8(d);
  } else if (us === 0) {
    w.u8(7).u16(y).u8(mo).u8(d).u8(h).u8(mi).u8(s);
  } else {
    w.u8(11).u16(y).u8(mo).u8(d).u8(h).u8(mi).u8(s).u32(us);
  }
}

function writeBinaryTime(w: PacketWriter, v: Value): void {
  const m = /^(-)?(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$/.exec(String(v));
  if (!m) {
    w.u8(0);
    return;
  }
  const hours = +m[2]!;
  const us = m[5] ? +m[5].padEnd(6, '0') : 0;
  const days = Math.floor(hours / 24);
  w.u8(us ? 12 : 8).u8(m[1] ? 1 : 0).u32(days).u8(hours % 24).u8(+m[3]!).u8(+m[4]!);
  if (us) w.u32(us);
}

function toBigInt(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  try {
    return BigInt(String(v).trim().split('.')[0] || '0');
  } catch {
    return 0n;
  }
}

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html#sect_protocol_binary_resultset_row */
export function writeBinaryRow(w: PacketWriter, row: readonly Value[], columns: readonly Column[]): void {
  const n = columns.length;
  w.u8(0x00);
  const bitmapLen = (n + 7 + 2) >> 3;
  const bitmap = new Uint8Array(bitmapLen);
  for (let i = 0; i < n; i++) {
    const v = row[i];
    if (v === null || v === undefined) bitmap[(i + 2) >> 3]! |= 1 << ((i + 2) & 7);
  }
  w.bytes(bitmap);
  for (let i = 0; i < n; i++) {
    const v = row[i];
    if (v === null || v === undefined) continue;
    const col = columns[i]!;
    const unsigned = ((col.flags ?? 0) & ColumnFlag.UNSIGNED) !== 0;
    switch (col.type) {
      case ColumnType.TINY:
        w.u8(Number(toBigInt(v)) & 0xff);
        break;
      case ColumnType.SHORT:
      case ColumnType.YEAR:
        w.u16(Number(toBigInt(v)) & 0xffff);
        break;
      case ColumnType.LONG:
      case ColumnType.INT24:
        w.u32(Number(BigInt.asUintN(32, toBigInt(v))));
        break;
      case ColumnType.LONGLONG:
        if (unsigned) w.u64(BigInt.asUintN(64, toBigInt(v)));
        else w.i64(BigInt.asIntN(64, toBigInt(v)));
        break;
      case ColumnType.FLOAT:
        w.f32(Number(v));
        break;
      case ColumnType.DOUBLE:
        w.f64(Number(v));
        break;
      case ColumnType.DATE:
      case ColumnType.DATETIME:
      case ColumnType.TIMESTAMP:
        writeBinaryDate(w, v, col.type);
        break;
      case ColumnType.TIME:
        writeBinaryTime(w, v);
        break;
      default:
        if (Buffer.isBuffer(v)) w.lenencBytes(v);
        else w.lenencString(valueToText(v, col.type));
    }
  }
}

// --- Prepared statements --------------------------------------------------------------------

/** https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html#sect_protocol_com_stmt_prepare_response */
export function writePrepareOk(w: PacketWriter, statementId: number, columnCount: number, paramCount: number, warnings: number): void {
  w.u8(0x00).u32(statementId).u16(columnCount).u16(paramCount).u8(0).u16(warnings);
}

export interface ParamType {
  type: number;
  unsigned: boolean;
}

export interface StmtExecute {
  statementId: number;
  flags: number;
  /** Parameter types: from this packet when it bound new ones, else as given by the caller. */
  types: ParamType[];
  params: Value[];
}

/** Reads the statement id only; the rest needs the statement's parameter count. */
export function peekStatementId(body: Buffer): number {
  return new PacketReader(body).u32();
}

/**
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute.html
 * `body` is the payload after the command byte. Parameters that were sent with
 * COM_STMT_SEND_LONG_DATA are taken from `longData` (and are not in the packet).
 */
export function parseStmtExecute(
  body: Buffer,
  paramCount: number,
  previousTypes: ParamType[] | null,
  longData: ReadonlyMap<number, Buffer[]>,
): StmtExecute {
  const r = new PacketReader(body);
  const statementId = r.u32();
  const flags = r.u8();
  r.u32(); // iteration count, always 1
  const params: Value[] = [];
  let types = previousTypes ?? [];
  if (paramCount > 0) {
    const nullBitmap = r.bytes((paramCount + 7) >> 3);
    const newParamsBound = r.u8();
    if (newParamsBound === 1) {
      types = [];
      for (let i = 0; i < paramCount; i++) {
        const type = r.u8();
        const flag = r.u8();
        types.push({ type, unsigned: (flag & 0x80) !== 0 });
      }
    } else if (!previousTypes) {
      throw new MalformedPacketError('COM_STMT_EXECUTE without parameter types for a statement never executed');
    }
    for (let i = 0; i < paramCount; i++) {
      const long = longData.get(i);
      if (long) {
        params.push(Buffer.concat(long));
        continue;
      }
      if (nullBitmap[i >> 3]! & (1 << (i & 7))) {
        params.push(null);
        continue;
      }
      params.push(readBinaryValue(r, types[i] ?? { type: ColumnType.VAR_STRING, unsigned: false }));
    }
  }
  return { statementId, flags, types, params };
}

function readBinaryValue(r: PacketReader, t: ParamType): Value {
  switch (t.type) {
    case ColumnType.NULL:
      return null;
    case ColumnType.TINY:
      return t.unsigned ? r.u8() : r.i8();
    case ColumnType.SHORT:
    case ColumnType.YEAR:
      return t.unsigned ? r.u16() : r.i16();
    case ColumnType.LONG:
    case ColumnType.INT24:
      return t.unsigned ? r.u32() : r.i32();
    case ColumnType.LONGLONG: {
      const v = t.unsigned ? r.u64() : r.i64();
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case ColumnType.FLOAT:
      return r.f32();
    case ColumnType.DOUBLE:
      return r.f64();
    case ColumnType.DATE:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP: {
      const len = r.u8();
      let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, us = 0;
      if (len >= 4) {
        y = r.u16();
        mo = r.u8();
        d = r.u8();
      }
      if (len >= 7) {
        h = r.u8();
        mi = r.u8();
        s = r.u8();
      }
      if (len >= 11) us = r.u32();
      if (len > 11) r.skip(len - 11); // MySQL 8.0.27+ may append a time-zone offset
      const date = `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}`;
      if (t.type === ColumnType.DATE) return date;
      const time = `${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
      return us ? `${date} ${time}.${String(us).padStart(6, '0')}` : `${date} ${time}`;
    }
    case ColumnType.TIME: {
      const len = r.u8();
      if (len === 0) return '00:00:00';
      const neg = r.u8();
      const days = r.u32();
      const h = r.u8() + days * 24;
      const mi = r.u8();
      const s = r.u8();
      const us = len >= 12 ? r.u32() : 0;
      const base = `${neg ? '-' : ''}${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
      return us ? `${base}.${String(us).padStart(6, '0')}` : base;
    }
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
    case ColumnType.BLOB:
    case ColumnType.GEOMETRY:
      return Buffer.from(r.lenencBytes());
    default:
      return r.lenencString();
  }
}

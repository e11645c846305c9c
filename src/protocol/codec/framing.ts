// Packet framing: 3-byte little-endian payload length + 1-byte sequence id, and payloads of 16 MiB
// and more split into 0xFFFFFF-byte pieces ending with a shorter (possibly empty) one
// (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html).

import { MAX_PACKET_PAYLOAD } from '../constants.js';

export interface Packet {
  /** Sequence id of the first physical packet of this payload. */
  sequenceId: number;
  /** Sequence id of the last physical packet (differs when the payload was split). */
  lastSequenceId: number;
  payload: Buffer;
}

export class PacketTooLargeError extends Error {
  constructor(
    readonly limit: number,
    /** Sequence id of the offending packet, so the ERR can answer it in order. */
    readonly sequenceId: number,
  ) {
    super(`Got a packet bigger than 'max_allowed_packet' bytes`);
    this.name = 'PacketTooLargeError';
  }
}

/**
 * Turns a byte stream cut at arbitrary offsets into whole logical packets. `maxPayload` is
 * checked on the header, before the payload is buffered, so an oversized packet costs nothing.
 */
export class PacketDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private parts: Buffer[] = [];
  private partsLength = 0;
  private firstSeq = -1;

  constructor(public maxPayload: number) {}

  /** Feeds bytes; returns every logical packet completed by them, in order. */
  push(chunk: Buffer): Packet[] {
    const out: Packet[] = [];
    if (this.buffered === 0) {
      this.drain(chunk, out);
    } else {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      const all = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
      this.drain(all, out);
    }
    return out;
  }

  /** Bytes received but not yet part of a complete packet (after an SSLRequest these must be 0). */
  get pendingBytes(): number {
    return this.buffered + this.partsLength;
  }

  private drain(buf: Buffer, out: Packet[]): void {
    let pos = 0;
    while (buf.length - pos >= 4) {
      const len = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16);
      const seq = buf[pos + 3]!;
      if (this.partsLength + len > this.maxPayload) throw new PacketTooLargeError(this.maxPayload, seq);
      if (buf.length - pos - 4 < len) break;
      const payload = buf.subarray(pos + 4, pos + 4 + len);
      pos += 4 + len;
      if (len === MAX_PACKET_PAYLOAD) {
        if (this.firstSeq < 0) this.firstSeq = seq;
        this.parts.push(payload);
        this.partsLength += len;
        continue;
      }
      if (this.parts.length > 0) {
        this.parts.push(payload);
        out.push({ sequenceId: this.firstSeq, lastSequenceId: seq, payload: Buffer.concat(this.parts, this.partsLength + len) });
        this.parts = [];
        this.partsLength = 0;
        this.firstSeq = -1;
      } else {
        out.push({ sequenceId: seq, lastSequenceId: seq, payload });
      }
    }
    if (pos < buf.length) {
      const rest = buf.subarray(pos);
      this.chunks.push(rest);
      this.buffered = rest.length;
    }
  }
}

/**
 * Frames one payload into physical packets starting at `sequenceId`; returns the buffers and
 * the next sequence id.
 */
export function framePayload(payload: Buffer, sequenceId: number): { frames: Buffer[]; nextSequenceId: number } {
  const frames: Buffer[] = [];
  let seq = sequenceId & 0xff;
  let pos = 0;
  for (;;) {
    const len = Math.min(MAX_PACKET_PAYLOAD, payload.length - pos);
    const header = Buffer.allocUnsafe(4);
    header[0] = len & 0xff;
    header[1] = (len >> 8) & 0xff;
    header[2] = (len >> 16) & 0xff;
    header[3] = seq;
    frames.push(header, payload.subarray(pos, pos + len));
    seq = (seq + 1) & 0xff;
    pos += len;
    if (len < MAX_PACKET_PAYLOAD) break;
  }
  return { frames, nextSequenceId: seq };
}

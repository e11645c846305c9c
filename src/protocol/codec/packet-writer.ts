// Builds one packet payload. Grows a single buffer geometrically so a result row costs one
// allocation at most, usually none (the writer is reused per connection).

export class PacketWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v & 0xffff, this.pos);
    this.pos += 2;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf.writeUIntLE(v & 0xffffff, this.pos, 3);
    this.pos += 3;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  i8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  i16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
    return this;
  }

  u64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
    return this;
  }

  f32(v: number): this {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** Length-encoded integer (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_integers.html). */
  lenencInt(v: number | bigint): this {
    if (typeof v === 'bigint') {
      if (v < 0n) v = BigInt.asUintN(64, v);
      if (v >= 0x1000000n) {
        this.u8(0xfe);
        return this.u64(v);
      }
      v = Number(v);
    }
    if (v < 0xfb) return this.u8(v);
    if (v < 0x10000) return this.u8(0xfc).u16(v);
    if (v < 0x1000000) return this.u8(0xfd).u24(v);
    return this.u8(0xfe).u64(BigInt(v));
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Writes a JS string as UTF-8 without an intermediate Buffer. */
  string(s: string): this {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  nulString(s: string): this {
    return this.string(s).u8(0);
  }

  lenencString(s: string): this {
    // Short ASCII-ish strings dominate result sets; write in place and backpatch the length.
    if (s.length < 84) {
      this.ensure(1 + s.length * 3);
      const start = this.pos;
      const n = this.buf.write(s, start + 1, 'utf8');
      if (n < 0xfb) {
        this.buf[start] = n;
        this.pos = start + 1 + n;
        return this;
      }
    }
    return this.lenencBytes(Buffer.from(s, 'utf8'));
  }

  lenencBytes(b: Uint8Array): this {
    return this.lenencInt(b.length).bytes(b);
  }

  zeros(n: number): this {
    this.ensure(n);
    // Mostly a 4-byte packet header: a loop beats fill()'s call into C++.
    if (n <= 16) for (let i = 0; i < n; i++) this.buf[this.pos + i] = 0;
    else this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Overwrites a 4-byte packet header at `at` (the payload length and sequence id). */
  patchHeader(at: number, length: number, sequenceId: number): void {
    this.buf[at] = length & 0xff;
    this.buf[at + 1] = (length >> 8) & 0xff;
    this.buf[at + 2] = (length >> 16) & 0xff;
    this.buf[at + 3] = sequenceId & 0xff;
  }

  truncate(length: number): void {
    this.pos = Math.min(this.pos, length);
  }

  /** A copy of the payload built so far (the writer's buffer is reused). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** A view of the payload; valid only until the next write or reset. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

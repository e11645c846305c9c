// A cursor over one packet payload. Every read checks the remaining length and throws
// MalformedPacketError instead of reading past the end (STYLE §5): a truncated packet from a
// broken client must never turn into garbage values or an out-of-range read.

export class MalformedPacketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPacketError';
  }
}

export class PacketReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new MalformedPacketError(`packet too short reading ${what}: need ${n} bytes at ${this.pos}, have ${this.buf.length - this.pos}`);
    }
  }

  u8(): number {
    this.need(1, 'int<1>');
    return this.buf[this.pos++]!;
  }

  peekU8(): number | undefined {
    return this.buf[this.pos];
  }

  u16(): number {
    this.need(2, 'int<2>');
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3, 'int<3>');
    const v = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4, 'int<4>');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i8(): number {
    this.need(1, 'int<1>');
    return this.buf.readInt8(this.pos++);
  }

  i16(): number {
    this.need(2, 'int<2>');
    const v = this.buf.readInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4, 'int<4>');
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i64(): bigint {
    this.need(8, 'int<8>');
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  u64(): bigint {
    this.need(8, 'int<8>');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  f32(): number {
    this.need(4, 'float');
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Length-encoded integer; null for the 0xFB NULL marker. */
  lenencIntOrNull(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) {
      const v = this.u64();
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedPacketError('length-encoded integer too large');
      return Number(v);
    }
    throw new MalformedPacketError('0xFF is not a length-encoded integer');
  }

  lenencInt(): number {
    const v = this.lenencIntOrNull();
    if (v === null) throw new MalformedPacketError('unexpected NULL length-encoded integer');
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n, `string<${n}>`);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  lenencBytes(): Buffer {
    return this.bytes(this.lenencInt());
  }

  lenencString(): string {
    return this.lenencBytes().toString('utf8');
  }

  /** string<NUL>: up to a NUL byte, which must be present. */
  nulBytes(): Buffer {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new MalformedPacketError('missing NUL terminator');
    const v = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return v;
  }

  nulString(): string {
    return this.nulBytes().toString('utf8');
  }

  /** string<NUL> whose terminator some clients omit at the very end of a packet. */
  nulStringOrRest(): string {
    const end = this.buf.indexOf(0, this.pos);
    const stop = end < 0 ? this.buf.length : end;
    const v = this.buf.toString('utf8', this.pos, stop);
    this.pos = end < 0 ? stop : end + 1;
    return v;
  }

  restBytes(): Buffer {
    const v = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return v;
  }

  restString(): string {
    return this.restBytes().toString('utf8');
  }

  skip(n: number): void {
    this.need(n, `${n} skipped bytes`);
    this.pos += n;
  }
}

// An independent packet builder and a raw protocol client for tests. Written from the protocol
// documentation with plain Buffer operations, deliberately sharing no code with src/protocol, so
// fixtures do not inherit the encoder's mistakes (STYLE §6).
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
export function u16(n) {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n);
    return b;
}
export function u32(n) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return b;
}
export function lenenc(n) {
    if (n < 251)
        return Buffer.from([n]);
    if (n < 65536)
        return Buffer.concat([Buffer.from([0xfc]), u16(n)]);
    if (n < 16777216)
        return Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
    const b = Buffer.alloc(9);
    b[0] = 0xfe;
    b.writeBigUInt64LE(BigInt(n), 1);
    return b;
}
export function lenencStr(s) {
    const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8');
    return Buffer.concat([lenenc(b.length), b]);
}
export function nul(s) {
    return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}
export function frame(seq, payload) {
    const h = Buffer.alloc(4);
    h.writeUIntLE(payload.length, 0, 3);
    h[3] = seq;
    return Buffer.concat([h, payload]);
}
export const CAPS = {
    LONG_PASSWORD: 1, FOUND_ROWS: 2, CONNECT_WITH_DB: 8, PROTOCOL_41: 512, SSL: 2048, SECURE_CONNECTION: 32768,
    MULTI_STATEMENTS: 1 << 16, MULTI_RESULTS: 1 << 17, PLUGIN_AUTH: 1 << 19, CONNECT_ATTRS: 1 << 20,
    PLUGIN_AUTH_LENENC: 1 << 21, DEPRECATE_EOF: 1 << 24,
};
export function nativeScramble(password, nonce) {
    if (!password)
        return Buffer.alloc(0);
    const sha1 = (...b) => b.reduce((h, x) => h.update(x), createHash('sha1')).digest();
    const s1 = sha1(Buffer.from(password));
    const s3 = sha1(nonce, sha1(s1));
    return Buffer.from(s1.map((v, i) => v ^ s3[i]));
}
/** HandshakeResponse41 payload. */
export function handshakeResponse(o) {
    let caps = o.caps ?? (CAPS.PROTOCOL_41 | CAPS.SECURE_CONNECTION | CAPS.PLUGIN_AUTH | CAPS.LONG_PASSWORD | CAPS.MULTI_RESULTS);
    if (o.database !== undefined)
        caps |= CAPS.CONNECT_WITH_DB;
    if (o.attrs)
        caps |= CAPS.CONNECT_ATTRS;
    if (!o.oneByteAuthLength)
        caps |= CAPS.PLUGIN_AUTH_LENENC;
    const auth = o.auth ?? Buffer.alloc(0);
    const parts = [u32(caps), u32(16777215), Buffer.from([45]), Buffer.alloc(23), nul(o.user ?? 'root')];
    parts.push(o.oneByteAuthLength ? Buffer.concat([Buffer.from([auth.length]), auth]) : lenencStr(auth));
    if (o.database !== undefined)
        parts.push(nul(o.database));
    parts.push(nul(o.plugin ?? 'mysql_native_password'));
    if (o.attrs) {
        const body = Buffer.concat(Object.entries(o.attrs).flatMap(([k, v]) => [lenencStr(k), lenencStr(v)]));
        parts.push(lenencStr(body));
    }
    return Buffer.concat(parts);
}
export function parseGreeting(p) {
    let pos = 1;
    const vEnd = p.indexOf(0, pos);
    const version = p.toString('utf8', pos, vEnd);
    pos = vEnd + 1;
    const connectionId = p.readUInt32LE(pos);
    pos += 4;
    const s1 = p.subarray(pos, pos + 8);
    pos += 9;
    const capsLow = p.readUInt16LE(pos);
    pos += 2 + 1 + 2;
    const capsHigh = p.readUInt16LE(pos);
    pos += 2;
    const authLen = p[pos];
    pos += 1 + 10;
    const s2len = Math.max(13, authLen - 8);
    const s2 = p.subarray(pos, pos + s2len - 1);
    pos += s2len;
    const pEnd = p.indexOf(0, pos);
    return { version, connectionId, scramble: Buffer.concat([s1, s2]), caps: capsLow | (capsHigh << 16), plugin: p.toString('utf8', pos, pEnd) };
}
/** A client that speaks packets, not SQL: for pipelining, malformed input and odd sequences. */
export class RawClient {
    socket;
    buf = Buffer.alloc(0);
    packets = [];
    waiters = [];
    closed = false;
    greeting;
    constructor(socket) {
        this.socket = socket;
        socket.on('data', (d) => {
            this.buf = Buffer.concat([this.buf, d]);
            while (this.buf.length >= 4) {
                const len = this.buf.readUIntLE(0, 3);
                if (this.buf.length < 4 + len)
                    break;
                this.packets.push({ seq: this.buf[3], payload: this.buf.subarray(4, 4 + len) });
                this.buf = this.buf.subarray(4 + len);
            }
            this.wake();
        });
        socket.on('close', () => {
            this.closed = true;
            this.wake();
        });
        socket.on('error', () => undefined);
    }
    wake() {
        for (const w of this.waiters.splice(0))
            w();
    }
    static async open(port) {
        const socket = connect({ host: '127.0.0.1', port });
        await new Promise((resolve, reject) => {
            socket.once('connect', resolve);
            socket.once('error', reject);
        });
        const c = new RawClient(socket);
        c.greeting = parseGreeting((await c.read()).payload);
        return c;
    }
    /** Opens and logs in with mysql_native_password. */
    static async login(port, o = {}) {
        const c = await RawClient.open(port);
        c.write(frame(1, handshakeResponse({ ...o, auth: nativeScramble(o.password ?? '', c.greeting.scramble) })));
        const ok = await c.read();
        if (ok.payload[0] !== 0x00)
            throw new Error(`login failed: ${ok.payload.toString('utf8', 9)}`);
        return c;
    }
    write(b) {
        this.socket.write(b);
    }
    /** Sends one command (sequence id 0). */
    command(cmd, body = Buffer.alloc(0)) {
        this.write(frame(0, Buffer.concat([Buffer.from([cmd]), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')])));
    }
    async read(timeoutMs = 5000) {
        const deadline = Date.now() + timeoutMs;
        while (this.packets.length === 0) {
            if (this.closed)
                throw new Error('connection closed');
            if (Date.now() > deadline)
                throw new Error('timed out waiting for a packet');
            await new Promise((resolve) => {
                this.waiters.push(resolve);
                setTimeout(resolve, 50);
            });
        }
        return this.packets.shift();
    }
    /** Reads a whole text result (or OK/ERR) under the EOF framing; returns rows as strings. */
    async readResult() {
        const first = await this.read();
        const p = first.payload;
        if (p[0] === 0x00) {
            return { kind: 'ok', rows: [], status: 0 };
        }
        if (p[0] === 0xff)
            return { kind: 'err', rows: [], error: parseErr(p), status: 0 };
        const count = p[0];
        for (let i = 0; i < count; i++)
            await this.read();
        await this.read(); // EOF after columns
        const rows = [];
        for (;;) {
            const r = (await this.read()).payload;
            if (r[0] === 0xfe && r.length < 9)
                return { kind: 'rows', rows, status: r.readUInt16LE(3) };
            if (r[0] === 0xff)
                return { kind: 'err', rows, error: parseErr(r), status: 0 };
            const row = [];
            let pos = 0;
            for (let i = 0; i < count; i++) {
                if (r[pos] === 0xfb) {
                    row.push(null);
                    pos++;
                    continue;
                }
                const len = r[pos];
                row.push(r.toString('utf8', pos + 1, pos + 1 + len));
                pos += 1 + len;
            }
            rows.push(row);
        }
    }
    close() {
        this.socket.destroy();
    }
}
export function parseErr(p) {
    return { errno: p.readUInt16LE(1), sqlState: p.toString('utf8', 4, 9), message: p.toString('utf8', 9) };
}
/** The `name` field of a ColumnDefinition41 payload (catalog, schema, table, org_table, name, ...). */
export function columnName(p) {
    let pos = 0;
    for (let i = 0; i < 4; i++)
        pos += 1 + p[pos];
    return p.toString('utf8', pos + 1, pos + 1 + p[pos]);
}
//# sourceMappingURL=wire.js.map
import { randomBytes } from 'node:crypto';

/**
 * 20 bytes of nonce, each in 1..127 and never '$' (as MySQL's generate_user_salt): some clients
 * treat the scramble as a C string, so a NUL would truncate it.
 */
export function newScramble(): Buffer {
  const b = randomBytes(20);
  for (let i = 0; i < b.length; i++) {
    let v = b[i]! & 0x7f;
    if (v === 0 || v === 0x24) v += 1;
    b[i] = v;
  }
  return b;
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i % b.length]!;
  return out;
}

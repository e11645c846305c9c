// mysql_native_password
// (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods_native_password_authentication.html):
// the client sends SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). Storing only
// SHA1(SHA1(password)) lets the server check it without ever holding the password.

import { createHash, timingSafeEqual } from 'node:crypto';
import { xor } from './scramble.js';

function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHA1(SHA1(password)), the stored form (MySQL shows it as '*' + hex in mysql.user). */
export function nativePasswordHash(password: string): Buffer {
  return sha1(sha1(Buffer.from(password, 'utf8')));
}

/** The client side of the exchange; used by tests and benchmarks. */
export function nativePasswordScramble(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  return xor(stage1, sha1(scramble.subarray(0, 20), sha1(stage1)));
}

export function verifyNativePassword(storedHash: Buffer, scramble: Buffer, response: Buffer): boolean {
  if (response.length !== 20 || storedHash.length !== 20) return false;
  const stage1 = xor(response, sha1(scramble.subarray(0, 20), storedHash));
  return timingSafeEqual(sha1(stage1), storedHash);
}

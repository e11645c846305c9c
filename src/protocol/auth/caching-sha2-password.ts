// caching_sha2_password
// (https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html).
// Fast path: the client sends SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble); holding
// SHA256(SHA256(pw)) is enough to check it, so the server answers fast_auth_success (0x01 0x03).
// Full authentication (0x01 0x04) is needed only when no such hash is known for the user (for
// example a user configured with a mysql_native_password hash only): the client then sends the
// password in clear over TLS, or RSA-OAEP-encrypted with the server's public key (requested
// with 0x02), and the hash is cached for later fast-path logins.

import { constants, createHash, generateKeyPairSync, privateDecrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { xor } from './scramble.js';

export const FAST_AUTH_SUCCESS = Buffer.from([0x03]);
export const PERFORM_FULL_AUTHENTICATION = Buffer.from([0x04]);
export const REQUEST_PUBLIC_KEY = 0x02;

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHA256(SHA256(password)): the form that allows fast-path verification. */
export function sha2PasswordHash(password: string): Buffer {
  return sha256(sha256(Buffer.from(password, 'utf8')));
}

/** The client side of the fast path; used by tests and benchmarks. */
export function sha2PasswordScramble(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha256(Buffer.from(password, 'utf8'));
  return xor(stage1, sha256(sha256(stage1), scramble.subarray(0, 20)));
}

export function verifySha2Scramble(storedHash: Buffer, scramble: Buffer, response: Buffer): boolean {
  if (response.length !== 32 || storedHash.length !== 32) return false;
  const stage1 = xor(response, sha256(storedHash, scramble.subarray(0, 20)));
  return timingSafeEqual(sha256(stage1), storedHash);
}

/** The password sent in full authentication ends with a NUL; strip it. */
export function clearPasswordFromFullAuth(data: Buffer): string {
  const end = data.indexOf(0);
  return data.subarray(0, end < 0 ? data.length : end).toString('utf8');
}

/** The server's RSA key pair for full authentication without TLS; generated once, on first need. */
export class RsaKeyPair {
  private keys: { publicPem: string; privateKey: KeyObject } | null = null;

  private get(): { publicPem: string; privateKey: KeyObject } {
    if (!this.keys) {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      this.keys = { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
    }
    return this.keys;
  }

  publicKeyPem(): string {
    return this.get().publicPem;
  }

  /** Decrypts (password + NUL) XOR scramble, sent RSA-OAEP encrypted; null if it is not valid. */
  decryptPassword(encrypted: Buffer, scramble: Buffer): string | null {
    try {
      const plain = privateDecrypt({ key: this.get().privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, encrypted);
      return clearPasswordFromFullAuth(xor(plain, scramble.subarray(0, 20)));
    } catch {
      return null;
    }
  }
}

// Users from configuration, held only as password hashes (the plain password is hashed at load
// time and dropped), in the forms the two auth plugins can verify.

import { sha2PasswordHash } from '../protocol/auth/caching-sha2-password.js';
import { nativePasswordHash } from '../protocol/auth/native-password.js';
import type { UserCredentials } from '../protocol/handler.js';
import type { UserConfig } from '../config/config.js';

export interface User {
  name: string;
  admin: boolean;
  credentials: UserCredentials;
}

export class UserRegistry {
  private readonly users = new Map<string, User>();

  constructor(configs: readonly UserConfig[], defaultPlugin: UserCredentials['plugin']) {
    for (const u of configs) {
      const password = u.password;
      const credentials: UserCredentials = {
        plugin: u.plugin ?? defaultPlugin,
        emptyPassword: password === '',
        nativeHash: password !== undefined ? nativePasswordHash(password) : Buffer.from(u.nativeHash!.slice(1), 'hex'),
        sha2Hash: password !== undefined ? sha2PasswordHash(password) : undefined,
      };
      this.users.set(u.name, { name: u.name, admin: u.admin === true, credentials });
    }
  }

  get(name: string): User | undefined {
    return this.users.get(name);
  }

  names(): string[] {
    return [...this.users.keys()];
  }
}

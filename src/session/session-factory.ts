// The protocol's ServerHandler: looks users up and opens a LoadwireSession per connection.

import type { ConnectionInfo, ServerControl, ServerHandler, Session, UserCredentials } from '../protocol/handler.js';
import { SqlError } from '../protocol/sql-error.js';
import { LoadwireSession, type SessionServices } from './session.js';
import type { UserRegistry } from './users.js';

export class SessionFactory implements ServerHandler {
  constructor(
    private readonly users: UserRegistry,
    private readonly services: SessionServices,
  ) {}

  lookupUser(user: string): UserCredentials | undefined {
    return this.users.get(user)?.credentials;
  }

  async openSession(connection: ConnectionInfo, control: ServerControl): Promise<Session> {
    const user = this.users.get(connection.user);
    if (!user) throw new SqlError('ER_ACCESS_DENIED_ERROR', `Access denied for user '${connection.user}'@'${connection.host}'`);
    const session = new LoadwireSession({ ...connection, database: null }, user, control, this.services);
    if (connection.database !== null) await session.initDb(connection.database);
    return session;
  }
}

// Chooses the target from configuration: the embedded SQLite warehouse (default) or a
// MySQL-compatible server, checked reachable at start so a wrong URL fails fast and clearly.

import type { Config } from '../config/config.js';
import type { Logger } from '../config/logger.js';
import type { CatalogStatements } from '../session/catalog-statements.js';
import { join } from 'node:path';
import type { BulkWriter } from './bulk-writer.js';
import { EmbeddedBulkWriter } from './embedded/bulk-writer.js';
import { MySqlBulkWriter } from './mysql/bulk-writer.js';
import { MySqlTarget } from './mysql/mysql-target.js';
import type { Target } from './target.js';
import { SERVER_VERSION } from '../version.js';

export interface CreatedTarget {
  target: Target;
  /** Catalog statements answered by loadwire (embedded); null when the target answers them itself. */
  catalog: CatalogStatements | null;
  /** The bulk-load side of the same target, for the load pipeline. */
  writer: BulkWriter;
}

export async function createTarget(config: Config, logger: Logger): Promise<CreatedTarget> {
  if (config.target !== 'embedded') {
    const target = new MySqlTarget({ url: config.target });
    try {
      await target.ping();
    } catch (e) {
      await target.close();
      const safeUrl = config.target.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:******@');
      throw new Error(`cannot reach the target ${safeUrl}: ${(e as Error).message}`);
    }
    logger.info({ target: 'mysql' }, 'target reachable');
    return { target, catalog: null, writer: new MySqlBulkWriter({ url: config.target, ...(config.targetConnections !== undefined ? { connectionLimit: config.targetConnections } : {}) }) };
  }
  const { createEmbeddedTarget, WAREHOUSE_DIRECTORY } = await import('./embedded/create-embedded-target.js');
  const created = await createEmbeddedTarget(config, logger);
  return { ...created, writer: new EmbeddedBulkWriter({ directory: join(config.dataDir, WAREHOUSE_DIRECTORY), version: SERVER_VERSION }) };
}

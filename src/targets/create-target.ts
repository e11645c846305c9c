// Chooses the target from configuration: the embedded SQLite warehouse (default) or a
// MySQL-compatible server, checked reachable at start so a wrong URL fails fast and clearly.

import type { Config } from '../config/config.js';
import type { Logger } from '../config/logger.js';
import type { CatalogStatements } from '../session/catalog-statements.js';
import { MySqlTarget } from './mysql/mysql-target.js';
import type { Target } from './target.js';

export interface CreatedTarget {
  target: Target;
  /** Catalog statements answered by loadwire (embedded); null when the target answers them itself. */
  catalog: CatalogStatements | null;
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
    return { target, catalog: null };
  }
  const { createEmbeddedTarget } = await import('./embedded/create-embedded-target.js');
  return createEmbeddedTarget(config, logger);
}

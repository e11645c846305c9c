// The embedded target as configured: its warehouse lives in <dataDir>/warehouse. It answers
// SHOW/DESCRIBE itself (as a MySQL server would), so no separate catalog handler is returned and
// the session passes those statements through.

import { join } from 'node:path';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../config/logger.js';
import { SERVER_VERSION } from '../../version.js';
import type { CatalogStatements } from '../../session/catalog-statements.js';
import type { Target } from '../target.js';
import { EmbeddedTarget } from './embedded-target.js';

/** Where the embedded target keeps its database files, under the data directory. */
export const WAREHOUSE_DIRECTORY = 'warehouse';

export function createEmbeddedTarget(config: Config, logger: Logger): Promise<{ target: Target; catalog: CatalogStatements | null }> {
  const directory = join(config.dataDir, WAREHOUSE_DIRECTORY);
  const target = EmbeddedTarget.open({ directory, version: SERVER_VERSION });
  logger.info({ directory, databases: target.databaseNames().length }, 'embedded target opened');
  return Promise.resolve({ target, catalog: null });
}

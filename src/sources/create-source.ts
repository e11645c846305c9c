// From a location string (and Doris S3() properties) to a Source, under the daemon's settings.

import { isAbsolute, sep } from 'node:path';
import { parseLocation } from './location.js';
import { LocalSource } from './local-source.js';
import { S3Source, type S3Defaults } from './s3-source.js';
import type { Source, SourceMetrics } from './source.js';

export interface SourceConfig {
  /** The directory local paths must be under (default `<data dir>/import`). */
  readonly importDir: string;
  /** Daemon-wide S3 endpoint, region, keys and retry policy. */
  readonly s3?: S3Defaults;
  /**
   * Counts S3 retries and failures. Not plain data: the loader leaves it out of the settings it
   * posts to decode workers.
   */
  readonly metrics?: SourceMetrics;
}

/**
 * A relative local path is read relative to the import directory, as MySQL reads LOAD DATA INFILE
 * names relative to secure_file_priv; `..` is still refused by parseLocation.
 */
export function resolveLocalPath(uri: string, importDir: string): string {
  const trimmed = uri.trim();
  if (trimmed === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || isAbsolute(trimmed)) return uri;
  // Not path.join: it would fold `..` away before parseLocation can refuse it by name.
  return `${importDir.replace(/[\\/]+$/, '')}${sep}${trimmed}`;
}

export function createSource(uri: string, properties: Readonly<Record<string, string>>, config: SourceConfig): Source {
  const location = parseLocation(resolveLocalPath(uri, config.importDir), properties);
  switch (location.kind) {
    case 's3':
      return new S3Source({ location, ...(config.s3 ? { defaults: config.s3 } : {}), ...(config.metrics ? { metrics: config.metrics } : {}) });
    case 'local':
      return new LocalSource({ location, importDir: config.importDir });
    default: {
      const never: never = location;
      throw new Error(`unhandled location ${JSON.stringify(never)}`);
    }
  }
}

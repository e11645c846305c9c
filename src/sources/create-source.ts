// From a location string (and Doris S3() properties) to a Source, under the daemon's settings.

import { parseLocation } from './location.js';
import { LocalSource } from './local-source.js';
import { S3Source, type S3Defaults } from './s3-source.js';
import type { Source } from './source.js';

export interface SourceConfig {
  /** The directory local paths must be under (default `<data dir>/import`). */
  readonly importDir: string;
  /** Daemon-wide S3 endpoint, region, keys and retry policy. */
  readonly s3?: S3Defaults;
}

export function createSource(uri: string, properties: Readonly<Record<string, string>>, config: SourceConfig): Source {
  const location = parseLocation(uri, properties);
  switch (location.kind) {
    case 's3':
      return new S3Source({ location, ...(config.s3 ? { defaults: config.s3 } : {}) });
    case 'local':
      return new LocalSource({ location, importDir: config.importDir });
    default: {
      const never: never = location;
      throw new Error(`unhandled location ${JSON.stringify(never)}`);
    }
  }
}

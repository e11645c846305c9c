// S3 (AWS, MinIO, any S3-compatible store) through @aws-sdk/client-s3. Listing pages through
// ListObjectsV2 with StartAfter; reads stream GetObject bodies and, when a connection breaks
// mid-object, continue with a Range request from the last byte handed out, pinned to the ETag
// first seen (If-Match) so a replaced object is never stitched together from two versions.
// The SDK's own retries are off (maxAttempts 1): one policy, ours, covers requests and streams.

import { Readable } from 'node:stream';
import type { GetObjectCommandOutput, ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { literalPrefix, wildcardToRegExp, type S3Location, type S3Params } from './location.js';
import { DEFAULT_RETRY, backoffMs, sleep, type RetryPolicy } from './retry.js';
import { isTransient, toSourceError } from './s3-errors.js';
import { SourceError, abortError, readAll, type ListOptions, type ObjectInfo, type OpenOptions, type Source, type SourceMetrics } from './source.js';

/** Daemon-wide S3 settings, used for whatever a statement does not say. */
export interface S3Defaults extends S3Params {
  readonly retry?: RetryPolicy;
  /** Milliseconds to establish a connection. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds a socket may stay idle before the request counts as failed (and is retried). */
  readonly idleTimeoutMs?: number;
}

export interface S3SourceOptions {
  readonly location: S3Location;
  readonly defaults?: S3Defaults;
  /** Use this client instead of building one (tests, shared pools). */
  readonly client?: S3Client;
  readonly metrics?: SourceMetrics;
}

// The SDK is loaded on first use: it is large (~1 s to load here), and a worker or a daemon that
// only reads local files never needs it.
type Sdk = typeof import('@aws-sdk/client-s3');
let sdk: Promise<Sdk> | null = null;
function loadSdk(): Promise<Sdk> {
  sdk ??= import('@aws-sdk/client-s3');
  return sdk;
}

export async function s3ClientFor(params: S3Params, defaults: S3Defaults = {}): Promise<S3Client> {
  const { S3Client } = await loadSdk();
  const endpoint = params.endpoint ?? defaults.endpoint;
  const accessKey = params.accessKey ?? (params.endpoint ? undefined : defaults.accessKey);
  const secretKey = params.secretKey ?? (params.endpoint ? undefined : defaults.secretKey);
  const sessionToken = params.sessionToken ?? (params.accessKey ? undefined : defaults.sessionToken);
  return new S3Client({
    // S3-compatible stores accept any region name; AWS needs the bucket's.
    region: params.region ?? defaults.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: params.forcePathStyle ?? defaults.forcePathStyle ?? endpoint !== undefined,
    // Keys from the statement or the configuration; otherwise the AWS default credential chain.
    ...(accessKey && secretKey ? { credentials: { accessKeyId: accessKey, secretAccessKey: secretKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: defaults.connectTimeoutMs ?? 10_000,
      socketTimeout: defaults.idleTimeoutMs ?? 60_000,
    },
  });
}

export class S3Source implements Source {
  readonly kind = 's3' as const;
  readonly location: string;
  private readonly loc: S3Location;
  private client: S3Client | null;
  private clientPromise: Promise<S3Client> | null = null;
  private readonly ownsClient: boolean;
  private readonly defaults: S3Defaults | undefined;
  private closed = false;
  private readonly retry: RetryPolicy;
  private readonly metrics: SourceMetrics | undefined;

  constructor(opts: S3SourceOptions) {
    this.loc = opts.location;
    this.location = opts.location.display;
    this.client = opts.client ?? null;
    this.ownsClient = !opts.client;
    this.defaults = opts.defaults;
    this.retry = opts.defaults?.retry ?? DEFAULT_RETRY;
    this.metrics = opts.metrics;
  }

  /** After the `failures`-th failure in a row: the error to give up with, or null to retry; counted either way. */
  private giveUp(e: unknown, uri: string, failures: number): SourceError | null {
    if (!isTransient(e) || failures >= this.retry.attempts) {
      this.metrics?.sourceError('permanent');
      return toSourceError(e, uri, failures);
    }
    this.metrics?.sourceError('transient');
    return null;
  }

  private async s3(): Promise<{ client: S3Client; sdk: Sdk }> {
    const mod = await loadSdk();
    if (!this.client) {
      this.clientPromise ??= s3ClientFor(this.loc.params, this.defaults);
      this.client = await this.clientPromise;
      if (this.closed) this.client.destroy();
    }
    return { client: this.client, sdk: mod };
  }

  async warm(): Promise<void> {
    await this.s3();
  }

  private uriOf(key: string): string {
    return `s3://${this.loc.bucket}/${key}`;
  }

  /** Runs one request with retries for transient failures. */
  private async attempt<T>(what: string, uri: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      if (signal?.aborted) throw abortError(signal, what);
      try {
        return await fn();
      } catch (e) {
        if (signal?.aborted) throw abortError(signal, what);
        const fatal = this.giveUp(e, uri, n);
        if (fatal) throw fatal;
        await sleep(backoffMs(this.retry, n - 1), signal);
      }
    }
  }

  async *list(options: ListOptions = {}): AsyncGenerator<ObjectInfo> {
    const { bucket, dir, name, wildcard } = this.loc;
    const signal = options.signal;
    const after = options.startAfter;
    const { client, sdk: S3 } = await this.s3();
    if (!wildcard) {
      const key = dir + name;
      if (after !== undefined && key <= after) return;
      const uri = this.uriOf(key);
      const head = await this.attempt('HeadObject', uri, signal, () =>
        client.send(new S3.HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
      );
      yield { uri, key, size: head.ContentLength ?? 0, etag: head.ETag ?? null, lastModified: head.LastModified ?? null };
      return;
    }
    const match = wildcardToRegExp(name);
    const prefix = dir + literalPrefix(name);
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.attempt('ListObjectsV2', this.uriOf(dir + name), signal, () =>
        client.send(
          new S3.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            // Only this "directory": wildcards do not match into sub-directories.
            Delimiter: '/',
            ...(token ? { ContinuationToken: token } : after !== undefined && after >= prefix ? { StartAfter: after } : {}),
          }),
          { abortSignal: signal },
        ),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key;
        if (key === undefined || (after !== undefined && key <= after)) continue;
        if (!match.test(key.slice(dir.length))) continue;
        yield { uri: this.uriOf(key), key, size: o.Size ?? 0, etag: o.ETag ?? null, lastModified: o.LastModified ?? null };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  open(object: ObjectInfo, options: OpenOptions = {}): Readable {
    const start = options.range?.start ?? 0;
    const end = Math.min(options.range?.end ?? object.size, object.size);
    // Readable.from pulls from the generator only as fast as the consumer reads: backpressure
    // reaches the socket because the body is not read further until asked for.
    return Readable.from(this.stream(object, start, end, options.signal), { objectMode: false, highWaterMark: 256 * 1024 });
  }

  private async *stream(object: ObjectInfo, start: number, end: number, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
    const { bucket } = this.loc;
    const { client, sdk: S3 } = await this.s3();
    let pos = start;
    let failures = 0;
    let etag = object.etag;
    while (pos < end) {
      if (signal?.aborted) throw abortError(signal, `reading ${object.uri}`);
      let res: GetObjectCommandOutput;
      const whole = pos === 0 && end === object.size;
      try {
        res = await client.send(
          new S3.GetObjectCommand({
            Bucket: bucket,
            Key: object.key,
            // Explicit first-last ranges only: some stores mishandle `bytes=0-0` and suffix ranges.
            ...(whole ? {} : { Range: `bytes=${pos}-${end - 1}` }),
            ...(etag ? { IfMatch: etag } : {}),
          }),
          { abortSignal: signal },
        );
      } catch (e) {
        if (signal?.aborted) throw abortError(signal, `reading ${object.uri}`);
        failures++;
        const fatal = this.giveUp(e, object.uri, failures);
        if (fatal) throw fatal;
        await sleep(backoffMs(this.retry, failures - 1), signal);
        continue;
      }
      etag ??= res.ETag ?? null;
      const body = res.Body as Readable | undefined;
      if (!body) throw toSourceError(new Error('empty response body'), object.uri);
      // The object's size now, against the size it was listed with: reading to the listed size
      // of an object that has since grown (or was listed while still being written, which
      // S3 and MinIO never do but some stores and gateways can) would load part of it silently.
      const size = res.ContentRange ? Number(/\/(\d+)$/.exec(res.ContentRange)?.[1] ?? NaN) : whole ? (res.ContentLength ?? NaN) : NaN;
      if (!Number.isNaN(size) && size !== object.size) {
        body.destroy();
        this.metrics?.sourceError('permanent');
        throw new SourceError('ER_LOAD_DATA_CANT_READ', `Failed to read source files. Reason: ${object.uri} is ${size} bytes now, not the ${object.size} bytes it was listed with: it changed after it was listed`, { uri: object.uri });
      }
      // A store that ignores Range answers from byte 0: skip what was already handed out.
      let skip = !whole && !res.ContentRange && pos > 0 ? pos : 0;
      const onAbort = (): void => {
        body.destroy(abortError(signal, `reading ${object.uri}`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // Read to the body's own end when it is what was asked for: leaving it early destroys the
      // connection instead of handing it back for the next request (a new one per file).
      let unread = whole || res.ContentRange ? (res.ContentLength ?? -1) : -1;
      try {
        for await (const raw of body) {
          let chunk = raw as Buffer;
          unread -= chunk.length;
          if (skip > 0) {
            if (chunk.length <= skip) {
              skip -= chunk.length;
              continue;
            }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          if (pos + chunk.length > end) chunk = chunk.subarray(0, end - pos);
          if (chunk.length === 0) continue;
          pos += chunk.length;
          failures = 0;
          yield chunk;
          // More than was asked for (a store that ignored the Range): cut off here.
          if (pos >= end && unread !== 0) break;
        }
        if (pos < end) throw Object.assign(new Error(`connection closed after ${pos} of ${end} bytes`), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
      } catch (e) {
        if (signal?.aborted) throw abortError(signal, `reading ${object.uri}`);
        failures++;
        const fatal = this.giveUp(e, object.uri, failures);
        if (fatal) throw fatal;
        await sleep(backoffMs(this.retry, failures - 1), signal);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        if (!body.destroyed) body.destroy();
      }
    }
  }

  async read(object: ObjectInfo, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array(0);
    return readAll(this.open(object, { range: { start, end }, ...(signal ? { signal } : {}) }), end - start);
  }

  close(): void {
    this.closed = true;
    if (this.ownsClient) this.client?.destroy();
  }
}

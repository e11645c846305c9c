import { describe, expect, it } from 'vitest';
import { literalPrefix, parseLocation, redactUri, wildcardToRegExp } from './location.js';
import { backoffMs } from './retry.js';
import { isTransient, toSourceError } from './s3-errors.js';

describe('file locations', () => {
  it('parses TiDB S3 URIs with their query parameters', () => {
    const l = parseLocation('s3://bucket-1/path/to/data/foo*.csv?access-key=AK&secret-access-key=SK&session-token=T&endpoint=http://127.0.0.1:9000&region=eu-west-1&force-path-style=false');
    expect(l).toEqual({
      kind: 's3',
      bucket: 'bucket-1',
      dir: 'path/to/data/',
      name: 'foo*.csv',
      wildcard: true,
      params: { accessKey: 'AK', secretKey: 'SK', sessionToken: 'T', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', forcePathStyle: false },
      display: 's3://bucket-1/path/to/data/foo*.csv',
    });
  });

  it('takes Doris S3() properties, with endpoints written without a scheme', () => {
    const l = parseLocation('s3://bucket/s3/demo/*.csv', {
      uri: 's3://bucket/s3/demo/*.csv',
      's3.endpoint': 's3.ap-southeast-1.amazonaws.com',
      's3.region': 'ap-southeast-1',
      's3.access_key': 'AK',
      's3.secret_key': 'SK',
      format: 'csv',
    });
    expect(l.kind === 's3' && l.params).toEqual({ endpoint: 'https://s3.ap-southeast-1.amazonaws.com', region: 'ap-southeast-1', accessKey: 'AK', secretKey: 'SK', forcePathStyle: true });
  });

  it('reads path-style https URLs and single objects', () => {
    const l = parseLocation('https://minio.local:9000/bkt/a/b.parquet');
    expect(l).toMatchObject({ kind: 's3', bucket: 'bkt', dir: 'a/', name: 'b.parquet', wildcard: false, params: { endpoint: 'https://minio.local:9000' } });
  });

  it('allows wildcards in the file name only', () => {
    expect(() => parseLocation('s3://b/dir*/x.csv')).toThrow(expect.objectContaining({ errno: 8158 }));
    expect(() => parseLocation('/data/import/*/x.csv')).toThrow(/file name only/);
    expect(() => parseLocation('s3://b/dir/')).toThrow(/directory/);
    expect(() => parseLocation('gs://b/x.csv')).toThrow(/unsupported scheme/);
  });

  it('accepts absolute local paths and file:// URIs, refuses relative paths and ..', () => {
    expect(parseLocation('/data/import/a*.csv')).toEqual({ kind: 'local', dir: '/data/import/', name: 'a*.csv', wildcard: true, display: '/data/import/a*.csv' });
    expect(parseLocation('file:///data/import/x.csv')).toMatchObject({ kind: 'local', dir: '/data/import/', name: 'x.csv' });
    expect(() => parseLocation('data/x.csv')).toThrow(/absolute/);
    expect(() => parseLocation('/data/import/../../etc/passwd')).toThrow(expect.objectContaining({ errno: 8158 }));
    expect(() => parseLocation('file:///data/import/%2e%2e/x')).toThrow();
  });

  it('matches * ? and [...] within one path segment', () => {
    const re = wildcardToRegExp('file-[0-9]?.c*');
    expect(re.test('file-12.csv')).toBe(true);
    expect(re.test('file-x2.csv')).toBe(false);
    expect(re.test('file-12.c/x')).toBe(false);
    expect(wildcardToRegExp('[!a]*').test('b.csv')).toBe(true);
    expect(wildcardToRegExp('[!a]*').test('a.csv')).toBe(false);
    expect(wildcardToRegExp('a.b(1)+').test('a.b(1)+')).toBe(true);
    expect(literalPrefix('foo-*.csv')).toBe('foo-');
    expect(literalPrefix('[ab]x')).toBe('');
  });

  it('never shows credentials', () => {
    expect(redactUri('s3://b/k?access-key=AK&secret-access-key=SK&region=r')).toBe('s3://b/k?access-key=xxxxxx&secret-access-key=xxxxxx&region=r');
    expect(() => parseLocation('s3://b/dir*/x?secret-access-key=TOPSECRET')).toThrow(expect.not.objectContaining({ message: expect.stringContaining('TOPSECRET') }));
  });
});

describe('S3 error policy', () => {
  it('retries transient errors and fails fast on permanent ones', () => {
    expect(isTransient({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isTransient({ name: 'InternalError', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isTransient(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient({ name: 'TimeoutError' })).toBe(true);
    expect(isTransient({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })).toBe(false);
    expect(isTransient({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).toBe(false);
    expect(isTransient({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } })).toBe(false);
  });

  it('names the object and the cause', () => {
    const e = toSourceError({ name: 'NoSuchBucket', message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }, 's3://nope/a.csv');
    expect(e).toMatchObject({ errno: 8159, code: 'ER_LOAD_DATA_CANT_ACCESS', transient: false });
    expect(e.message).toContain('s3://nope/a.csv');
    expect(e.message).toContain('bucket does not exist');
    const k = toSourceError({ name: 'NoSuchKey', message: 'gone', $metadata: { httpStatusCode: 404 } }, 's3://b/k');
    expect(k).toMatchObject({ errno: 8160 });
  });

  it('backs off exponentially up to a cap, with jitter', () => {
    const policy = { attempts: 10, baseMs: 100, capMs: 1000 };
    expect(backoffMs(policy, 0, () => 0.999)).toBe(99);
    expect(backoffMs(policy, 3, () => 0.999)).toBe(799);
    expect(backoffMs(policy, 9, () => 0.999)).toBe(999);
    expect(backoffMs(policy, 9, () => 0)).toBe(0);
  });
});

// Where to read from, as users write it: TiDB's `s3://bucket/dir/*.csv?access-key=...&endpoint=...`,
// Doris' S3("uri" = ..., "s3.endpoint" = ..., "s3.access_key" = ...), an absolute path or a file://
// URI. Wildcards `*`, `?` and `[...]` are allowed in the file name only, as TiDB documents.

import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { SqlError } from '../protocol/sql-error.js';

export interface S3Params {
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly sessionToken?: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly forcePathStyle?: boolean;
}

export interface S3Location {
  readonly kind: 's3';
  readonly bucket: string;
  /** Key up to and including the last `/` (no wildcards here), or ''. */
  readonly dir: string;
  /** The file-name part; a pattern when `wildcard` is true. */
  readonly name: string;
  readonly wildcard: boolean;
  readonly params: S3Params;
  /** `s3://bucket/key` without the query: safe to show and log. */
  readonly display: string;
}

export interface LocalLocation {
  readonly kind: 'local';
  /** Absolute directory of the file(s), normalised, without wildcards. */
  readonly dir: string;
  readonly name: string;
  readonly wildcard: boolean;
  readonly display: string;
}

export type Location = S3Location | LocalLocation;

const WILDCARD = /[*?[]/;

function invalidUri(uri: string, reason: string): SqlError {
  return new SqlError('ER_LOAD_DATA_INVALID_URI', `The URI of ${redactUri(uri)} is invalid. Reason: ${reason}.`);
}

/** The URI with credentials removed from its query, for messages and views. */
export function redactUri(uri: string): string {
  return uri.replace(/([?&](?:access[-_]key|secret[-_]access[-_]key|session[-_]token)=)[^&]*/gi, '$1xxxxxx');
}

function parseBool(name: string, v: string, uri: string): boolean {
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === '1' || s === '') return true;
  if (s === 'false' || s === '0') return false;
  throw invalidUri(uri, `${name} must be true or false`);
}

/** An endpoint written without a scheme (as Doris' examples do) means https. */
export function normaliseEndpoint(endpoint: string): string {
  return /^https?:\/\//i.test(endpoint) ? endpoint.replace(/\/+$/, '') : `https://${endpoint.replace(/\/+$/, '')}`;
}

function splitName(key: string, uri: string): { dir: string; name: string; wildcard: boolean } {
  const slash = key.lastIndexOf('/');
  const dir = key.slice(0, slash + 1);
  const name = key.slice(slash + 1);
  if (WILDCARD.test(dir)) throw invalidUri(uri, 'wildcards are allowed in the file name only');
  if (name === '') throw invalidUri(uri, 'the path names a directory, not a file or a file pattern');
  return { dir, name, wildcard: WILDCARD.test(name) };
}

/** TiDB URI query parameters (hyphenated; underscores accepted too). */
function s3ParamsFromQuery(query: URLSearchParams, uri: string): S3Params {
  const p: { -readonly [K in keyof S3Params]: S3Params[K] } = {};
  for (const [rawKey, value] of query) {
    switch (rawKey.toLowerCase().replace(/_/g, '-')) {
      case 'access-key':
        p.accessKey = value;
        break;
      case 'secret-access-key':
        p.secretKey = value;
        break;
      case 'session-token':
        p.sessionToken = value;
        break;
      case 'endpoint':
        p.endpoint = normaliseEndpoint(value);
        break;
      case 'region':
        p.region = value;
        break;
      case 'force-path-style':
        p.forcePathStyle = parseBool('force-path-style', value, uri);
        break;
      default:
        // Other BR storage parameters (provider, storage-class, sse, acl, role-arn, ...) do not
        // change how objects are read.
        break;
    }
  }
  return p;
}

/** Doris S3() properties, keys matched case-insensitively, with the older AWS_* spellings. */
export function s3ParamsFromProperties(props: Readonly<Record<string, string>>): S3Params {
  const p: { -readonly [K in keyof S3Params]: S3Params[K] } = {};
  for (const [rawKey, value] of Object.entries(props)) {
    switch (rawKey.toLowerCase()) {
      case 's3.access_key':
      case 'aws_access_key':
        p.accessKey = value;
        break;
      case 's3.secret_key':
      case 'aws_secret_key':
        p.secretKey = value;
        break;
      case 's3.session_token':
      case 'aws_token':
        p.sessionToken = value;
        break;
      case 's3.endpoint':
      case 'aws_endpoint':
        p.endpoint = normaliseEndpoint(value);
        break;
      case 's3.region':
      case 'aws_region':
        p.region = value;
        break;
      case 'use_path_style':
      case 's3.use_path_style':
        p.forcePathStyle = parseBool(rawKey, value, 'S3()');
        break;
      default:
        break;
    }
  }
  return p;
}

/**
 * Parses a file location. `properties` are Doris S3() properties; they override parameters in the
 * URI query. Relative local paths are refused here: createSource resolves them against the import
 * directory first, so only a caller without one could pass one, and where it would point is a surprise.
 */
export function parseLocation(uri: string, properties: Readonly<Record<string, string>> = {}): Location {
  const trimmed = uri.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 's3' || scheme === 's3a' || scheme === 's3n' || scheme === 'http' || scheme === 'https') {
    // `?` is also a wildcard: the query starts at the first `?` followed by `name=`.
    const q = trimmed.search(/\?(?=[A-Za-z][\w.-]*=)/);
    const base = q < 0 ? trimmed : trimmed.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : trimmed.slice(q + 1));
    const params = { ...s3ParamsFromQuery(query, trimmed), ...s3ParamsFromProperties(properties) };
    const rest = base.slice(scheme.length + 3);
    let bucket: string;
    let key: string;
    let endpoint = params.endpoint;
    if (scheme === 'http' || scheme === 'https') {
      // Path-style HTTP URL: https://endpoint/bucket/key
      const slash = rest.indexOf('/');
      if (slash < 0) throw invalidUri(uri, 'expected https://endpoint/bucket/key');
      endpoint ??= `${scheme}://${rest.slice(0, slash)}`;
      const path2 = rest.slice(slash + 1);
      const s2 = path2.indexOf('/');
      if (s2 <= 0) throw invalidUri(uri, 'expected https://endpoint/bucket/key');
      bucket = path2.slice(0, s2);
      key = path2.slice(s2 + 1);
    } else {
      const slash = rest.indexOf('/');
      if (slash <= 0) throw invalidUri(uri, 'expected s3://bucket/key');
      bucket = rest.slice(0, slash);
      key = rest.slice(slash + 1);
    }
    if (!/^[a-z0-9][a-z0-9.\-_]{0,254}$/i.test(bucket)) throw invalidUri(uri, `'${bucket}' is not a valid bucket name`);
    key = safeDecode(key);
    const { dir, name, wildcard } = splitName(key, uri);
    const finalParams: S3Params = {
      ...params,
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(params.forcePathStyle === undefined && endpoint !== undefined ? { forcePathStyle: true } : {}),
    };
    return { kind: 's3', bucket, dir, name, wildcard, params: finalParams, display: `s3://${bucket}/${key}` };
  }
  let p: string;
  if (scheme === 'file') {
    // The URL parser would fold `..` (also spelled %2e%2e) away: refuse it before it can.
    if (safeDecode(trimmed.slice(7)).split(/[\\/]/).includes('..')) throw invalidUri(uri, "'..' is not allowed in a local path");
    try {
      p = fileURLToPath(trimmed);
    } catch (e) {
      throw invalidUri(uri, (e as Error).message);
    }
  } else if (scheme !== undefined) {
    throw invalidUri(uri, `unsupported scheme '${scheme}' (expected s3://, file:// or an absolute path)`);
  } else p = trimmed;
  if (!path.isAbsolute(p)) throw invalidUri(uri, 'a local path must be absolute');
  if (p.split(/[\\/]/).includes('..')) throw invalidUri(uri, "'..' is not allowed in a local path");
  const normal = path.normalize(p);
  const { dir, name, wildcard } = splitName(normal, uri);
  return { kind: 'local', dir, name, wildcard, display: normal };
}

function safeDecode(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** A file-name pattern as a RegExp: `*` and `?` never cross `/`, `[!...]`/`[^...]` negate. */
export function wildcardToRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern.charAt(++i));
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      let neg = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        neg = true;
        body = body.slice(1);
      }
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else re += escapeRe(c);
  }
  return new RegExp(`${re}$`, 's');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The literal start of a pattern, before its first wildcard: narrows an S3 listing. */
export function literalPrefix(pattern: string): string {
  const m = WILDCARD.exec(pattern);
  const head = m ? pattern.slice(0, m.index) : pattern;
  return head.includes('\\') ? head.slice(0, head.indexOf('\\')) : head;
}

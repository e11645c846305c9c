// Which S3 failures are worth retrying, in one table, and the message a user sees for the rest.
// Retrying a permanent error only delays the answer; giving up on a transient one fails a job that
// would have finished.

import { SourceError } from './source.js';

/** Error names (S3 error codes and SDK error names) that a later attempt may not meet. */
const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'TimeoutError',
  'IDPCommunicationError',
  'ProvisionedThroughputExceededException',
]);

/** Node socket error codes: the connection broke, not the request. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** Permanent errors and what they mean for the user. */
const PERMANENT: Record<string, { access: boolean; hint: string }> = {
  NoSuchBucket: { access: true, hint: 'the bucket does not exist' },
  NoSuchKey: { access: false, hint: 'the object does not exist' },
  NotFound: { access: false, hint: 'the object does not exist' },
  AccessDenied: { access: true, hint: 'access denied' },
  Forbidden: { access: true, hint: 'access denied' },
  InvalidAccessKeyId: { access: true, hint: 'the access key does not exist' },
  SignatureDoesNotMatch: { access: true, hint: 'the secret key does not match the access key' },
  ExpiredToken: { access: true, hint: 'the session token has expired' },
  InvalidToken: { access: true, hint: 'the session token is invalid' },
  TokenRefreshRequired: { access: true, hint: 'the session token must be refreshed' },
  AuthorizationHeaderMalformed: { access: true, hint: 'the request was signed for the wrong region' },
  PermanentRedirect: { access: true, hint: 'the bucket is in another region or needs another endpoint' },
  InvalidBucketName: { access: true, hint: 'the bucket name is invalid' },
  CredentialsProviderError: { access: true, hint: 'no credentials were given and none were found in the environment' },
  PreconditionFailed: { access: false, hint: 'the object changed while it was being read' },
  InvalidRange: { access: false, hint: 'the requested range is outside the object' },
};

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

export function errorName(e: unknown): string {
  const x = (e ?? {}) as SdkLikeError;
  return x.Code ?? x.name ?? 'Error';
}

export function httpStatus(e: unknown): number | undefined {
  return ((e ?? {}) as SdkLikeError).$metadata?.httpStatusCode;
}

/** Whether an S3 error may go away on its own. */
export function isTransient(e: unknown): boolean {
  if (e instanceof SourceError) return e.transient;
  const x = (e ?? {}) as SdkLikeError;
  const name = errorName(e);
  if (name in PERMANENT) return false;
  if (TRANSIENT_NAMES.has(name)) return true;
  if (x.code && TRANSIENT_CODES.has(x.code)) return true;
  if (x.$retryable) return true;
  const status = httpStatus(e);
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  const msg = x.message ?? '';
  if (/socket hang up|ECONNRESET|premature close|aborted|timed? ?out|EPIPE/i.test(msg)) return true;
  if (x.cause !== undefined && x.cause !== e) return isTransient(x.cause);
  return false;
}

/** The error a user sees: names the object and the cause. */
export function toSourceError(e: unknown, uri: string, attempts = 1): SourceError {
  if (e instanceof SourceError) return e;
  const name = errorName(e);
  const message = ((e ?? {}) as SdkLikeError).message ?? String(e);
  const status = httpStatus(e);
  const known = PERMANENT[name] ?? (status === 403 ? PERMANENT.AccessDenied : status === 404 ? PERMANENT.NotFound : undefined);
  const cause = `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`;
  if (known?.access) {
    return new SourceError('ER_LOAD_DATA_CANT_ACCESS', `Access to ${uri} has been denied. Reason: ${known.hint}; ${cause}. Please check the URI, access key and secret access key are correct`, { uri, cause: e });
  }
  if (known) {
    return new SourceError('ER_LOAD_DATA_CANT_READ', `Failed to read source files. Reason: ${uri}: ${known.hint}; ${cause}. Please check the file location is correct`, { uri, cause: e });
  }
  const transient = isTransient(e);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return new SourceError('ER_LOAD_DATA_CANT_READ', `Failed to read source files. Reason: ${uri}: ${cause}${tries}`, { uri, transient, cause: e });
}

// pino, JSON by default (one object per line, for log shippers), pretty when attached to a
// terminal. Secrets are redacted by path so a statement or config object logged whole stays safe.

import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  '*.secretKey',
  '*["s3.secret_key"]',
  '*["s3.access_key"]',
  '*["s3.session_token"]',
];

export function createLogger(level: LogLevel, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY === true);
  return pino({
    level,
    base: { service: 'loadwire' },
    redact: { paths: REDACT_PATHS, censor: '******' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
  });
}

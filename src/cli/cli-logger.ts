/** The CLI's logger: pino, to stderr, at the level the user asked for (silent by default). */
import { pino } from 'pino';
import type { Logger } from '../logger.js';
import { redactObject } from '../redact.js';

export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createCliLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      formatters: { log: (obj) => redactObject(obj) },
    },
    pino.destination(2),
  ) as unknown as Logger;
}

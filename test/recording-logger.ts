/**
 * The tests' logger: a Logger (src/logger.ts) that records every call at every level, its children
 * into the same list, for tests that look at what was logged (a message, a level, no secret in any
 * line). One place instead of a hand-made logger in each test file.
 */
import type { Logger } from '../src/logger.js';

/** One logged call: its level, the record object (or the message, in pino's one-argument form) and the message. */
export interface LogLine {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  obj: unknown;
  msg?: string;
}

/** A recording logger and what it recorded. */
export interface RecordingLogger {
  logger: Logger;
  /** Every call so far, in order. */
  lines: LogLine[];
  /** The lines at `level`. */
  at(level: LogLine['level']): LogLine[];
  /** Every line as JSON, one a line: what a test searches for a secret. */
  text(): string;
}

/**
 * A logger that records every call. `isLevelEnabled` answers `enabled` for every level, and is absent
 * (callers then assume every level is on) when `enabled` is undefined.
 */
export function recordingLogger(enabled?: boolean): RecordingLogger {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: unknown, msg?: string): void => {
      lines.push(msg === undefined ? { level, obj } : { level, obj, msg });
    };
  const logger: Logger = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
    ...(enabled === undefined ? {} : { isLevelEnabled: () => enabled }),
  };
  return {
    logger,
    lines,
    at: (level) => lines.filter((l) => l.level === level),
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}

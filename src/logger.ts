/**
 * The logger webwx writes to: a structural subset of pino's API, so a pino instance can be passed
 * as is. Library code logs only through an injected Logger, never through `console`.
 */

/** One level's log method: pino's two call forms, a record object with an optional message, or a message. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/**
 * A pino-compatible logger with the five levels webwx uses. Pass one as the `logger` option; the
 * default is {@link silentLogger}.
 */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` (e.g. `{ component: 'sync' }`) to every record it writes. */
  child(bindings: Record<string, unknown>): Logger;
  /**
   * Whether records at `level` are written (pino has exactly this). Optional: when absent, callers
   * assume yes. Lets hot paths skip building a record nobody will see.
   */
  isLevelEnabled?(level: string): boolean;
}

const noop = (): void => {};

/** A logger that drops everything: the default. */
export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

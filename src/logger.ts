/**
 * The logger webwx writes to: a structural subset of pino's API, so a pino instance can be passed
 * as is. Library code logs only through an injected Logger, never through `console`.
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
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

/** Validation of command-line values: each bad value is a CliError that says what was expected. */
import { type Command, Option } from 'commander';
import type { WebApp } from '../client/index.js';
import type { Fault } from '../emulator/index.js';
import { CliError } from './cli-io.js';

export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value.trim()))
    throw new CliError(`--port: expected a number from 0 to 65535, got "${value}"`);
  const port = Number(value);
  if (port > 65535) throw new CliError(`--port: expected a number from 0 to 65535, got "${value}"`);
  return port;
}

export function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--server: expected an http(s) URL such as http://127.0.0.1:8080, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--server: expected an http(s) URL, got the scheme "${url.protocol}"`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new CliError('--server: give only the scheme, host and port (no path or query)');
  }
  return url.origin;
}

export function parseSeconds(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > 86_400 * 365) {
      throw new CliError(`${flag}: expected a positive number of seconds, got "${value}"`);
    }
    return n;
  };
}

/** A whole number ≥ 0, such as `--daily-send-limit`'s sends per day. */
export function parseSendLimit(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new CliError(`${flag}: expected a whole number ≥ 0, got "${value}"`);
    return n;
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration such as `30s`, `500ms`, `5m`, `1h` (a bare number is seconds), in whole milliseconds. */
export function parseDuration(flag: string) {
  return (value: string): number => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(value.trim());
    const ms =
      m === null ? Number.NaN : Math.round(Number(m[1]) * DURATION_UNITS[(m[2] ?? 's').toLowerCase()]!);
    if (!Number.isFinite(ms) || ms <= 0 || ms > 2 ** 31 - 1) {
      throw new CliError(`${flag}: expected a duration such as 30s, 500ms, 5m or 1h, got "${value}"`);
    }
    return ms;
  };
}

/** What `--fault` names: a fault for an endpoint, `times` requests or until the emulator stops. */
export interface FaultFlag {
  endpoint: string;
  fault: Fault;
  times?: number;
}

/** The value after `=` is the field of each kind that takes one. */
const FAULT_VALUE: Record<string, string | undefined> = {
  'http-status': 'status',
  delay: 'ms',
  ret: 'ret',
  hang: 'ms',
  expire: 'code',
};
const FAULT_KINDS = ['malformed', 'http-status', 'reset', 'delay', 'ret', 'hang', 'expire', 'redeliver'];
const NEEDS_VALUE = new Set(['http-status', 'delay', 'ret']);

/**
 * `--fault ENDPOINT:KIND[=VALUE][@TIMES]`, e.g. `synccheck:http-status=502@3`, `webwxsync:delay=3000`,
 * `webwxsendmsg:ret=1205`, `synccheck:expire=1102@1`, `*:reset@1` (collected: the flag repeats).
 */
export function parseFaultFlag(value: string, previous: FaultFlag[] = []): FaultFlag[] {
  const m = /^([A-Za-z0-9_*-]+):([a-z-]+)(?:=(-?\d+))?(?:@(\d+))?$/.exec(value.trim());
  const kind = m?.[2] ?? '';
  if (m === null || !FAULT_KINDS.includes(kind) || (NEEDS_VALUE.has(kind) && m[3] === undefined))
    throw new CliError(
      `--fault: expected ENDPOINT:KIND[=VALUE][@TIMES] such as synccheck:http-status=502@3 (kinds: ${FAULT_KINDS.join(', ')}; http-status, delay and ret need a value), got "${value}"`,
    );
  const field = FAULT_VALUE[kind];
  if (m[3] !== undefined && field === undefined)
    throw new CliError(`--fault: the kind "${kind}" takes no value, got "${value}"`);
  const fault = { kind, ...(m[3] === undefined ? {} : { [field!]: Number(m[3]) }) } as Fault;
  const times = m[4] === undefined ? undefined : Number(m[4]);
  if (times === 0) throw new CliError(`--fault: @TIMES must be at least 1, got "${value}"`);
  return [...previous, { endpoint: m[1]!, fault, ...(times === undefined ? {} : { times }) }];
}

const TIMING_NAMES = ['loginPollHoldMs', 'syncCheckHoldMs', 'qrExpiryMs'] as const;

/** `--timing syncCheckHoldMs=5s,loginPollHoldMs=5s,qrExpiryMs=2m`: the emulator's timing, by its names. */
export function parseTiming(value: string): Partial<Record<(typeof TIMING_NAMES)[number], number>> {
  const out: Partial<Record<(typeof TIMING_NAMES)[number], number>> = {};
  for (const pair of value.split(',')) {
    const [name = '', duration = ''] = pair.split('=').map((x) => x.trim());
    if (!(TIMING_NAMES as readonly string[]).includes(name))
      throw new CliError(
        `--timing: expected NAME=DURATION pairs with names ${TIMING_NAMES.join(', ')}, got "${pair}"`,
      );
    out[name as (typeof TIMING_NAMES)[number]] = parseDuration(`--timing ${name}`)(duration);
  }
  return out;
}

/** The levels of `--log-level` (pino's); the logger itself (cli-logger.ts, pino) loads only when a command runs. */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

export function parseLogLevel(value: string): LogLevel {
  const level = value.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new CliError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return level as LogLevel;
}

const APPS: readonly WebApp[] = ['web', 'filehelper'];

/** `--app`: 'web' (the main Web WeChat) or 'filehelper' (the File Transfer web, docs/filehelper.md). */
export function parseApp(value: string): WebApp {
  const app = value.trim().toLowerCase();
  if (!(APPS as readonly string[]).includes(app)) {
    throw new CliError(`--app: expected one of ${APPS.join(', ')}, got "${value}"`);
  }
  return app as WebApp;
}

/** The `--app <web|filehelper>` option, parsed by parseApp, defaulting to `defaultApp`. */
export function appOption(defaultApp: WebApp = 'web'): Option {
  return new Option(
    '--app <app>',
    'the web app to log in to: web (the main Web WeChat) or filehelper (the File Transfer web)',
  )
    .argParser(parseApp)
    .default(defaultApp);
}

/** `--no-pacing`: the outbox sends as fast as the server takes it (for an emulator). */
export function pacingOption(): Option {
  return new Option(
    '--no-pacing',
    'send as fast as the server takes it (an emulator; real accounts risk a ban)',
  );
}

/**
 * The options of every command that logs in: `--server` (parsed by parseServerUrl) and `--no-uos`,
 * and with `pacing` the commands that send on their own, `--no-pacing` too. Returns the command.
 */
export function addServerOptions(command: Command, { pacing = false } = {}): Command {
  command
    .option('--server <url>', 'one base URL for every host, e.g. an emulator', parseServerUrl)
    .option('--no-uos', 'do not send the UOS desktop login headers');
  return pacing ? command.addOption(pacingOption()) : command;
}

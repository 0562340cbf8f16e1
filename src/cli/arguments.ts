/** Validation of command-line values: each bad value is a CliError that says what was expected. */
import { Option } from 'commander';
import type { WebApp } from '../client/index.js';
import { CliError } from './cli-io.js';
import { LOG_LEVELS, type LogLevel } from './cli-logger.js';

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

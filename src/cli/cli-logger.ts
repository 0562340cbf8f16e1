/**
 * The CLI's logger: pino, to stderr, at the level the user asked for (silent by default). pino loads
 * when a command asks for its logger, not when `webwx` starts (`--help`, `--version` and usage errors
 * never need it: ~20 ms of their start-up, src/cli/service-commands.ts).
 */
import type { Logger } from '../logger.js';
import { redactObject } from '../redact.js';
import type { LogLevel } from './arguments.js';

export async function createCliLogger(level: LogLevel): Promise<Logger> {
  const { pino } = await import('pino');
  return pino(
    {
      level,
      formatters: { log: (obj) => redactObject(obj) },
    },
    pino.destination(2),
  ) as unknown as Logger;
}

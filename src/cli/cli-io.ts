/** The streams a CLI command talks through, injectable so commands can be tested in-process. */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Environment variables: only the CLI reads them. */
  env: Record<string, string | undefined>;
  /** Whether stdout is an interactive terminal. */
  isTty: boolean;
}

export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTty: Boolean(process.stdout.isTTY),
  };
}

/** A user-facing CLI error: printed without a stack, exit code 2 for usage errors. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

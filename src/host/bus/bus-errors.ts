/**
 * The errors of the Redis bus (docs/scale.md): Redis that cannot be reached or answers an error,
 * ioredis not installed, and an outbound command that does not validate.
 */
import { WebWxError } from '../../errors.js';

/** What went wrong on the bus. */
export type BusProblem = 'unavailable' | 'redis' | 'invalid-command';

/** A failure of the Redis bus; `problem` says which. The message never holds a password. */
export class BusError extends WebWxError {
  readonly code = 'bus' as const;
  /** Which problem it is. */
  readonly problem: BusProblem;
  constructor(problem: BusProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.problem = problem;
  }
}

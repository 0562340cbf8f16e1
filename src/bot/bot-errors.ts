/**
 * The bot framework's errors: a configuration (rules file, options) that does not validate, a bounded
 * queue that is full, and NotAvailableError, re-exported from the one taxonomy (src/errors.ts).
 */
import { WebWxError } from '../errors.js';

/** Re-exported from the one taxonomy (src/errors.ts). */
export { NotAvailableError } from '../errors.js';

/** A configuration that does not validate. `field` names the bad field, e.g. 'rules[2].regex'. */
export class BotConfigError extends WebWxError {
  readonly code = 'invalid-config' as const;
  readonly field: string;
  constructor(field: string, message: string) {
    super(field ? `${field}: ${message}` : message);
    this.field = field;
  }
}

/**
 * A bounded queue is full, so the item was not taken: the messages waiting for their chat's turn
 * (`maxPending`), or the sends waiting in the bot's send queue. `limit` is the bound.
 */
export class QueueFullError extends WebWxError {
  readonly code = 'queue-full' as const;
  readonly limit: number;
  constructor(message: string, limit: number) {
    super(message);
    this.limit = limit;
  }
}

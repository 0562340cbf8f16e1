/**
 * The bot framework's errors: a configuration (rules file, options) that does not validate, and
 * NotAvailableError, re-exported from the one taxonomy.
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

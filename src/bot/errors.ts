/**
 * The bot framework's errors. Both are WebWxErrors: a feature the client does not offer (yet), and a
 * configuration (rules file, options) that does not validate.
 */
import { WebWxError } from '../errors.js';

/** The client in use does not offer this feature (e.g. media sending before it is implemented). */
export class NotAvailableError extends WebWxError {
  readonly code = 'not-available' as const;
  /** What is missing, e.g. 'sendImage' or 'message history'. */
  readonly feature: string;
  constructor(feature: string, detail = 'the client in use does not offer it') {
    super(`not available: ${feature} (${detail})`);
    this.feature = feature;
  }
}

/** A configuration that does not validate. `field` names the bad field, e.g. 'rules[2].regex'. */
export class BotConfigError extends WebWxError {
  readonly code = 'invalid-config' as const;
  readonly field: string;
  constructor(field: string, message: string) {
    super(field ? `${field}: ${message}` : message);
    this.field = field;
  }
}

/** A redacted one-line description of any thrown value, for logs. */
import { redact } from '../redact.js';

export function errorText(error: unknown): string {
  if (error instanceof Error) return redact(`${error.name}: ${error.message}`);
  return redact(String(error));
}

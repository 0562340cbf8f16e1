/** Network failures mapped to TransportErrors: a readable cause from the error codes undici and Node give. */
import { TransportError } from '../errors.js';

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_DESTROYED: 'transport is closed',
  UND_ERR_CLOSED: 'transport is closed',
};
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The error codes found on an error, its causes and aggregated errors (bounded walk). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const queue: unknown[] = [error];
  for (let i = 0; i < queue.length && i < 16; i++) {
    const e = queue[i];
    if (!e || typeof e !== 'object') continue;
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (cause) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return codes;
}

/** The TransportError for a request that failed before its reply (timedOut for timeout codes). */
export function networkError(endpoint: string, method: string, url: string, error: unknown): TransportError {
  const codes = errorCodes(error);
  const timeoutCode = codes.find((c) => TIMEOUT_CODES.has(c));
  if (timeoutCode) {
    return new TransportError(`${endpoint}: ${method} ${url} timed out (${timeoutCode})`, {
      url,
      timedOut: true,
      cause: error,
    });
  }
  const known = codes.find((c) => c in NETWORK_CODES);
  const what = known ? `${NETWORK_CODES[known]} (${known})` : messageOf(error);
  return new TransportError(`${endpoint}: ${method} ${url} failed: ${what}`, { url, cause: error });
}

/** An error's message, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

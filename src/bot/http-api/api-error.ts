/**
 * How the HTTP API answers failures: an ApiError carries its status and a message for the caller;
 * errors of the client map to statuses here (never with a stack or a secret).
 */
import { LoggedOutError, ProtocolError, TransportError, WebWxError } from '../../errors.js';
import { redact } from '../../redact.js';
import { NotAvailableError } from '../bot-errors.js';

/** A failure of an HTTP API request: the status and the message the caller gets (never a secret). */
export class ApiError extends WebWxError {
  readonly code = 'api' as const;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, message: string, details?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

/** The status and public message of an error thrown while serving a request. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof NotAvailableError) return new ApiError(501, error.message);
  if (error instanceof LoggedOutError)
    return new ApiError(503, `the WeChat session is over: ${error.reason}`);
  if (error instanceof ProtocolError) {
    if (error.ret === 1204) return new ApiError(404, 'the server does not know this recipient (Ret 1204)');
    if (error.ret === 1205)
      return new ApiError(429, 'the server is rate limiting sends (Ret 1205); try again later');
    return new ApiError(502, redact(error.message));
  }
  if (error instanceof TransportError)
    return new ApiError(502, `the WeChat server could not be reached: ${redact(error.message)}`);
  // A host account's daily send budget is spent (src/host): nothing was sent.
  if (error instanceof WebWxError && error.code === 'send-budget') return new ApiError(429, error.message);
  if (error instanceof WebWxError) return new ApiError(400, redact(error.message));
  if (error instanceof TypeError) return new ApiError(400, redact(error.message));
  return new ApiError(500, 'internal error');
}

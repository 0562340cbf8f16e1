/**
 * How the Telegram-compatible API answers failures: `{"ok":false,"error_code":N,"description":"…"}`
 * with Telegram's wording ("Bad Request: …", "Unauthorized", "Not Found", "Conflict: …", "Too Many
 * Requests: retry after N"). Errors of the client map to codes through the HTTP API's mapping
 * (api-error.ts); descriptions never carry the token or another secret.
 */
import { WebWxError } from '../../errors.js';
import { redact } from '../../redact.js';
import { toApiError } from '../http-api/api-error.js';

export interface TelegramErrorReply {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

/**
 * A failure with the Telegram error code (`errorCode`, e.g. 400) and the description the caller gets.
 * Its `code` is the taxonomy's 'telegram', as for every WebWxError.
 */
export class TelegramError extends WebWxError {
  readonly code = 'telegram' as const;
  readonly errorCode: number;
  readonly retryAfter: number | undefined;
  constructor(errorCode: number, description: string, retryAfter?: number) {
    super(description);
    this.errorCode = errorCode;
    this.retryAfter = retryAfter;
  }
}

/** 400 "Bad Request: <what>". */
export function badRequest(what: string): TelegramError {
  return new TelegramError(400, `Bad Request: ${what}`);
}

const PREFIXES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Bad Request',
  429: 'Too Many Requests',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Seconds a caller is told to wait after the server kept answering Ret 1205. */
export const RETRY_AFTER_SECONDS = 5;

/** The TelegramError for anything thrown while serving a method. */
export function toTelegramError(error: unknown): TelegramError {
  if (error instanceof TelegramError) return error;
  const api = toApiError(error);
  const code = api.status === 415 ? 400 : api.status;
  if (code === 429) {
    return new TelegramError(
      429,
      `Too Many Requests: retry after ${RETRY_AFTER_SECONDS}`,
      RETRY_AFTER_SECONDS,
    );
  }
  const prefix = PREFIXES[code] ?? (code >= 500 ? 'Internal Server Error' : 'Bad Request');
  return new TelegramError(code, `${prefix}: ${redact(api.message)}`);
}

export function errorReply(error: TelegramError): TelegramErrorReply {
  return {
    ok: false,
    error_code: error.errorCode,
    description: error.message,
    ...(error.retryAfter === undefined ? {} : { parameters: { retry_after: error.retryAfter } }),
  };
}

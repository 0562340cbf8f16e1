export type { SerializedCookies } from './cookie-store.js';
export { CookieStore } from './cookie-store.js';
export type { HttpTransport, HttpTransportOptions, SendOptions } from './http-transport.js';
export {
  createHttpTransport,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_ORDERED_PIPELINING,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
} from './http-transport.js';
export type { RetryInfo, RetryPolicy, WithRetryOptions } from './retry-policy.js';
export {
  abortReason,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  RETRYABLE_RETS,
  sleep,
  withRetry,
} from './retry-policy.js';
export type { RequestOptions } from './undici-parts.js';
export { Agent, newFormData, request } from './undici-parts.js';

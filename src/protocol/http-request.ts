/**
 * A request described as data. The protocol layer builds these; the transport layer sends them.
 * Keeping them plain data keeps every builder a pure, unit-testable function.
 */
export type RequestBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> }
  | { kind: 'empty' };

/**
 * One HTTP request to the Web WeChat servers, as data: what every protocol builder returns and what
 * the transport sends.
 */
export interface HttpRequestSpec {
  /** Names the endpoint for errors and logs, e.g. 'webwxsync'. */
  endpoint: string;
  method: 'GET' | 'POST';
  /** Absolute URL with the query already encoded. */
  url: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Per-request timeout; the transport's default applies when absent. */
  timeoutMs?: number;
  /** Redirects are never followed unless this is true (webwxnewloginpage answers 301 with the body). */
  followRedirects?: boolean;
}

/** What the transport received for an {@link HttpRequestSpec}: status, headers and body text. */
export interface HttpReply {
  status: number;
  headers: Record<string, string | string[]>;
  /** The body decoded as UTF-8. */
  text: string;
}

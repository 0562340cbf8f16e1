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

/**
 * A one-entry memo for request builders: the same inputs as the last call give the last value back
 * without building it again. A session's hosts and credentials rarely change, so the query parts made
 * of them are built once instead of percent-encoded on every request.
 */
export function lastValueMemo<T>(): (inputs: readonly string[], build: () => T) => T {
  let last: readonly string[] | undefined;
  let value: T;
  return (inputs, build) => {
    if (last === undefined || !sameStrings(inputs, last)) {
      value = build();
      last = inputs;
    }
    return value;
  };
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * /healthz, /readyz and /metrics, for the host and for `webwx serve` (docs/host.md "Health"):
 * `GET /healthz` answers 200 while the process serves; `GET /readyz` answers 200 when every account
 * that should be logged in is, else 503 with the list of those that are not; `GET /metrics` is the
 * Prometheus exposition and needs the bearer token like the API. The first two need no token.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../bot/http-api/api-client.js';
import { isAuthorized } from '../bot/http-api/index.js';
import type { HostMetrics } from './host-metrics.js';

/** What the health routes read. */
export interface HealthSource {
  /** The accounts that should be logged in and are not (empty: ready). */
  notReady(): { id: string; state: string }[];
  /** Served at /metrics (with the token) when given. */
  metrics?: HostMetrics;
  /** The API's bearer token (for /metrics). */
  token: string;
}

/**
 * A handler for the health routes: answers and returns true for /healthz, /readyz and /metrics,
 * returns false for any other path (the caller serves it).
 */
export function healthRoutes(source: HealthSource): (req: IncomingMessage, res: ServerResponse) => boolean {
  const tokenDigest = createHash('sha256').update(source.token, 'utf8').digest();
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/readyz' && path !== '/metrics') return false;
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: `${req.method} is not allowed here` });
      return true;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
    } else if (path === '/readyz') {
      const notReady = source.notReady();
      sendJson(res, notReady.length === 0 ? 200 : 503, { ready: notReady.length === 0, notReady });
    } else if (!source.metrics) {
      sendJson(res, 404, { error: 'no metrics here' });
    } else if (!isAuthorized(req.headers.authorization, tokenDigest)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="webwx"', 'content-length': '0' });
      res.end();
    } else {
      source.metrics.exposition().then(
        ({ contentType, text }) => {
          res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        () => sendJson(res, 500, { error: 'metrics failed' }),
      );
    }
    return true;
  };
}

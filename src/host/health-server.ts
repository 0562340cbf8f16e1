/**
 * The listener of `webwx serve` (docs/host.md "Health"): it listens before the login, so an
 * orchestrator's probes are answered while the account logs in. `/healthz` answers 200 and `/readyz`
 * 503 (not ready: the account is logging in) from the start (health-routes.ts); any other path
 * answers 503 with "starting" until `serve()` hands the HTTP API's handler over, after the login.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sendJson } from '../bot/http-api/api-client.js';
import type { ApiHandler } from '../bot/http-api/index.js';
import { listenAt } from '../bot/http-api/listen-url.js';

/** Options of {@link startHealthFirstServer}. */
export interface HealthFirstServerOptions {
  /** The health routes (healthRoutes()): answer and return true for their paths. */
  health: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Port to listen on (0 picks a free one; default 8788). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
}

/** A listener whose health routes answer at once and whose API comes later. */
export interface HealthFirstServer {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number;
  /** From now on every path but the health routes goes to `api`. */
  serve(api: ApiHandler): void;
  /** Stops listening, ends the connections and closes the API handler given to serve(). */
  close(): Promise<void>;
}

/** Listens now (see the file's header); rejects when the address cannot be bound. */
export async function startHealthFirstServer(options: HealthFirstServerOptions): Promise<HealthFirstServer> {
  let api: ApiHandler | undefined;
  const server: Server = createServer((req, res) => {
    if (options.health(req, res)) return;
    if (api) {
      void api.handle(req, res);
      return;
    }
    req.resume();
    res.setHeader('retry-after', '1');
    sendJson(res, 503, { error: 'starting: the account is logging in' });
  });
  const { url, port } = await listenAt(server, options.port ?? 8788, options.host ?? '127.0.0.1');
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    serve(handler) {
      api = handler;
    },
    close() {
      closed ??= (async () => {
        await api?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}

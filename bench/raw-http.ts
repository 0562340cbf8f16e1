/**
 * The HTTP under the limit's raw client (raw-session.ts): the least it needs of a request (method,
 * headers, a string body, an abort signal) and of a reply (status, headers, the body as text or
 * bytes), over one keep-alive pool per client.
 *
 * Two of them, so the restart scenario can show what the HTTP library itself costs a restarted
 * process (docs/benchmarks.md, "What undici costs a restart"):
 * - `undiciHttp()`: undici's Agent and request API, loaded as webwx loads them
 *   (src/transport/undici-parts.ts), on first call. The limit of every scenario runs on it.
 * - `nodeHttp()`: Node's own `http` module, which a process has without loading a package. Only the
 *   restart scenario's "limit with a store on node:http" runs on it.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface RawReply {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> };
}

export interface RawHttp {
  request(url: string, init: RawRequest): Promise<RawReply>;
  close(): Promise<void>;
}

/** undici's Agent (keep-alive, eight connections per origin) and request API. */
export async function undiciHttp(): Promise<RawHttp> {
  const { Agent, request } = await import('../src/transport/undici-parts.js');
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 8 });
  return {
    request: (url, init) => request(url, { ...init, dispatcher: agent }) as Promise<RawReply>,
    close: () => agent.close(),
  };
}

/** Node's `http.request` over a keep-alive `http.Agent` with eight sockets. */
export async function nodeHttp(): Promise<RawHttp> {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 8 });
  return {
    request: (url, init) =>
      new Promise<RawReply>((resolve, reject) => {
        const req = http.request(
          url,
          {
            method: init.method,
            headers: init.headers,
            agent,
            ...(init.signal ? { signal: init.signal } : {}),
          },
          (res) => {
            const body = new Promise<Buffer>((done, fail) => {
              const chunks: Buffer[] = [];
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () => done(Buffer.concat(chunks)));
              res.on('error', fail);
            });
            body.catch(() => {});
            resolve({
              statusCode: res.statusCode ?? 0,
              headers: res.headers,
              body: {
                text: async () => (await body).toString('utf8'),
                arrayBuffer: async () => {
                  const bytes = await body;
                  return bytes.buffer.slice(
                    bytes.byteOffset,
                    bytes.byteOffset + bytes.byteLength,
                  ) as ArrayBuffer;
                },
              },
            });
          },
        );
        req.on('error', reject);
        req.end(init.body);
      }),
    close: async () => agent.destroy(),
  };
}

/** A real node:http server on 127.0.0.1, port 0, for transport tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { createHttpTransport, type HttpTransport } from '../../src/transport/index.js';

export interface TestServer {
  server: Server;
  /** 'http://127.0.0.1:PORT' */
  origin: string;
  /** Each accepted socket, in order; `socketIds` maps a socket to its index. */
  sockets: Socket[];
  socketIds: WeakMap<Socket, number>;
  /** Resolves when the socket with this index has closed. */
  socketClosed(index: number): Promise<void>;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export async function startServer(handler: Handler): Promise<TestServer> {
  const sockets: Socket[] = [];
  const socketIds = new WeakMap<Socket, number>();
  const closed = new Map<number, Promise<void>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, res, Buffer.concat(chunks).toString('utf8'))).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  server.on('connection', (socket: Socket) => {
    const id = sockets.length;
    sockets.push(socket);
    socketIds.set(socket, id);
    closed.set(id, new Promise((resolve) => socket.once('close', () => resolve())));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    sockets,
    socketIds,
    socketClosed: (index) => closed.get(index) ?? Promise.reject(new Error(`no socket ${index}`)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a test file: `setup(handler, options)` starts a server and a transport, both closed after
 * each test, as is anything given to `track`.
 */
export function transportHarness(): {
  setup(
    handler: Handler,
    options?: Parameters<typeof createHttpTransport>[0],
  ): Promise<{ srv: TestServer; http: HttpTransport }>;
  /** Close this too after the test. */
  track(closable: { close(): Promise<void> }): void;
} {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    while (open.length) await open.pop()?.close();
  });
  return {
    async setup(handler, options = {}) {
      const srv = await startServer(handler);
      open.push(srv);
      const http = createHttpTransport(options);
      open.push(http);
      return { srv, http };
    },
    track(closable) {
      open.push(closable);
    },
  };
}

/** A GET spec for `url`. */
export function get(url: string, extra: Partial<Parameters<HttpTransport['send']>[0]> = {}) {
  return { endpoint: 'test', method: 'GET' as const, url, ...extra };
}

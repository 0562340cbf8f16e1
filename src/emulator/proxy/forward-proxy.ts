/**
 * Proxy mode: the emulator's HTTP server is also an HTTP/HTTPS forward proxy for the real service's
 * hosts (PROTOCOL.md §1). It answers CONNECT for a served host by terminating TLS with a
 * certificate of its local CA and feeding the decrypted stream back into the same HTTP server, and
 * it serves absolute-form requests (`GET https://host/path`, `GET http://host/path`) directly.
 * Nothing is ever forwarded: every other host is refused with 403 and a text body naming it.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Logger } from '../../logger.js';
import { isServedHost, normalizeHost, type PublicHost, publicHostFor } from './hosts.js';
import type { LocalCa } from './local-ca.js';

/** How the server should treat one request. */
export type RequestOrigin =
  | { kind: 'direct' }
  | { kind: 'served'; publicHost: PublicHost }
  | { kind: 'refused'; host: string };

export function refusalText(host: string): string {
  return `webwx emulator proxy: refusing "${host}": not a Web WeChat host served by the emulator (nothing is forwarded to the internet)\n`;
}

function refuseConnect(socket: Socket, host: string): void {
  const body = Buffer.from(refusalText(host), 'utf8');
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        'latin1',
      ),
      body,
    ]),
  );
}

/** Split a CONNECT target ("host:port", "[::1]:443") into host and port. */
function connectTarget(target: string): { host: string; port: number } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(target.trim());
  return { host: normalizeHost(m?.[1] ?? target), port: m?.[2] === undefined ? 443 : Number(m[2]) };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Does an absolute-form URL name this server's own listening address? */
function isSelf(url: URL, req: IncomingMessage): boolean {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (url.protocol !== 'http:' || port !== req.socket.localPort) return false;
  const local = req.socket.localAddress ?? '';
  const host = url.hostname.toLowerCase();
  return LOOPBACK.has(host) || host === local || host === `[${local}]`;
}

export class ForwardProxy {
  /** Sockets that came through CONNECT (raw and TLS), mapped to the host they were opened for. */
  private readonly tunnelHost = new WeakMap<Socket, string>();
  private readonly open = new Set<Socket>();

  constructor(
    private readonly ca: LocalCa,
    private readonly logger: Logger,
  ) {}

  /** Answer CONNECT on server. */
  attach(server: Server): void {
    server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.onConnect(server, req, socket, head),
    );
  }

  /** Where a request on the HTTP server came from, and what it is addressed to. */
  classify(req: IncomingMessage): RequestOrigin {
    const tunnel = this.tunnelHost.get(req.socket);
    if (tunnel !== undefined) return { kind: 'served', publicHost: publicHostFor(tunnel) };
    const url = req.url ?? '/';
    if (/^https?:\/\//i.test(url)) {
      let host: string;
      let parsed: URL;
      try {
        parsed = new URL(url);
        host = normalizeHost(parsed.host);
      } catch {
        return { kind: 'refused', host: url };
      }
      // Addressed to the emulator itself (a client whose HTTP_PROXY also covers the phone API).
      if (isSelf(parsed, req)) return { kind: 'direct' };
      return isServedHost(host)
        ? { kind: 'served', publicHost: publicHostFor(host) }
        : { kind: 'refused', host };
    }
    return { kind: 'direct' };
  }

  /** Destroy every tunnel (the emulator is closing). */
  closeTunnels(): void {
    for (const s of [...this.open]) s.destroy();
    this.open.clear();
  }

  private track(socket: Socket, host: string): void {
    this.tunnelHost.set(socket, host);
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }

  private onConnect(server: Server, req: IncomingMessage, socket: Socket, head: Buffer): void {
    const { host, port } = connectTarget(req.url ?? '');
    socket.on('error', () => socket.destroy());
    if (!isServedHost(host) || (port !== 443 && port !== 80)) {
      this.logger.info({ host, port }, 'emulator proxy refused CONNECT');
      refuseConnect(socket, port === 443 || port === 80 ? host : `${host}:${port}`);
      return;
    }
    this.logger.debug({ host, port }, 'emulator proxy CONNECT');
    this.track(socket, host);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    if (port === 80) {
      server.emit('connection', socket);
      return;
    }
    const tls = new TLSSocket(socket, {
      isServer: true,
      secureContext: this.ca.contextFor(host),
      // A client that names another served host in SNI gets that host's certificate.
      SNICallback: (name, cb) =>
        cb(null, this.ca.contextFor(isServedHost(name) ? normalizeHost(name) : host)),
      ALPNProtocols: ['http/1.1'],
    });
    tls.on('error', (err) => {
      this.logger.debug({ host, err: err.message }, 'emulator proxy TLS error');
      tls.destroy();
      socket.destroy();
    });
    this.track(tls, host);
    server.emit('connection', tls);
  }
}

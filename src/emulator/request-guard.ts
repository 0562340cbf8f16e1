/**
 * What the emulator refuses before it reads a request's body (docs/emulator.md "Safe by default"):
 * a Host that is not its own address (DNS rebinding; proxy mode also takes the served host names),
 * and, on the phone API, a missing or wrong bearer token, a cross-origin browser request, a body that
 * is not JSON (or multipart where media is sent), and a body over the phone API's size limit.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isServedHost } from './proxy/hosts.js';
import { PHONE_PAGE_PATHS } from './routes/phone-page-routes.js';
import { type Reply, textReply } from './served-request.js';

/** The protocol endpoints' body limit: one 512 KiB upload chunk plus its fields, with room to spare. */
export const MAX_BODY = 8 * 1024 * 1024;

/** The phone API's body limit (about 4.5 MB of media as base64; bigger files through `--media-dir`). */
export const PHONE_MAX_BODY = 6 * 1024 * 1024;

const PHONE_PREFIX = '/__phone/';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

/** Phone routes that also take a multipart/form-data body (bytes as a file part). */
const MULTIPART_PATHS: ReadonlySet<string> = new Set(['/__phone/media']);

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Is this bind address loopback only ('127.0.0.1', '127.x.y.z', '::1', 'localhost')? */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** An address as it stands in a Host header: IPv6 in brackets, IPv4-mapped IPv6 as IPv4. */
function hostForm(address: string): string {
  const a = address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return a.includes(':') && !a.startsWith('[') ? `[${a}]` : a;
}

/** A Host header split into its lower-cased name and its port (undefined: none given). */
function splitHost(header: string): { name: string; port: number | undefined } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  if (m === null) return undefined;
  const name = m[1]!.toLowerCase().replace(/\.$/, '');
  return { name, port: m[2] === undefined ? undefined : Number(m[2]) };
}

function phoneJson(status: number, error: string, extra: Record<string, string> = {}): Reply {
  return textReply(status, 'application/json; charset=utf-8', JSON.stringify({ error }), extra);
}

export interface RequestGuardOptions {
  /** The address the emulator was asked to bind ('127.0.0.1', '0.0.0.0', 'localhost', …). */
  bindHost: string;
  /** Proxy mode: Host headers naming a served host are the emulator's too. */
  proxy: boolean;
  /** The phone API's bearer token, if any. */
  phoneToken?: string;
}

export class RequestGuard {
  private port = 0;
  private readonly names = new Set<string>(LOOPBACK_NAMES);
  private readonly token: Buffer | undefined;

  constructor(private readonly options: RequestGuardOptions) {
    this.names.add(hostForm(options.bindHost));
    this.token = options.phoneToken === undefined ? undefined : Buffer.from(options.phoneToken, 'utf8');
  }

  /** The address the server listens on (its port and the address it got). */
  listening(address: AddressInfo): void {
    this.port = address.port;
    this.names.add(hostForm(address.address));
  }

  /** The most bytes a body to this path may have. */
  bodyLimit(path: string): number {
    return path.startsWith(PHONE_PREFIX) ? PHONE_MAX_BODY : MAX_BODY;
  }

  /**
   * The refusal for a request, or undefined to serve it. `tunnelled`: it came through the proxy
   * (a CONNECT tunnel or an absolute-form request for a served host), addressed to a served host.
   */
  check(req: IncomingMessage, path: string, tunnelled: boolean): Reply | undefined {
    if (!tunnelled && !this.ownHost(req)) {
      return textReply(
        421,
        'text/plain; charset=utf-8',
        `webwx emulator: refusing Host "${req.headers.host ?? ''}": not this emulator's address\n`,
      );
    }
    if (!path.startsWith(PHONE_PREFIX)) return this.tooLarge(req, path);
    return this.checkPhone(req, path);
  }

  /** Is the Host header the emulator's own address (or, in proxy mode, a served host name)? */
  private ownHost(req: IncomingMessage): boolean {
    const header = req.headers.host;
    if (header === undefined) return false;
    const host = splitHost(header);
    if (host === undefined) return false;
    if (this.options.proxy && isServedHost(host.name)) return true;
    if ((host.port ?? 80) !== this.port) return false;
    if (this.names.has(host.name)) return true;
    // Bound to every interface: the address this connection came in on is the emulator's too.
    const local = req.socket.localAddress;
    return local !== undefined && hostForm(local) === host.name;
  }

  private checkPhone(req: IncomingMessage, path: string): Reply | undefined {
    // The browser phone's page and files hold no data: a browser loads them without the token.
    const pageFile = req.method === 'GET' && PHONE_PAGE_PATHS.has(path);
    if (this.token !== undefined && !pageFile && !this.tokenMatches(req.headers.authorization)) {
      return phoneJson(401, 'the phone API needs "Authorization: Bearer <phone token>"', {
        'WWW-Authenticate': 'Bearer realm="webwx emulator phone"',
      });
    }
    // Browsers name the page's origin on every cross-origin request (and on same-origin POSTs): only
    // pages served by the emulator itself may use the phone API.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
      return phoneJson(403, `cross-origin requests to the phone API are refused (Origin ${origin})`);
    }
    const tooLarge = this.tooLarge(req, path);
    if (tooLarge !== undefined) return tooLarge;
    if (req.method === 'POST' && hasBody(req)) {
      const type = req.headers['content-type'] ?? '';
      const multipart = MULTIPART_PATHS.has(path) && MULTIPART_TYPE.test(type);
      if (!JSON_TYPE.test(type) && !multipart) {
        return phoneJson(
          415,
          MULTIPART_PATHS.has(path)
            ? 'Content-Type must be application/json or multipart/form-data'
            : 'Content-Type must be application/json',
        );
      }
    }
    return undefined;
  }

  private tokenMatches(header: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (m === null || this.token === undefined) return false;
    const given = Buffer.from(m[1]!, 'utf8');
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  private tooLarge(req: IncomingMessage, path: string): Reply | undefined {
    const length = Number(req.headers['content-length'] ?? 0);
    return length > this.bodyLimit(path) ? this.payloadTooLarge(path) : undefined;
  }

  /** 413 (JSON on the phone API); the connection is closed, the rest of the body is not read. */
  payloadTooLarge(path: string): Reply {
    const limit = this.bodyLimit(path);
    const extra = { Connection: 'close' };
    return path.startsWith(PHONE_PREFIX)
      ? phoneJson(413, `the body is larger than ${limit} bytes`, extra)
      : textReply(413, 'text/plain; charset=utf-8', 'Payload Too Large', extra);
  }
}

/** Does the request announce a body (a non-zero Content-Length, or chunked)? */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * What a route sees and answers: the parsed request, the reply, the route table. A leaf: the server
 * (http-server.ts) makes the requests and writes the replies, and every route file imports only this.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { MMWEBWX } from '../protocol/session-context.js';
import type { PublicHost } from './proxy/hosts.js';

export interface EmuRequest {
  method: string;
  path: string;
  /** The bare endpoint name: 'webwxsync', 'jslogin', 'qrcode', … */
  endpoint: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  cookies: Map<string, string>;
  /** One cookie (cookies.get without parsing them all). */
  cookie(name: string): string | undefined;
  bodyText: string;
  /** The body as received (multipart uploads are binary). */
  bodyBytes?: Buffer;
  /** The client went away before the reply. */
  readonly aborted: boolean;
  /** Calls listener (once) when the client goes away before the reply; returns its remover. */
  onAbort(listener: () => void): () => void;
  /** Proxy mode: the real host this request was addressed to (undefined: sent to the emulator directly). */
  publicHost?: PublicHost;
  /** Query parameter (query.get without building the query when it can). */
  queryParam(name: string): string | undefined;
  /** Query parameter, else form-body parameter. */
  param(name: string): string | undefined;
  /** The body parsed as JSON (any Content-Type), or undefined when it is not JSON. */
  json(): unknown;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  /** A stream (media downloads) is piped; its handler sets Content-Length. */
  body: string | Buffer | Readable;
}

export type Handler = (req: EmuRequest) => Reply | Promise<Reply>;

export interface Route {
  methods: readonly ('GET' | 'POST')[];
  handler: Handler;
  /** How a `ret` fault looks on this endpoint (default: a JSON BaseResponse). */
  retReply?: (ret: number) => Reply;
}

export function textReply(
  status: number,
  contentType: string,
  body: string | Buffer,
  extra: Record<string, string | string[]> = {},
): Reply {
  return { status, headers: { 'Content-Type': contentType, ...extra }, body };
}

/** JSON as the real server serves it: `Content-Type: text/plain` (§3.6). */
export function jsonReply(body: string, extra: Record<string, string | string[]> = {}): Reply {
  return textReply(200, 'text/plain', body, extra);
}

export function notFound(what = 'Not Found'): Reply {
  return textReply(404, 'text/plain; charset=utf-8', what);
}

export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly prefixes: [string, Route][] = [];

  /** Register an API endpoint under /cgi-bin/mmwebwx-bin/. */
  api(name: string, route: Route): void {
    this.exact.set(`${MMWEBWX}/${name}`, route);
  }

  path(path: string, route: Route): void {
    this.exact.set(path, route);
  }

  prefix(prefix: string, route: Route): void {
    this.prefixes.push([prefix, route]);
  }

  find(path: string): Route | undefined {
    const r = this.exact.get(path);
    if (r !== undefined) return r;
    for (const [p, route] of this.prefixes) if (path.startsWith(p)) return route;
    return undefined;
  }
}

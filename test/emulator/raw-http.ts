/** Raw HTTP for the security tests: any Host header, any body, chunked or not. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Emulator } from '../../src/emulator/index.js';

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
}

/** One request to the emulator's own port, with exactly the headers given (Host defaults to its address). */
export function raw(e: Emulator, r: RawRequest): Promise<RawReply> {
  const base = new URL(e.baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: base.host, ...r.headers };
    if (r.body !== undefined && !r.chunked) headers['content-length'] = String(Buffer.byteLength(r.body));
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: r.method ?? 'GET',
        path: r.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    // The server may answer and close before the whole body is written.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

/** A JSON POST to the phone API with fetch (Content-Type application/json unless `headers` say otherwise). */
export async function phonePost(
  e: Emulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: JSON of the phone API, checked by the assertions
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${e.baseUrl}/__phone/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

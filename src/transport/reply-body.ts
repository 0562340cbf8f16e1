/**
 * A reply's body read within bounds: whole when its length is declared and no coding applies, else
 * chunk by chunk up to the limit and then decompressed (gzip, deflate, br). Read failures are
 * TransportErrors, unless the request was aborted (then the abort's error goes through).
 */
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { TransportError } from '../errors.js';
import { firstHeader } from './http-headers.js';
import { messageOf } from './network-errors.js';

type Body = Dispatcher.ResponseData['body'];

/** Stateless between calls (no `stream: true`), so one is shared; it drops a BOM as undici's text() does. */
const utf8 = new TextDecoder('utf-8');

/** Bytes as UTF-8 text (a BOM dropped). */
export function decodeUtf8(bytes: Buffer): string {
  return utf8.decode(bytes);
}

/** Drop a body we do not read (up to 64 KB, so the socket can be reused). */
export async function discard(body: Body): Promise<void> {
  try {
    await body.dump({ limit: 64 * 1024 });
  } catch {
    // the socket is dropped instead of reused; nothing else to do
  }
}

/** The whole body as UTF-8 (a BOM dropped), failures mapped as readBounded maps them. */
export async function readText(
  body: Body,
  endpoint: string,
  url: string,
  signal: { readonly aborted: boolean },
): Promise<string> {
  try {
    return await body.text();
  } catch (error) {
    if (signal.aborted) throw error;
    throw readFailed(endpoint, url, error);
  }
}

function readFailed(endpoint: string, url: string, error: unknown): TransportError {
  return new TransportError(`${endpoint}: reading the body from ${url} failed: ${messageOf(error)}`, {
    url,
    cause: error,
  });
}

/** The body's bytes, refused with a TransportError past `limit` (declared or read). */
export async function readBounded(
  body: Body,
  limit: number,
  headers: Record<string, string | string[]>,
  endpoint: string,
  url: string,
  signal: { readonly aborted: boolean },
): Promise<Buffer> {
  const tooLarge = (): TransportError =>
    new TransportError(`${endpoint}: body from ${url} exceeds ${limit} bytes`, { url });
  const declared = Number(firstHeader(headers, 'content-length'));
  // Destroying the body makes it emit an AbortError nobody else listens to.
  body.on('error', () => {});
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > limit) {
        body.destroy();
        throw tooLarge();
      }
      chunks.push(buf);
    }
  } catch (error) {
    if (error instanceof TransportError || signal.aborted) throw error;
    throw readFailed(endpoint, url, error);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

const gunzipAsync = promisify<Buffer, ZlibOptions, Buffer>(gunzip);
const inflateAsync = promisify<Buffer, ZlibOptions, Buffer>(inflate);
const inflateRawAsync = promisify<Buffer, ZlibOptions, Buffer>(inflateRaw);
const brotliAsync = promisify<Buffer, { maxOutputLength: number }, Buffer>(brotliDecompress);

/** Undo Content-Encoding (a list is applied in order, so undone in reverse). Unknown codings pass through. */
export async function decompress(data: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  if (!encoding || data.length === 0) return data;
  const codings = encoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity')
    .reverse();
  let out = data;
  for (const coding of codings) {
    const opts = { maxOutputLength: limit };
    if (coding === 'gzip' || coding === 'x-gzip') out = await gunzipAsync(out, opts);
    else if (coding === 'br') out = await brotliAsync(out, opts);
    else if (coding === 'deflate') {
      // Some servers send raw deflate under this name.
      out = await inflateAsync(out, opts).catch(() => inflateRawAsync(out, opts));
    }
  }
  return out;
}

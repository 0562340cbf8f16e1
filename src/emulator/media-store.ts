/**
 * The emulator's media: chunked uploads reassembled on disk (in a temp directory the emulator owns and
 * deletes on close), md5-checked, and given MediaIds; media the phone sends; and the index from
 * MsgId, MediaId and md5 to the bytes. Files are written and read in place, never held whole.
 */

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidStateError } from '../errors.js';
import { UPLOAD_CHUNK_SIZE } from '../protocol/media.js';

export interface StoredMedia {
  mediaId: string;
  fileName: string;
  size: number;
  /** Hex md5 of the bytes. */
  md5: string;
  /** Sniffed from the bytes (or from the name). */
  contentType: string;
  path: string;
  /** A small image for webwxgetmsgimg type=slave (images and videos), when one was given. */
  thumbnailPath?: string;
}

export type ChunkResult =
  | { kind: 'partial'; received: number }
  | { kind: 'done'; media: StoredMedia }
  | { kind: 'error'; message: string };

export interface ChunkInput {
  /** Groups the chunks of one upload (session, ClientMediaId, name). */
  key: string;
  fileName: string;
  totalLen: number;
  chunks: number;
  chunk: number;
  data: Buffer;
  /** FileMd5 of uploadmediarequest ('' when the client left it out, as wechat4u does). */
  expectedMd5: string;
  mimeType: string;
}

interface Pending {
  path: string;
  handle: FileHandle;
  totalLen: number;
  chunks: number;
  received: Set<number>;
  bytes: number;
  /** Chunks of one upload are written one at a time. */
  queue: Promise<unknown>;
}

/** Uploads that never complete are dropped after this many new ones. */
const MAX_PENDING = 64;

const MIME_BY_EXT: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
};

/** The content type of stored bytes: magic numbers first, then the extension. */
export function contentTypeFor(head: Buffer, fileName: string): string {
  if (head[0] === 0xff && head[1] === 0xd8) return 'image/jpeg';
  if (head.subarray(0, 4).toString('latin1') === '\x89PNG') return 'image/png';
  if (head.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (head.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  if (head.subarray(0, 3).toString('latin1') === 'ID3') return 'audio/mpeg';
  const dot = fileName.lastIndexOf('.');
  return MIME_BY_EXT[dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}

/** `@crypt_<8 hex>_<256 hex>`, the shape of the capture's MediaId. */
export function newMediaId(): string {
  return `@crypt_${randomBytes(4).toString('hex')}_${randomBytes(128).toString('hex')}`;
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function headOf(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buf, 0, 16, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export class MediaStore {
  private dirPath: string | undefined;
  private counter = 0;
  private closed = false;
  private readonly pending = new Map<string, Pending>();
  private readonly byMediaId = new Map<string, StoredMedia>();
  private readonly byMd5 = new Map<string, StoredMedia>();
  private readonly byMsgId = new Map<string, StoredMedia>();

  /** The temp directory, made on first use. */
  get dir(): string {
    if (this.closed) throw new InvalidStateError('emulator media store is closed');
    this.dirPath ??= mkdtempSync(join(tmpdir(), 'webwx-emulator-media-'));
    return this.dirPath;
  }

  private nextPath(suffix = ''): string {
    this.counter += 1;
    return join(this.dir, `m${this.counter}${suffix}`);
  }

  /** Writes one chunk at its offset; the last one completes the upload (md5 checked when given). */
  acceptChunk(input: ChunkInput): Promise<ChunkResult> {
    let p = this.pending.get(input.key);
    if (p !== undefined && (p.totalLen !== input.totalLen || p.chunks !== input.chunks)) {
      return Promise.resolve({ kind: 'error', message: 'chunk does not match the upload it continues' });
    }
    const expected =
      input.chunk === input.chunks - 1 ? input.totalLen - input.chunk * UPLOAD_CHUNK_SIZE : UPLOAD_CHUNK_SIZE;
    if (input.chunk < 0 || input.chunk >= input.chunks || input.data.length !== Math.max(0, expected)) {
      return Promise.resolve({
        kind: 'error',
        message: `chunk ${input.chunk}/${input.chunks} has ${input.data.length} bytes, expected ${expected}`,
      });
    }
    if (p === undefined) {
      const path = this.nextPath('.part');
      const created = open(path, 'w+');
      p = {
        path,
        handle: undefined as unknown as FileHandle,
        totalLen: input.totalLen,
        chunks: input.chunks,
        received: new Set(),
        bytes: 0,
        queue: created.then((h) => {
          (p as Pending).handle = h;
        }),
      };
      this.pending.set(input.key, p);
      this.evictOldUploads();
    }
    const pending = p;
    const run = pending.queue.then(() => this.writeChunk(input, pending));
    pending.queue = run.catch(() => {});
    return run;
  }

  private async writeChunk(input: ChunkInput, p: Pending): Promise<ChunkResult> {
    if (!p.received.has(input.chunk)) {
      if (input.data.length > 0)
        await p.handle.write(input.data, 0, input.data.length, input.chunk * UPLOAD_CHUNK_SIZE);
      p.received.add(input.chunk);
      p.bytes += input.data.length;
    }
    if (p.received.size < p.chunks) return { kind: 'partial', received: p.bytes };
    this.pending.delete(input.key);
    await p.handle.close();
    const md5 = await md5OfFile(p.path);
    if (input.expectedMd5 && input.expectedMd5.toLowerCase() !== md5) {
      await rm(p.path, { force: true });
      return { kind: 'error', message: `FileMd5 ${input.expectedMd5} does not match the bytes (${md5})` };
    }
    const media = this.register({
      mediaId: newMediaId(),
      fileName: input.fileName,
      size: p.totalLen,
      md5,
      contentType: contentTypeFor(await headOf(p.path), input.fileName),
      path: p.path,
    });
    return { kind: 'done', media };
  }

  private evictOldUploads(): void {
    while (this.pending.size > MAX_PENDING) {
      const [key, p] = this.pending.entries().next().value as [string, Pending];
      this.pending.delete(key);
      void p.queue
        .then(() => p.handle?.close())
        .then(() => rm(p.path, { force: true }))
        .catch(() => {});
    }
  }

  private register(media: StoredMedia): StoredMedia {
    this.byMediaId.set(media.mediaId, media);
    if (!this.byMd5.has(media.md5)) this.byMd5.set(media.md5, media);
    return media;
  }

  /** Stores bytes the phone sends (from memory, or copied from a file without loading it). */
  async addPhoneMedia(source: Buffer | string, fileName: string, thumbnail?: Buffer): Promise<StoredMedia> {
    const path = this.nextPath();
    const hash = createHash('md5');
    const handle = await open(path, 'w');
    let size = 0;
    try {
      if (typeof source === 'string') {
        for await (const chunk of createReadStream(source)) {
          const buf = chunk as Buffer;
          hash.update(buf);
          await handle.write(buf);
          size += buf.length;
        }
      } else {
        hash.update(source);
        await handle.write(source);
        size = source.length;
      }
    } finally {
      await handle.close();
    }
    const media: StoredMedia = {
      mediaId: newMediaId(),
      fileName,
      size,
      md5: hash.digest('hex'),
      contentType: contentTypeFor(await headOf(path), fileName),
      path,
    };
    if (thumbnail !== undefined) {
      media.thumbnailPath = this.nextPath('.thumb');
      const t = await open(media.thumbnailPath, 'w');
      await t.write(thumbnail).finally(() => t.close());
    }
    return this.register(media);
  }

  mediaById(mediaId: string): StoredMedia | undefined {
    return this.byMediaId.get(mediaId);
  }

  mediaByMd5(md5: string): StoredMedia | undefined {
    return this.byMd5.get(md5.toLowerCase());
  }

  /** A message (sent by the phone or by a client) carries this media: downloads by MsgId find it. */
  link(msgId: string, media: StoredMedia): void {
    this.byMsgId.set(msgId, media);
  }

  mediaByMsgId(msgId: string): StoredMedia | undefined {
    return this.byMsgId.get(msgId);
  }

  /** Bytes [start, end] (inclusive) of a stored file as a stream. */
  stream(path: string, start?: number, end?: number): Readable {
    return createReadStream(path, start === undefined ? {} : { start, end });
  }

  /** Deletes the temp directory and everything in it. Idempotent. */
  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) void p.handle?.close().catch(() => {});
    this.pending.clear();
    if (this.dirPath !== undefined) rmSync(this.dirPath, { recursive: true, force: true });
    this.dirPath = undefined;
  }
}

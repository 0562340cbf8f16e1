/**
 * What an upload reads from: a file, bytes in memory, or a stream spooled to a private temp file
 * first (the md5 and the size must be known before the first chunk goes out, §6.1). Chunks are read
 * one at a time; a file is never held whole in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MediaInput, SendMediaOptions } from './media-api-types.js';
import { MediaError } from './media-errors.js';

export interface UploadSource {
  fileName: string;
  size: number;
  /** Hex md5 of the whole content. */
  md5: string;
  lastModifiedMs: number;
  /** Bytes [start, end). */
  read(start: number, end: number): Promise<Buffer>;
  /** Releases the file handle and removes a spooled temp file. */
  close(): Promise<void>;
}

function tooLarge(size: number, limit: number): MediaError {
  return new MediaError('too-large', `the file has ${size} bytes; the upload limit is ${limit}`);
}

async function md5OfFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash, { signal });
  return hash.digest('hex');
}

async function fileSource(
  path: string,
  fileName: string,
  limit: number,
  signal: AbortSignal | undefined,
  cleanup?: () => Promise<void>,
): Promise<UploadSource> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new MediaError('bad-input', `cannot read ${JSON.stringify(fileName)}`, { cause });
  }
  if (!info.isFile()) throw new MediaError('bad-input', `${JSON.stringify(fileName)} is not a file`);
  if (info.size > limit) throw tooLarge(info.size, limit);
  const md5 = await md5OfFile(path, signal);
  const handle = await open(path, 'r');
  return {
    fileName,
    size: info.size,
    md5,
    lastModifiedMs: info.mtimeMs,
    async read(start, end) {
      const buf = Buffer.alloc(end - start);
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await handle.read(buf, done, buf.length - done, start + done);
        if (bytesRead === 0)
          throw new MediaError('bad-input', `${JSON.stringify(fileName)} shrank while uploading`);
        done += bytesRead;
      }
      return buf;
    },
    async close() {
      await handle.close().catch(() => {});
      await cleanup?.();
    },
  };
}

function bufferSource(data: Uint8Array, fileName: string, limit: number, nowMs: number): UploadSource {
  if (data.length > limit) throw tooLarge(data.length, limit);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    fileName,
    size: buf.length,
    md5: createHash('md5').update(buf).digest('hex'),
    lastModifiedMs: nowMs,
    read: async (start, end) => buf.subarray(start, end),
    close: async () => {},
  };
}

/** Copies a stream into a private temp file, enforcing the limit, then reads it like a file. */
async function spooledSource(
  stream: Readable,
  fileName: string,
  options: SendMediaOptions,
  limit: number,
): Promise<UploadSource> {
  if (options.size !== undefined && options.size > limit) throw tooLarge(options.size, limit);
  const dir = await mkdtemp(join(tmpdir(), 'webwx-upload-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'spool');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) done(tooLarge(size, limit));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(stream, counter, createWriteStream(path), { signal: options.signal });
  } catch (error) {
    await remove();
    if (error instanceof MediaError || options.signal?.aborted) throw error;
    throw new MediaError('bad-input', `reading the stream for ${JSON.stringify(fileName)} failed`, {
      cause: error,
    });
  }
  if (options.size !== undefined && options.size !== size) {
    await remove();
    throw new MediaError('size-mismatch', `the stream delivered ${size} bytes, not ${options.size}`);
  }
  return fileSource(path, fileName, limit, options.signal, remove);
}

/** Opens any MediaInput as an UploadSource; MediaError for unusable input or one over `limit`. */
export async function openUploadSource(
  input: MediaInput,
  options: SendMediaOptions,
  limit: number,
  nowMs: number,
): Promise<UploadSource> {
  if (typeof input === 'string') {
    return fileSource(input, options.fileName ?? basename(input), limit, options.signal);
  }
  const fileName = options.fileName;
  if (!fileName) throw new MediaError('bad-input', 'options.fileName is required for a Buffer or a stream');
  if (input instanceof Uint8Array) return bufferSource(input, fileName, limit, nowMs);
  if (input instanceof Readable || typeof (input as Readable)?.pipe === 'function') {
    return spooledSource(input as Readable, fileName, options, limit);
  }
  throw new MediaError('bad-input', 'input must be a path, a Buffer or a Readable');
}

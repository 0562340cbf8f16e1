/**
 * FileBoxes both ways: webwx downloads (streams, avatar files) become FileBoxes, and a FileBox a bot
 * says becomes the input of the right webwx send (image, video or file, by the file name).
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileBox, type FileBoxInterface } from 'file-box';
import type { DownloadResult, DownloadStreamResult, MediaInput, SendMediaOptions } from '../client/index.js';
import { InvalidArgumentError } from '../errors.js';

/** Downloads up to this size become buffer FileBoxes (reusable); larger ones stay streams. */
const BUFFER_LIMIT = 20 * 1024 * 1024;

const CONTENT_EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'audio/mpeg': 'mp3',
  'video/mp4': 'mp4',
};

const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp']);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A name with an extension: `name` as it is when it has one, else one from the content type. */
export function nameWithExtension(name: string, contentType: string): string {
  if (/\.[A-Za-z0-9]{1,8}$/.test(name)) return name;
  const ext = CONTENT_EXTENSIONS[contentType.split(';')[0]?.trim().toLowerCase() ?? ''];
  return ext ? `${name}.${ext}` : name;
}

/** A downloaded body as a FileBox: read into memory when small, else the stream itself. */
export async function fileBoxFromDownload(
  download: DownloadStreamResult,
  name: string,
): Promise<FileBoxInterface> {
  const fileName = nameWithExtension(name, download.contentType);
  if (download.size !== undefined && download.size <= BUFFER_LIMIT) {
    return FileBox.fromBuffer(await readAll(download.stream), fileName);
  }
  return FileBox.fromStream(download.stream, fileName);
}

/**
 * A file the client writes (downloadAvatar) as a buffer FileBox: written into a private temporary
 * directory, read, and the directory removed.
 */
export async function fileBoxFromFile(
  write: (dir: string) => Promise<DownloadResult>,
  name: string,
): Promise<FileBoxInterface> {
  const dir = await mkdtemp(join(tmpdir(), 'webwx-wechaty-'));
  try {
    const result = await write(dir);
    return FileBox.fromBuffer(await readFile(result.path), nameWithExtension(name, result.contentType));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Which webwx send a file goes out with, by its name: images as images, .mp4 as a video, the rest as files. */
export function sendMethodOf(fileName: string): 'sendImage' | 'sendVideo' | 'sendFile' {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (IMAGE_EXTENSIONS.has(ext)) return 'sendImage';
  if (ext === 'mp4') return 'sendVideo';
  return 'sendFile';
}

/** The input and options of a webwx send for a FileBox: its bytes when small and known, else its stream. */
export async function mediaInputOf(
  fileBox: FileBoxInterface,
): Promise<{ input: MediaInput; options: SendMediaOptions }> {
  const fileName = fileBox.name;
  if (typeof fileName !== 'string' || fileName === '') {
    throw new InvalidArgumentError(
      'PuppetWebwx',
      'PuppetWebwx: the FileBox has no name (webwx sends need a file name)',
    );
  }
  const size = fileBox.size;
  if (size >= 0 && size <= BUFFER_LIMIT) return { input: await fileBox.toBuffer(), options: { fileName } };
  return { input: await fileBox.toStream(), options: size > 0 ? { fileName, size } : { fileName } };
}

/**
 * The media directory (`mediaDir`, `webwx emulator --media-dir DIR`): the only place from which the
 * phone API reads a file named by `path`. The path is resolved to its real path (symbolic links
 * followed) and must stay inside the directory's real path; only a regular file of at most
 * MEDIA_DIR_MAX_BYTES is read, through the descriptor that was checked.
 */

import { constants, realpathSync, statSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { InvalidArgumentError } from '../errors.js';

/** The largest file the phone API reads from the media directory. */
export const MEDIA_DIR_MAX_BYTES = 64 * 1024 * 1024;

/** The real path of a media directory; throws when it is not a directory. */
export function resolveMediaDir(dir: string): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new InvalidArgumentError('startEmulator', `startEmulator: mediaDir "${dir}" does not exist`);
  }
  if (!statSync(real).isDirectory())
    throw new InvalidArgumentError('startEmulator', `startEmulator: mediaDir "${dir}" is not a directory`);
  return real;
}

function refuse(message: string): never {
  throw new InvalidArgumentError('', `"path": ${message}`);
}

/** The bytes and the base name of a regular file inside `dir` (a real path); throws a message naming "path". */
export async function readMediaDirFile(
  dir: string | undefined,
  path: string,
): Promise<{ data: Buffer; fileName: string }> {
  if (dir === undefined)
    refuse('files are read only from a media directory (webwx emulator --media-dir DIR); send the bytes');
  if (path === '' || path.includes('\0')) refuse('must name a file in the media directory');
  let real: string;
  try {
    real = await realpath(isAbsolute(path) ? path : join(dir, path));
  } catch {
    return refuse(`no such file in the media directory: ${path}`);
  }
  const rel = relative(dir, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    refuse(`${path} is outside the media directory`);
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below as not a regular file).
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    () => refuse(`cannot open ${path}`),
  );
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) refuse(`${path} is not a regular file`);
    if (stat.size > MEDIA_DIR_MAX_BYTES) refuse(`${path} is larger than ${MEDIA_DIR_MAX_BYTES} bytes`);
    const data = Buffer.alloc(stat.size);
    let read = 0;
    while (read < data.length) {
      const { bytesRead } = await handle.read(data, read, data.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { data: data.subarray(0, read), fileName: basename(real) };
  } finally {
    await handle.close();
  }
}

/**
 * File names that come from messages are hostile until made safe: no directories (so no traversal or
 * absolute paths), no control or reserved characters, no Windows device names, a bounded length, and
 * a fresh name when the file exists already.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaError } from './media-errors.js';

/** UTF-8 bytes a safe name may have (common file systems allow 255). */
export const MAX_FILE_NAME_BYTES = 200;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/i;
// Control characters (C0, DEL, C1), path separators, characters Windows refuses, bidi overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters removed
const UNSAFE = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u202a-\u202e\u2066-\u2069\ufeff]/g;

function truncateUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value, 'utf8') <= maxBytes) return value;
  let out = '';
  let bytes = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > 16) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/**
 * A safe single path component for `name`: only its last segment is kept (`../../evil.sh` →
 * `evil.sh`, `/etc/passwd` → `passwd`), unsafe characters become `_`, leading dots and trailing dots
 * and spaces go, Windows device names get a `_` prefix (`CON` → `_CON`, `aux.txt` → `_aux.txt`), and
 * the length is capped in UTF-8 bytes keeping the extension. An empty result becomes `fallback`.
 */
export function safeFileName(name: string, fallback = 'file', maxBytes = MAX_FILE_NAME_BYTES): string {
  const segments = String(name)
    .normalize('NFC')
    .split(/[/\\]+/)
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  let base = (segments[segments.length - 1] ?? '').replace(UNSAFE, '_');
  base = base.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (!/[^_\s]/.test(base)) base = '';
  if (base === '') base = fallback === name ? 'file' : safeFileName(fallback, 'file', maxBytes);
  // Windows treats `NUL.tar.gz` (and `CON `) like the device: check the part before the first dot.
  if (WINDOWS_RESERVED.test((base.split('.')[0] ?? '').trimEnd())) base = `_${base}`;
  if (Buffer.byteLength(base, 'utf8') > maxBytes) {
    const parts = splitExtension(base);
    const room = Math.max(1, maxBytes - Buffer.byteLength(parts.ext, 'utf8'));
    base = `${truncateUtf8(parts.stem, room)}${parts.ext}`;
    if (Buffer.byteLength(base, 'utf8') > maxBytes) base = truncateUtf8(base, maxBytes);
  }
  return base;
}

/** `name`, then `name (1).ext`, `name (2).ext`, … */
export function numberedName(name: string, n: number, maxBytes = MAX_FILE_NAME_BYTES): string {
  if (n === 0) return name;
  const { stem, ext } = splitExtension(name);
  const suffix = ` (${n})${ext}`;
  return `${truncateUtf8(stem, Math.max(1, maxBytes - Buffer.byteLength(suffix, 'utf8')))}${suffix}`;
}

/**
 * Claims a name in `dir` that does not exist yet by creating it empty (exclusive create, so two
 * downloads never pick the same name) and returns its path. The caller renames its finished temp
 * file over it.
 */
export async function claimFileName(dir: string, name: string, maxTries = 1000): Promise<string> {
  for (let n = 0; n < maxTries; n++) {
    const path = join(dir, numberedName(name, n));
    try {
      const handle = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
      await handle.close();
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new MediaError('download-failed', `no free file name for ${JSON.stringify(name)} in ${dir}`);
}

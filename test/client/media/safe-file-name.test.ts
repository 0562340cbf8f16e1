/** File names from messages made safe: traversal, absolute paths, control chars, reserved names, length. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  claimFileName,
  MAX_FILE_NAME_BYTES,
  numberedName,
  safeFileName,
} from '../../../src/client/media/safe-file-name.js';

describe('safeFileName', () => {
  it('keeps only the last path segment and cleans it', () => {
    expect(safeFileName('../../evil.sh')).toBe('evil.sh');
    expect(safeFileName('/etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\windows\\system32\\a.dll')).toBe('a.dll');
    expect(safeFileName('C:\\boot.ini')).toBe('boot.ini');
    expect(safeFileName('a\u0000b')).toBe('a_b');
    expect(safeFileName('tab\there\nnew.txt')).toBe('tab_here_new.txt');
    expect(safeFileName('what?<>|*".txt')).toBe('what______.txt');
    expect(safeFileName('report.pdf')).toBe('report.pdf');
    expect(safeFileName('报告 2024.pdf')).toBe('报告 2024.pdf');
    expect(safeFileName('\u202egnp.exe')).toBe('_gnp.exe');
  });

  it('prefixes Windows device names, with or without an extension', () => {
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('con.txt')).toBe('_con.txt');
    expect(safeFileName('LPT1')).toBe('_LPT1');
    expect(safeFileName('nul.tar.gz')).toBe('_nul.tar.gz');
    expect(safeFileName('aux')).toBe('_aux');
    expect(safeFileName('console')).toBe('console');
  });

  it('drops leading dots and trailing dots or spaces; empty names get the fallback', () => {
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('name. . ')).toBe('name');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('', '123.jpg')).toBe('123.jpg');
    expect(safeFileName('///', '../x')).toBe('x');
    expect(safeFileName('\u0000\u0001')).toBe('file');
  });

  it('caps the length in UTF-8 bytes and keeps the extension', () => {
    const long = `${'长'.repeat(300)}.pdf`;
    const safe = safeFileName(long);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(safe.endsWith('.pdf')).toBe(true);
    expect(safe).not.toContain('\uFFFD');
    expect(safeFileName('a'.repeat(1000)).length).toBe(MAX_FILE_NAME_BYTES);
  });

  it('always yields one harmless path component (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (name) => {
        const safe = safeFileName(name);
        expect(safe.length).toBeGreaterThan(0);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must not survive
        expect(safe).not.toMatch(/[/\\:*?"<>|\u0000-\u001f\u007f]/);
        expect(safe === '.' || safe === '..').toBe(false);
        expect(safe.startsWith('.')).toBe(false);
        expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
        expect(basename(join('/base', safe))).toBe(safe);
      }),
      { numRuns: 500 },
    );
  });
});

describe('numbered names and claiming', () => {
  it('numbers before the extension', () => {
    expect(numberedName('a.txt', 0)).toBe('a.txt');
    expect(numberedName('a.txt', 2)).toBe('a (2).txt');
    expect(numberedName('noext', 1)).toBe('noext (1)');
    expect(Buffer.byteLength(numberedName('x'.repeat(MAX_FILE_NAME_BYTES), 12))).toBeLessThanOrEqual(
      MAX_FILE_NAME_BYTES,
    );
  });

  it('claims a free name atomically: collisions get a number', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'webwx-names-'));
    try {
      await writeFile(join(dir, 'a.txt'), 'x');
      const [p1, p2] = await Promise.all([claimFileName(dir, 'a.txt'), claimFileName(dir, 'a.txt')]);
      expect(new Set([basename(p1), basename(p2)])).toEqual(new Set(['a (1).txt', 'a (2).txt']));
      expect((await readdir(dir)).sort()).toEqual(['a (1).txt', 'a (2).txt', 'a.txt']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

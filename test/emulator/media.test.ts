/** The emulator's multipart parser and media store (chunk reassembly, md5 check, temp dir). */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, MediaStore } from '../../src/emulator/media-store.js';
import { boundaryOf, parseMultipart } from '../../src/emulator/multipart.js';
import { UPLOAD_CHUNK_SIZE } from '../../src/protocol/index.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

function form(boundary: string, parts: Array<[string, string | Buffer, string?]>, close = true): Buffer {
  const out: Buffer[] = [];
  for (const [name, value, fileName] of parts) {
    const disposition =
      fileName === undefined
        ? `form-data; name="${name}"`
        : `form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: application/octet-stream`;
    out.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`),
      Buffer.from(value),
      Buffer.from('\r\n'),
    );
  }
  out.push(Buffer.from(close ? `--${boundary}--\r\n` : `--${boundary}\r\n`));
  return Buffer.concat(out);
}

describe('multipart parser', () => {
  it('reads fields and a binary file part, with or without the closing --', () => {
    const data = Buffer.concat([
      randomBytes(1000),
      Buffer.from('\r\n--not-the-boundary\r\n'),
      randomBytes(10),
    ]);
    const b = '----WebKitFormBoundaryCFAuSFyYgivpBuGp';
    expect(boundaryOf(`multipart/form-data; boundary=${b}`)).toBe(b);
    expect(boundaryOf('multipart/form-data; boundary="quoted b"')).toBe('quoted b');
    expect(boundaryOf('application/json')).toBeUndefined();
    for (const close of [true, false]) {
      const parsed = parseMultipart(
        form(
          b,
          [
            ['id', 'WU_FILE_0'],
            ['name', 'IMG_1002.JPG'],
            ['filename', data, 'IMG_1002.JPG'],
          ],
          close,
        ),
        b,
      );
      expect(parsed?.fields.get('id')).toBe('WU_FILE_0');
      expect(parsed?.files[0]?.fileName).toBe('IMG_1002.JPG');
      expect(parsed?.files[0]?.data.equals(data)).toBe(true);
    }
    expect(parseMultipart(Buffer.from('garbage'), b)).toBeUndefined();
    const empty = parseMultipart(form(b, [['filename', Buffer.alloc(0), 'e']]), b);
    expect(empty?.files[0]?.data.length).toBe(0);
  });
});

describe('MediaStore', () => {
  it('reassembles chunks sent in any order, checks the md5, and deletes its directory on close', async () => {
    const store = new MediaStore();
    const data = randomBytes(UPLOAD_CHUNK_SIZE * 2 + 17);
    const chunk = (i: number) => data.subarray(i * UPLOAD_CHUNK_SIZE, (i + 1) * UPLOAD_CHUNK_SIZE);
    const input = {
      key: 'k',
      fileName: 'x.bin',
      totalLen: data.length,
      chunks: 3,
      expectedMd5: md5(data),
      mimeType: '',
    };
    expect(await store.acceptChunk({ ...input, chunk: 2, data: chunk(2) })).toMatchObject({
      kind: 'partial',
    });
    expect(await store.acceptChunk({ ...input, chunk: 0, data: chunk(0) })).toMatchObject({
      kind: 'partial',
    });
    const done = await store.acceptChunk({ ...input, chunk: 1, data: chunk(1) });
    if (done.kind !== 'done') throw new Error(JSON.stringify(done));
    expect(done.media.md5).toBe(md5(data));
    expect(done.media.mediaId).toMatch(/^@crypt_[0-9a-f]{8}_[0-9a-f]{256}$/);
    expect((await readFile(done.media.path)).equals(data)).toBe(true);
    expect(store.mediaById(done.media.mediaId)).toBe(done.media);
    expect(store.mediaByMd5(md5(data).toUpperCase())).toBe(done.media);

    const bad = await store.acceptChunk({
      ...input,
      key: 'k2',
      totalLen: 3,
      chunks: 1,
      chunk: 0,
      data: Buffer.from('abc'),
    });
    expect(bad).toMatchObject({ kind: 'error' });
    const noMd5 = await store.acceptChunk({
      ...input,
      key: 'k3',
      totalLen: 3,
      chunks: 1,
      chunk: 0,
      data: Buffer.from('abc'),
      expectedMd5: '',
    });
    expect(noMd5).toMatchObject({ kind: 'done' });
    const wrongSize = await store.acceptChunk({
      ...input,
      key: 'k4',
      totalLen: 5,
      chunks: 1,
      chunk: 0,
      data: Buffer.from('abc'),
    });
    expect(wrongSize).toMatchObject({ kind: 'error' });
    const dir = store.dir;
    store.close();
    expect(existsSync(dir)).toBe(false);
    expect(() => store.dir).toThrow();
  });

  it('stores phone media from bytes or a file and sniffs the content type', async () => {
    const store = new MediaStore();
    try {
      const gif = Buffer.from('GIF89a...');
      const media = await store.addPhoneMedia(gif, 'a.jpg');
      expect(media.contentType).toBe('image/gif');
      const copy = await store.addPhoneMedia(media.path, 'copy.gif');
      expect(copy.md5).toBe(media.md5);
      store.link('123', copy);
      expect(store.mediaByMsgId('123')).toBe(copy);
      expect(contentTypeFor(Buffer.from('plain'), 'x.mp3')).toBe('audio/mpeg');
      expect(contentTypeFor(Buffer.from('plain'), 'x')).toBe('application/octet-stream');
    } finally {
      store.close();
    }
  });
});

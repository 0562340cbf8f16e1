/** A 25 MB file up and down through the real client and emulator, byte-identical, memory flat. */
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldSpec } from '../../src/emulator/index.js';
import { login, type Pair, startPair, waitForMessage } from './harness.js';
import { measureMemory } from './media-memory.js';

const SIZE = 25 * 1024 * 1024;
const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: 'Me' },
  contacts: [{ id: 'wxid_alice', nickName: 'Alice' }],
  recent: ['wxid_alice'],
};

let pair: Pair;
let work: string;
let source: string;
let sourceMd5: string;

/** Writes `size` random bytes 1 MiB at a time (never the whole file in memory) and returns the md5. */
async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('md5');
  const chunk = Buffer.alloc(1024 * 1024);
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; written += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - written));
      randomFillSync(part);
      hash.update(part);
      await handle.write(part);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'webwx-media-large-'));
  source = join(work, 'big.bin');
  sourceMd5 = await writeRandomFile(source, SIZE);
  pair = await startPair({ world: WORLD });
  await login(pair);
}, 60_000);
afterAll(async () => {
  await pair?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a 25 MB file', () => {
  it('goes up and comes back down byte-identical, with memory flat both ways', async () => {
    const alice = pair.client.contacts.find('Alice')[0]?.userName ?? '';
    // Warm up first (code compiled on first use, connection pools, …), so only the transfer counts.
    const warm = await pair.client.sendFile(alice, Buffer.alloc(600_000, 7), { fileName: 'warm.bin' });
    await pair.emulator.phone.waitForSent((r) => r.msgId === warm.msgId);
    const warmIn = await pair.emulator.phone.sendFile({ from: 'wxid_alice', data: Buffer.alloc(10, 1) });
    await pair.client.download(await waitForMessage(pair, (m) => m.id === warmIn.msgId), {
      dir: join(work, 'warm'),
    });
    const up = await measureMemory(() => pair.client.sendFile(alice, source));
    const record = await pair.emulator.phone.waitForSent((r) => r.msgId === up.result.msgId);
    expect(record.media?.size).toBe(SIZE);
    expect(record.media?.md5).toBe(sourceMd5);

    const injected = await pair.emulator.phone.sendFile({
      from: 'wxid_alice',
      path: source,
      fileName: 'big.bin',
    });
    const message = await waitForMessage(pair, (m) => m.id === injected.msgId);
    const down = await measureMemory(() => pair.client.download(message, { dir: join(work, 'down') }));
    expect(down.result.bytes).toBe(SIZE);
    expect(await md5OfFile(down.result.path)).toBe(sourceMd5);

    // Holding the file would show ~25 MB of growth; streaming stays within a few chunks.
    expect(up.report.samples).toBeGreaterThan(0);
    expect(up.report.growth).toBeLessThan(SIZE / 4);
    expect(down.report.growth).toBeLessThan(SIZE / 4);
  }, 60_000);

  it('over 25 MB goes through webwxcheckupload; a second send of the same file skips the upload', async () => {
    const bigger = join(work, 'bigger.bin');
    const md5 = await writeRandomFile(bigger, SIZE + 1);
    const alice = pair.client.contacts.find('Alice')[0]?.userName ?? '';
    const first = await pair.client.sendFile(alice, bigger);
    const record = await pair.emulator.phone.waitForSent((r) => r.msgId === first.msgId);
    expect(record.media?.md5).toBe(md5);
    expect(record.media?.size).toBe(SIZE + 1);
    // Any upload now fails: the second send succeeds only because checkupload knows the file.
    const fault = pair.emulator.faults.inject('webwxuploadmedia', { kind: 'http-status', status: 400 });
    try {
      const second = await pair.client.sendFile(alice, bigger);
      expect(second.mediaId).toBe(first.mediaId);
      expect(fault.hits).toBe(0);
    } finally {
      fault.remove();
    }
  }, 60_000);

  it('the measurement sees a whole file held in memory', async () => {
    const held = await measureMemory(async () => {
      const whole = Buffer.alloc(SIZE, 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return whole.length;
    });
    expect(held.result).toBe(SIZE);
    expect(held.report.growth).toBeGreaterThan(SIZE * 0.9);
  });
});

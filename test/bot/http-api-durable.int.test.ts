/**
 * Durable delivery of the HTTP API (docs/bot.md): with the client's store, the webhook's queue is the
 * message log (its position in the store's settings), every event carries the log seq as its id, and
 * the event stream replays after `Last-Event-ID`. The real client on a SqliteStore, the real emulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../src/bot/http-api/index.js';
import { createClient, type WebWxClient } from '../../src/client/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { startLocalServer } from './local-server.js';
import { startAutoConfirmingEmulator } from './logged-in.js';

const TOKEN = 'test-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'webwx-api-durable-'));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Running {
  client: WebWxClient;
  store: SqliteStore;
  api: ApiServer;
  stop(): Promise<void>;
}

async function run(emulator: Emulator, db: string, webhookUrl?: string): Promise<Running> {
  const store = new SqliteStore(db);
  const client = createClient({
    server: emulator.baseUrl,
    store,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
  });
  await client.start();
  const api = await startApiServer({
    client,
    token: TOKEN,
    port: 0,
    store,
    heartbeatMs: 60_000,
    ...(webhookUrl ? { webhook: { url: webhookUrl, backoffBaseMs: 10, backoffMaxMs: 40 } } : {}),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await api.close();
    await client.stop();
    store.close();
  };
  cleanups.push(stop);
  return { client, store, api, stop };
}

interface SseEvent {
  id: string;
  data: { eventId: string; text: string };
}

/** Reads an event stream until `count` events came (or the timeout). */
async function readEvents(
  url: string,
  count: number,
  headers: Record<string, string> = {},
  during?: () => void,
): Promise<SseEvent[]> {
  const controller = new AbortController();
  const res = await fetch(`${url}/v1/events`, {
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const events: SseEvent[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const timer = setTimeout(() => controller.abort(), 10_000);
  during?.();
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id !== undefined && data !== undefined) events.push({ id, data: JSON.parse(data) });
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('HTTP API durable delivery (SqliteStore)', () => {
  it('webhook: an outage and a restart lose nothing; each event keeps its id (header and body)', async () => {
    const emulator = await startAutoConfirmingEmulator();
    cleanups.push(() => emulator.close());
    let down = true;
    const hook = await startLocalServer(() => (down ? { status: 503, body: 'down' } : { status: 204 }));
    cleanups.push(() => hook.close());
    const db = join(dir, 'webhook.db');

    const first = await run(emulator, db, `${hook.url}/in`);
    for (let i = 0; i < 5; i++) emulator.phone.sendText({ from: '老张', text: `outage-${i}` });
    await until('the first attempts', () => hook.requests.length >= 3);
    // The receiver is still down when the process stops: nothing was accepted.
    await first.stop();
    for (let i = 5; i < 8; i++) emulator.phone.sendText({ from: '老张', text: `outage-${i}` });
    down = false;
    const second = await run(emulator, db, `${hook.url}/in`);
    const accepted = () => hook.requests.filter((r) => r.headers['x-webwx-event-id']);
    const texts = () =>
      new Set(
        accepted()
          .map((r) => JSON.parse(r.body) as { text: string })
          .map((b) => b.text),
      );
    await until(
      'every event delivered',
      () => [...texts()].filter((t) => t.startsWith('outage-')).length === 8,
    );
    const byText = new Map<string, Set<string>>();
    for (const r of accepted()) {
      const body = JSON.parse(r.body) as { eventId: string; text: string };
      expect(r.headers['x-webwx-event-id']).toBe(body.eventId);
      expect(body.eventId).toMatch(/^\d+$/);
      const ids = byText.get(body.text) ?? new Set();
      ids.add(body.eventId);
      byText.set(body.text, ids);
    }
    // A message retried (before and after the restart) always carried the same event id.
    for (const ids of byText.values()) expect(ids.size).toBe(1);
    const order = accepted()
      .map((r) => (JSON.parse(r.body) as { text: string }).text)
      .filter((t) => t.startsWith('outage-'));
    const firstSeen = [...new Set(order)];
    expect(firstSeen).toEqual(Array.from({ length: 8 }, (_, i) => `outage-${i}`));
    await second.stop();
  });

  it('SSE: ids are log seqs and Last-Event-ID replays what came after, also across a restart', async () => {
    const emulator = await startAutoConfirmingEmulator();
    cleanups.push(() => emulator.close());
    const db = join(dir, 'sse.db');
    const first = await run(emulator, db);
    const live = await readEvents(first.api.url, 3, {}, () => {
      for (let i = 0; i < 3; i++) emulator.phone.sendText({ from: '老张', text: `sse-${i}` });
    });
    expect(live.map((e) => e.data.text)).toEqual(['sse-0', 'sse-1', 'sse-2']);
    for (const e of live) expect(e.id).toBe(e.data.eventId);
    const seqs = live.map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await first.stop();

    // Messages arrive while nobody serves; a new process replays them after the last id seen.
    for (let i = 3; i < 6; i++) emulator.phone.sendText({ from: '老张', text: `sse-${i}` });
    const second = await run(emulator, db);
    const resumed = await readEvents(second.api.url, 4, { 'last-event-id': live[1]?.id ?? '' });
    expect(resumed.map((e) => e.data.text)).toEqual(['sse-2', 'sse-3', 'sse-4', 'sse-5']);
    expect(resumed[0]?.id).toBe(live[2]?.id);
    // Replay, then live, without a gap or a repeat.
    const more = await readEvents(second.api.url, 5, { 'last-event-id': live[1]?.id ?? '' }, () => {
      setTimeout(() => emulator.phone.sendText({ from: '老张', text: 'sse-6' }), 50);
    });
    expect(more.map((e) => e.data.text)).toEqual(['sse-2', 'sse-3', 'sse-4', 'sse-5', 'sse-6']);
    await second.stop();
  });
});

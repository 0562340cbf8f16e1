/**
 * Fault soak: about 10 % of requests fail in mixed ways (connection resets, 5xx, malformed bodies,
 * Ret -1/1/1205, delays, hanging synccheck, re-delivered messages). The loop keeps going and loses
 * nothing: every message is emitted once, every reply reaches the phone once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/model/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { login, type Pair, startPair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const MESSAGES = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault soak', () => {
  it(`${MESSAGES} messages through ~10 % failing requests: nothing lost, nothing twice`, async () => {
    const store = new MemoryStore();
    pair = await startPair(
      { timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 }, syncBatchSize: 10 },
      {
        store,
        timeouts: { requestMs: 2000, syncCheckMs: 2000, loginPollMs: 2000 },
        retry: { baseDelayMs: 10, maxDelayMs: 50 },
        rateLimit: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 50 },
      },
    );
    await login(pair);
    const { emulator: e, client } = pair;
    const received = new Map<string, number>();
    const replies: Promise<unknown>[] = [];
    client.on('message', (m: Message) => {
      received.set(m.id, (received.get(m.id) ?? 0) + 1);
      const n = /^soak-(\d+)$/.exec(m.text)?.[1];
      if (n !== undefined && Number(n) % 5 === 0) replies.push(client.sendText(m.chat.userName, `re-${n}`));
    });

    const handles: { hits: number }[] = [];
    const inject = (...args: Parameters<typeof e.faults.inject>) => handles.push(e.faults.inject(...args));
    // A few certain failures of each main kind, so the soak never runs nearly fault-free by chance…
    inject('webwxsendmsg', { kind: 'reset' }, { times: 3 });
    inject('webwxsync', { kind: 'malformed' }, { times: 3 });
    inject('synccheck', { kind: 'http-status', status: 502 }, { times: 3 });
    inject('webwxsync', { kind: 'redeliver' }, { times: 2 });
    // …then about one request in ten fails, each way equally likely.
    const p = 0.1 / 7;
    inject('*', { kind: 'reset' }, { probability: p });
    inject('*', { kind: 'http-status', status: 502 }, { probability: p });
    inject('*', { kind: 'malformed' }, { probability: p });
    inject('*', { kind: 'ret', ret: -1 }, { probability: p });
    inject('webwxsendmsg', { kind: 'ret', ret: 1205 }, { probability: 0.1 });
    inject('*', { kind: 'delay', ms: 100 }, { probability: p });
    inject('synccheck', { kind: 'hang' }, { probability: p });
    inject('webwxsync', { kind: 'redeliver' }, { probability: p });
    inject('webwxsync', { kind: 'ret', ret: 1 }, { probability: p });

    const friends = e.world.listedContacts().filter((c) => c.kind === undefined || c.kind === 'friend');
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      ids.push(e.phone.sendText({ from: friends[i % friends.length]!.id, text: `soak-${i}` }).msgId);
      if (i % 10 === 9) await sleep(5);
    }
    const deadline = Date.now() + 40_000;
    while (ids.some((id) => !received.has(id)) && Date.now() < deadline) await sleep(50);
    await Promise.all(replies);
    // Handles, not faults.list(): entries whose `times` ran out leave the list.
    const hits = handles.reduce((sum, h) => sum + h.hits, 0);
    e.faults.clear();

    expect(ids.filter((id) => !received.has(id))).toEqual([]);
    expect([...received].filter(([, count]) => count > 1)).toEqual([]);
    const sentReplies = e.phone.sent().filter((r) => r.content.startsWith('re-'));
    expect(sentReplies).toHaveLength(MESSAGES / 5);
    expect(new Set(sentReplies.map((r) => r.content)).size).toBe(MESSAGES / 5);
    expect(client.state).toBe('ready');
    expect(hits).toBeGreaterThan(10);
    expect(pair.events.error.length).toBeGreaterThan(0);
    const history = await store.pendingOutgoing();
    expect(history).toEqual([]);
  }, 60_000);
});

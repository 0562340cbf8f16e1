import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, resolveOptions } from '../../../src/client/options.js';
import { MAX_PARALLEL_SENDS } from '../../../src/client/send/outbox.js';
import { resendPending } from '../../../src/client/send/resend.js';
import { actionFor, isRateLimited, sendRetryDelay } from '../../../src/client/send/send-policy.js';
import { textRecipe } from '../../../src/client/send/send-recipes.js';
import { DEFAULT_RATE_LIMIT, resolveRateLimit, storeStableIds } from '../../../src/client/store-options.js';
import {
  InvalidArgumentError,
  LoggedOutError,
  ParseError,
  ProtocolError,
  TransportError,
} from '../../../src/errors.js';
import { MemoryStore, type MessageStore, SqliteStore } from '../../../src/store/index.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/transport/index.js';
import { heldOutbox } from './outbox-harness.js';

const policies = {
  rateLimit: { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1000 },
  retry: DEFAULT_RETRY_POLICY,
};
const isSendRetryable = (error: unknown): boolean => {
  const action = actionFor(error);
  return action === 'pause-all' || action === 'retry-chat';
};
const limited = new ProtocolError('webwxsendmsg', 1205);

describe('send retries', () => {
  it('retries rate limits, transient failures and unreadable replies, nothing else', () => {
    expect(isRateLimited(limited)).toBe(true);
    expect(isSendRetryable(limited)).toBe(true);
    expect(isSendRetryable(new ParseError('webwxsendmsg', 'cut', 'x'))).toBe(true);
    expect(isSendRetryable(new TransportError('reset', { url: 'u' }))).toBe(true);
    expect(isSendRetryable(new ProtocolError('webwxsendmsg', 1204))).toBe(false);
    expect(isSendRetryable(new TypeError('bug'))).toBe(false);
  });

  it('a 1205 delay is within [step/2, step], the step doubling up to maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const step = Math.min(1000, 100 * 2 ** (attempt - 1));
          const d = sendRetryDelay(attempt, limited, policies, () => r);
          return d >= step / 2 && d <= step;
        },
      ),
    );
    // Never shorter than the previous attempt's longest wait: a rate limit always slows down.
    expect(sendRetryDelay(2, limited, policies, () => 0)).toBeGreaterThanOrEqual(
      sendRetryDelay(1, limited, policies, () => 0.999),
    );
  });

  it('other failures use the retry policy', () => {
    const d = sendRetryDelay(3, new TransportError('reset', { url: 'u' }), policies, () => 0.5);
    expect(d).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe('session options', () => {
  it('resolves rateLimit with defaults and refuses nonsense', () => {
    expect(resolveRateLimit(undefined)).toEqual({ ...DEFAULT_RATE_LIMIT });
    expect(resolveRateLimit({ maxAttempts: 3.7, baseDelayMs: 0 })).toMatchObject({
      maxAttempts: 3,
      baseDelayMs: 0,
    });
    expect(() => resolveRateLimit({ maxAttempts: 0 })).toThrow(InvalidArgumentError);
    expect(() => resolveRateLimit({ maxDelayMs: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('resolves sendPipelining: 16 by default, a whole number ≥ 1 otherwise', () => {
    expect(resolveOptions({}).sendPipelining).toBe(16);
    expect(resolveOptions({ sendPipelining: 1 }).sendPipelining).toBe(1);
    expect(() => resolveOptions({ sendPipelining: 0 })).toThrow(InvalidArgumentError);
    expect(() => resolveOptions({ sendPipelining: 2.5 })).toThrow(InvalidArgumentError);
  });

  it('takes the stable-id store of a SqliteStore, none of other stores', () => {
    expect(storeStableIds(new MemoryStore())).toBeUndefined();
    expect(storeStableIds(undefined)).toBeUndefined();
    const sqlite = new SqliteStore(':memory:');
    const ids = storeStableIds(sqlite)!;
    void ids.save([{ id: 'p:x' } as never]);
    expect(ids.load()).toEqual([{ id: 'p:x' }]);
    sqlite.close();
  });
});

describe('Outbox: text ordering, pipelining and retries', () => {
  /** An outbox over held replies (outbox-harness.ts) with the text queue's calls. */
  function queueWithHeldReplies(
    options: ClientOptions = {},
    init: { store?: MessageStore; endSession?: (e: LoggedOutError) => void } = {},
  ) {
    const held = heldOutbox({ options, ...init });
    const { outbox } = held;
    const queue = {
      outbox,
      sendText: (to: string, text: string) => outbox.enqueue(to, textRecipe(text), { method: 'sendText' }),
      resendPending: () => resendPending(outbox, init.store!),
    };
    return { ...held, queue };
  }

  const settle = () => new Promise((r) => setTimeout(r, 0));

  /** Sends `n` texts to `to` and answers them one by one, so the pipelining depth opens to `n + 1`. */
  async function warmUp(q: ReturnType<typeof queueWithHeldReplies>, to: string, n: number) {
    for (let i = 0; i < n; i++) {
      const sent = q.queue.sendText(to, `warm ${i}`);
      await settle();
      q.held.at(-1)!.ok();
      await sent;
    }
  }

  it('sendPipelining 1: one chat one at a time, in order; different chats in parallel up to the bound', async () => {
    const { queue, held } = queueWithHeldReplies({ sendPipelining: 1 });
    const results = [
      queue.sendText('@a', 'a1'),
      queue.sendText('@a', 'a2'),
      queue.sendText('@b', 'b1'),
      queue.sendText('@c', 'c1'),
      queue.sendText('@d', 'd1'),
      queue.sendText('@e', 'e1'),
    ];
    await settle();
    // a1, b1, c1, d1 are in flight (the bound is MAX_PARALLEL_SENDS); a2 waits for a1, e1 for a slot.
    expect(MAX_PARALLEL_SENDS).toBe(4);
    expect(held.map((h) => h.content)).toEqual(['a1', 'b1', 'c1', 'd1']);
    held[0]!.ok();
    await settle();
    // a1's slot goes to e1, which was waiting for one; a2 now waits for a slot.
    expect(held.map((h) => h.content)).toEqual(['a1', 'b1', 'c1', 'd1', 'e1']);
    held[1]!.ok();
    await settle();
    expect(held.map((h) => h.content)).toEqual(['a1', 'b1', 'c1', 'd1', 'e1', 'a2']);
    for (const h of held.slice(2)) h.ok();
    const sent = await Promise.all(results);
    expect(sent.map((s) => s.toUserName)).toEqual(['@a', '@a', '@b', '@c', '@d', '@e']);
    expect(held.every((h) => !h.ordered)).toBe(true);
  });

  it("pipelines one chat's burst in queue order, ordered, the depth opening by one per success up to sendPipelining", async () => {
    const q = queueWithHeldReplies({ sendPipelining: 4 });
    const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const results = texts.map((t) => q.queue.sendText('@a', t));
    await settle();
    // The depth starts at one.
    expect(q.held.map((h) => h.content)).toEqual(['m0']);
    const depths: number[] = [];
    while (q.inFlight().length > 0) {
      depths.push(q.inFlight().length);
      q.inFlight()[0]!.ok();
      await settle();
    }
    expect(depths).toEqual([1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2, 1]);
    expect(q.held.map((h) => h.content)).toEqual(texts);
    // The first went out alone on an ordinary connection; the rest were pipelined, in order.
    expect(q.held.map((h) => h.ordered)).toEqual([false, ...texts.slice(1).map(() => true)]);
    const sent = await Promise.all(results);
    expect(sent.map((s) => s.localId)).toEqual(q.held.map((h) => h.clientMsgId));
  });

  it('a single send at a time goes out unordered (no pipelining without a queue)', async () => {
    const q = queueWithHeldReplies();
    await warmUp(q, '@a', 10);
    expect(q.held.map((h) => h.ordered).every((o) => !o)).toBe(true);
  });

  it('a 1205 pauses every send; the failed sends go again first, in their original order, same ClientMsgId', async () => {
    const q = queueWithHeldReplies({ sendPipelining: 8 });
    await warmUp(q, '@a', 4);
    const before = q.held.length;
    const xs = Array.from({ length: 8 }, (_, i) => q.queue.sendText('@a', `x${i}`));
    const y = q.queue.sendText('@b', 'y0');
    await settle();
    const first = q.held.slice(before);
    // Depth 5 after four successes: x0..x4 pipelined; y0 goes out beside them (the chats take turns).
    expect(first.map((h) => h.content)).toEqual(['x0', 'y0', 'x1', 'x2', 'x3', 'x4']);
    const sent = (content: string) => first.find((h) => h.content === content)!;
    sent('x1').ret(1205);
    await settle();
    expect(q.sleeps).toHaveLength(1);
    sent('x0').ok();
    sent('x2').ret(1205);
    sent('x3').ok();
    sent('x4').ok();
    sent('y0').ok();
    await settle();
    // Paused: nothing new went out, though there is room.
    expect(q.held.length).toBe(before + 6);
    expect(q.retries.map((r) => [r.clientMsgId, r.attempt, r.ret])).toEqual([
      [sent('x1').clientMsgId, 1, 1205],
      [sent('x2').clientMsgId, 1, 1205],
    ]);
    // The longer pause wins; the first one ending lets nothing out.
    q.sleeps[0]!.wake();
    await settle();
    expect(q.held.length).toBe(before + 6);
    q.sleeps.at(-1)!.wake();
    await settle();
    // The depth closed to one: x1 alone, with its ClientMsgId.
    const resent = () => q.held.slice(before + 6);
    expect(resent().map((h) => [h.content, h.clientMsgId])).toEqual([['x1', sent('x1').clientMsgId]]);
    resent()[0]!.ok();
    await settle();
    expect(resent().map((h) => h.content)).toEqual(['x1', 'x2', 'x5']);
    expect(resent()[1]!.clientMsgId).toBe(sent('x2').clientMsgId);
    while (q.inFlight().length > 0) {
      q.inFlight()[0]!.ok();
      await settle();
    }
    expect(resent().map((h) => h.content)).toEqual(['x1', 'x2', 'x5', 'x6', 'x7']);
    const results = await Promise.all([...xs, y]);
    expect(results.map((r) => r.localId)).toEqual([
      ...['x0', 'x1', 'x2', 'x3', 'x4'].map((x) => sent(x).clientMsgId),
      ...resent()
        .slice(2)
        .map((h) => h.clientMsgId),
      sent('y0').clientMsgId,
    ]);
  });

  it("a transport failure holds back its own chat only, and the failed send goes again before the chat's next", async () => {
    const q = queueWithHeldReplies({ sendPipelining: 1 });
    const a0 = q.queue.sendText('@a', 'a0');
    const a1 = q.queue.sendText('@a', 'a1');
    await settle();
    q.held[0]!.fail(new TransportError('reset', { url: 'http://emu.test/x' }));
    await settle();
    const b0 = q.queue.sendText('@b', 'b0');
    await settle();
    expect(q.held.map((h) => h.content)).toEqual(['a0', 'b0']);
    q.held[1]!.ok();
    q.sleeps[0]!.wake();
    await settle();
    expect(q.held.map((h) => h.content)).toEqual(['a0', 'b0', 'a0']);
    expect(q.held[2]!.clientMsgId).toBe(q.held[0]!.clientMsgId);
    q.held[2]!.ok();
    await settle();
    q.held[3]!.ok();
    expect((await a0).localId).toBe(q.held[0]!.clientMsgId);
    await a1;
    await b0;
    expect(q.held.map((h) => h.content)).toEqual(['a0', 'b0', 'a0', 'a1']);
  });

  it('gives up after rateLimit.maxAttempts: the send rejects, the next one goes on', async () => {
    const q = queueWithHeldReplies({ rateLimit: { maxAttempts: 2 } });
    const a0 = q.queue.sendText('@a', 'a0');
    const a1 = q.queue.sendText('@a', 'a1');
    await settle();
    q.held[0]!.ret(1205);
    await settle();
    q.sleeps[0]!.wake();
    await settle();
    q.held[1]!.ret(1205);
    await expect(a0).rejects.toMatchObject({ ret: 1205 });
    await settle();
    expect(q.held.map((h) => h.content)).toEqual(['a0', 'a0', 'a1']);
    q.held[2]!.ok();
    await a1;
  });

  it('a logout on a send ends the session once and rejects every pending send with the LoggedOutError', async () => {
    const ended: LoggedOutError[] = [];
    const q = queueWithHeldReplies(
      {},
      {
        endSession: (e) => {
          ended.push(e);
          q.fake.controller.abort(new Error('stopped'));
        },
      },
    );
    await warmUp(q, '@a', 3);
    const before = q.held.length;
    const sends = ['a', 'b', 'c', 'd', 'e', 'f'].map((t) => q.queue.sendText('@a', t));
    const other = q.queue.sendText('@b', 'other');
    await settle();
    expect(q.held.length).toBe(before + 5);
    q.held[before]!.ret(1101);
    const settled = await Promise.allSettled([...sends, other]);
    expect(ended.map((e) => e.reason)).toEqual(['logged-in-elsewhere']);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(LoggedOutError);
    }
    await expect(q.queue.sendText('@a', 'later')).rejects.toBeInstanceOf(LoggedOutError);
  });

  it('with a store: pending before the first request, sent with the MsgID after; resendPending re-sends the rest in order with their ClientMsgIds', async () => {
    const store = new MemoryStore();
    const q = queueWithHeldReplies({}, { store });
    const sends = ['s0', 's1', 's2', 's3', 's4'].map((t) => q.queue.sendText('@a', t));
    for (const s of sends) s.catch(() => {});
    await settle();
    expect((await store.pendingOutgoing()).map((m) => m.text)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    q.held[0]!.ok();
    await settle();
    q.held[1]!.ok();
    await sends[0];
    await sends[1];
    const history = await store.history('@a');
    const byText = new Map(history.map((m) => [m.text, m]));
    expect(byText.get('s0')).toMatchObject({ status: 'sent', msgId: expect.stringMatching(/^7/) });
    expect(byText.get('s1')).toMatchObject({ status: 'sent' });
    // A crash: the rest never got an answer.
    const idsOf = new Map(q.held.map((h) => [h.content, h.clientMsgId]));
    q.fake.controller.abort(new Error('crash'));
    await Promise.allSettled(sends);
    expect((await store.pendingOutgoing()).map((m) => m.text)).toEqual(['s2', 's3', 's4']);

    const next = queueWithHeldReplies({}, { store });
    const resent = next.queue.resendPending();
    for (let i = 0; i < 20 && next.held.length < 3; i++) {
      await settle();
      for (const h of next.inFlight()) h.ok();
    }
    expect(await resent).toBe(3);
    expect(next.held.map((h) => h.content)).toEqual(['s2', 's3', 's4']);
    expect(next.held.map((h) => h.clientMsgId)).toEqual(['s2', 's3', 's4'].map((t) => idsOf.get(t)));
    expect(await store.pendingOutgoing()).toEqual([]);
  });
});

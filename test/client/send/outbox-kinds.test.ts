/**
 * The outbox beyond texts: order across kinds in one chat, pacing with a clock the test moves, keyed
 * (idempotent) sends and logged(), re-sends after a crash reusing the MediaId, re-addressing after a
 * new login, the File Transfer checks on re-sends, and stop() while sends are in flight.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/client/send/pacing.js';
import { resendPending } from '../../../src/client/send/resend.js';
import { keyedClientMsgId, storedSend } from '../../../src/client/send/send-log.js';
import { revokeRecipe, type SendRecipe, textRecipe } from '../../../src/client/send/send-recipes.js';
import {
  ClientStoppedError,
  LoggedOutError,
  NotAvailableError,
  RecipientGoneError,
} from '../../../src/errors.js';
import { MemoryStore, SqliteStore } from '../../../src/store/index.js';
import { watchUnhandledRejections } from '../../unhandled-rejections.js';
import { testSession } from '../fake-runtime.js';
import { heldOutbox, mapAddresses, settle } from './outbox-harness.js';

const text = (t: string) => textRecipe(t);
/** A forwarded image: goes by its MediaId, no upload. */
const image = (mediaId: string): SendRecipe => ({ build: 'image', kind: 'image', mediaId, scene: 2 });
const send = (o: ReturnType<typeof heldOutbox>, to: string, recipe: SendRecipe, extra = {}) =>
  o.outbox.enqueue(to, recipe, { method: recipe.build === 'text' ? 'sendText' : 'forward', ...extra });

const unhandled = watchUnhandledRejections();

describe('outbox: order across kinds in one chat', () => {
  it('text, image, text, revoke to one chat go out in call order; the image waits for the text before it, nothing joins it', async () => {
    const o = heldOutbox({ options: { sendPipelining: 8 } });
    const t0 = send(o, '@a', text('t0'));
    const i0 = send(o, '@a', image('@m1'));
    const t1 = send(o, '@a', text('t1'));
    const t2 = send(o, '@a', text('t2'));
    const r0 = o.outbox.enqueue('@a', revokeRecipe('123', '456'), { method: 'revoke' });
    const b0 = send(o, '@b', text('b0'));
    await settle();
    // t0 alone (the image must not overtake or join it); @b goes beside.
    expect(o.held.map((h) => h.endpoint)).toEqual(['webwxsendmsg', 'webwxsendmsg']);
    expect(o.held.map((h) => h.msg.Content ?? '')).toEqual(['t0', 'b0']);
    o.held[0]!.ok();
    await settle();
    expect(o.held.map((h) => h.endpoint).slice(2)).toEqual(['webwxsendmsgimg']);
    expect(o.held[2]!.msg).toMatchObject({ MediaId: '@m1', ToUserName: '@a' });
    expect(o.held[2]!.body.Scene).toBe(2);
    o.held[2]!.ok();
    await settle();
    // t1 and t2 together (pipelined), then the revoke alone.
    expect(o.held.slice(3).map((h) => h.msg.Content)).toEqual(['t1', 't2']);
    o.held[3]!.ok();
    o.held[4]!.ok();
    await settle();
    expect(o.held.slice(5).map((h) => h.endpoint)).toEqual(['webwxrevokemsg']);
    expect(o.held[5]!.body).toMatchObject({ SvrMsgId: '123', ClientMsgId: '456', ToUserName: '@a' });
    o.held[5]!.ok();
    o.held[1]!.ok();
    const results = await Promise.all([t0, i0, t1, t2, r0, b0]);
    expect(results.map((r) => r.kind)).toEqual(['text', 'image', 'text', 'text', 'text', 'text']);
    expect(results[1]!.mediaId).toBe('@m1');
  });

  it('a 1205 on the image pauses everything and retries it first, same ClientMsgId', async () => {
    const o = heldOutbox();
    const i0 = send(o, '@a', image('@m1'));
    const t0 = send(o, '@a', text('t0'));
    await settle();
    o.held[0]!.ret(1205);
    await settle();
    expect(o.held).toHaveLength(1);
    expect(o.outbox.stats().rateLimited).toBe(1);
    o.sleeps[0]!.wake();
    await settle();
    expect(o.held[1]!.endpoint).toBe('webwxsendmsgimg');
    expect(o.held[1]!.msg.ClientMsgId).toBe(o.held[0]!.msg.ClientMsgId);
    o.held[1]!.ok();
    await settle();
    o.held[2]!.ok();
    await Promise.all([i0, t0]);
    expect(o.held.map((h) => h.msg.Content ?? h.msg.MediaId)).toEqual(['', '', 't0']);
  });
});

describe('outbox: pacing', () => {
  it('a token bucket: burst at once, then perSecond; perChatMs spaces one chat', () => {
    const clock = { now: 0 };
    const pacer = new Pacer({ perSecond: 2, burst: 3, perChatMs: 0 }, () => clock.now);
    for (let i = 0; i < 3; i++) {
      expect(pacer.delayFor('@a')).toBe(0);
      pacer.take('@a');
    }
    expect(pacer.delayFor('@a')).toBe(500);
    clock.now = 499;
    expect(pacer.delayFor('@b')).toBeGreaterThan(0);
    expect(pacer.delayFor('@b')).toBeLessThanOrEqual(2);
    clock.now = 500;
    expect(pacer.delayFor('@b')).toBe(0);
    pacer.take('@b');
    // A long quiet spell refills only up to the burst.
    clock.now = 100_000;
    for (let i = 0; i < 3; i++) pacer.take('@a');
    expect(pacer.delayFor('@a')).toBeGreaterThan(0);

    const spaced = new Pacer({ perSecond: 100, burst: 100, perChatMs: 1000 }, () => clock.now);
    spaced.take('@a');
    expect(spaced.delayFor('@a')).toBe(1000);
    expect(spaced.delayFor('@b')).toBe(0);
    expect(new Pacer(false, () => 0).delayFor('@a')).toBe(0);
  });

  it('the outbox lets `burst` sends out at once, then one per token as the clock moves', async () => {
    const o = heldOutbox({ pacing: { perSecond: 1, burst: 3, perChatMs: 0 } });
    const sends = ['a', 'b', 'c', 'd', 'e'].map((t) => send(o, `@${t}`, text(t)));
    await settle();
    expect(o.held.map((h) => h.msg.Content)).toEqual(['a', 'b', 'c']);
    // The outbox sleeps until the next token: 1000 ms.
    expect(o.sleeps.map((s) => s.ms)).toEqual([1000]);
    for (const h of o.held) h.ok();
    o.clock.now += 1000;
    o.sleeps[0]!.wake();
    await settle();
    expect(o.held.map((h) => h.msg.Content)).toEqual(['a', 'b', 'c', 'd']);
    o.held[3]!.ok();
    o.clock.now += 1000;
    o.sleeps[1]!.wake();
    await settle();
    o.held[4]!.ok();
    await Promise.all(sends);
    expect(o.held).toHaveLength(5);
  });
});

describe('outbox: keyed sends, logged() and re-sends', () => {
  it('causedBy logs the send, logged() waits for the writes, and the same causedBy#n after a restart is not sent twice', async () => {
    const store = new MemoryStore();
    const first = heldOutbox({ store });
    const r0 = send(first, '@a', text('reply 0'), { causedBy: 'M1' });
    const r1 = send(first, '@a', text('reply 1'), { causedBy: 'M1' });
    await first.outbox.logged('M1');
    const pending = await store.pendingOutgoing();
    expect(pending.map((m) => [m.text, m.fields.causedBy, m.fields.key])).toEqual([
      ['reply 0', 'M1', 'M1#0'],
      ['reply 1', 'M1', 'M1#1'],
    ]);
    expect(pending[0]!.clientMsgId).toBe(keyedClientMsgId('M1#0'));
    expect(pending[0]!.clientMsgId).toMatch(/^\d{17}$/);
    await settle();
    first.held[0]!.ok();
    await r0;
    // A crash before reply 1 was answered.
    first.fake.controller.abort(new Error('crash'));
    await r1.catch(() => {});

    // The restart: the log's pending send is re-sent; the handler runs again and makes the same two replies.
    const second = heldOutbox({ store });
    const resent = resendPending(second.outbox, store);
    const again0 = send(second, '@a', text('reply 0'), { causedBy: 'M1' });
    const again1 = send(second, '@a', text('reply 1'), { causedBy: 'M1' });
    await settle();
    await settle();
    expect(second.held.map((h) => h.msg.Content)).toEqual(['reply 1']);
    second.held[0]!.ok();
    expect((await again0).msgId).toBe((await r0).msgId);
    expect((await again1).localId).toBe(keyedClientMsgId('M1#1'));
    expect(await resent).toBe(1);
    expect(await store.pendingOutgoing()).toEqual([]);
    expect(second.held).toHaveLength(1);
  });

  it('a medium uploaded before a crash is re-sent by its logged MediaId, same ClientMsgId, no upload; one from bytes never uploaded is failed', async () => {
    const store = new SqliteStore(':memory:');
    await store.recordOutgoing({
      direction: 'out',
      msgId: '',
      clientMsgId: '17000000000001234',
      chatUserName: '@a',
      senderUserName: '@self',
      kind: 'image',
      createTime: 1,
      text: '',
      fields: {
        kind: 'image',
        send: { build: 'image', kind: 'image', upload: { fileName: 'a.png', path: '/x/a.png' } },
        stableId: '',
        login: '',
      },
      raw: { Type: 3, ToUserName: '@a', MediaId: '' },
      status: 'pending',
    });
    await store.updateOutgoing('17000000000001234', {
      status: 'pending',
      raw: { Type: 3, ToUserName: '@a', MediaId: '@uploaded' },
    });
    await store.recordOutgoing({
      direction: 'out',
      msgId: '',
      clientMsgId: '17000000000001235',
      chatUserName: '@a',
      senderUserName: '@self',
      kind: 'file',
      createTime: 1,
      text: '',
      fields: {
        kind: 'file',
        send: { build: 'app', kind: 'file', appMsgType: 6, upload: { fileName: 'b.bin' } },
        stableId: '',
        login: '',
      },
      raw: { Type: 6, ToUserName: '@a', MediaId: '' },
      status: 'pending',
    });
    expect(storedSend((await store.pendingOutgoing())[0]!)?.recipe).toMatchObject({ mediaId: '@uploaded' });
    const o = heldOutbox({ store });
    const resent = resendPending(o.outbox, store);
    for (let i = 0; i < 5 && o.held.length === 0; i++) await settle();
    expect(o.held.map((h) => h.endpoint)).toEqual(['webwxsendmsgimg']);
    expect(o.held[0]!.msg).toMatchObject({ MediaId: '@uploaded', ClientMsgId: '17000000000001234' });
    o.held[0]!.ok();
    expect(await resent).toBe(1);
    const history = await store.history('@a');
    expect(history.map((m) => [m.clientMsgId, m.status])).toEqual([
      ['17000000000001234', 'sent'],
      ['17000000000001235', 'failed'],
    ]);
    store.close();
  });

  it('the File Transfer web: a pending send to another chat fails with NotAvailableError, no request', async () => {
    const store = new MemoryStore();
    const web = heldOutbox({ store });
    const s = send(web, '@friend', text('hi'));
    const v = web.outbox.enqueue(
      'filehelper',
      { build: 'video', kind: 'video', mediaId: '@v' },
      { method: 'sendVideo' },
    );
    await web.outbox.logged('nothing');
    web.fake.controller.abort(new Error('crash'));
    await Promise.allSettled([s, v]);
    expect((await store.pendingOutgoing()).length).toBe(2);

    const fh = heldOutbox({ store, session: testSession({ app: 'filehelper' }) });
    const results = resendPending(fh.outbox, store);
    await settle();
    expect(await results).toBe(0);
    expect(fh.held).toEqual([]);
    expect((await store.history('@friend'))[0]!.status).toBe('failed');
    expect((await store.history('filehelper'))[0]!.status).toBe('failed');
    const direct = fh.outbox.enqueue('@friend', text('x'), { method: 'sendText' });
    await expect(direct).rejects.toBeInstanceOf(NotAvailableError);
  });
});

describe('outbox: new logins re-address queued sends (stable ids)', () => {
  it('sends queued before a new login go to the new UserName; a gone contact fails with RecipientGoneError', async () => {
    const addresses = mapAddresses(
      new Map([
        ['@old-a', 'p:alice'],
        ['@old-b', 'p:bob'],
      ]),
    );
    const o = heldOutbox({ addresses, options: { autoRelogin: true } });
    const a0 = send(o, '@old-a', text('to alice'));
    await settle();
    // The session ends under the first send: it goes back and waits.
    o.held[0]!.ret(1101);
    await settle();
    const a1 = send(o, '@old-a', text('alice again'));
    const b0 = send(o, '@old-b', text('to bob'));
    await settle();
    expect(o.held).toHaveLength(1);
    // The new login: Alice is '@new-a', Bob is gone.
    addresses.ids.clear();
    addresses.ids.set('@new-a', 'p:alice');
    o.outbox.resume();
    // Watched before it settles: a rejection handled only later is a warning of its own.
    const bobGone = expect(b0).rejects.toBeInstanceOf(RecipientGoneError);
    await settle();
    await bobGone;
    expect(o.held.slice(1).map((h) => [h.to, h.msg.Content])).toEqual([['@new-a', 'to alice']]);
    expect(o.held[1]!.msg.ClientMsgId).toBe(o.held[0]!.msg.ClientMsgId);
    o.held[1]!.ok();
    await settle();
    o.held[2]!.ok();
    expect((await a0).toUserName).toBe('@new-a');
    expect((await a1).toUserName).toBe('@new-a');
    // A reply made after the new login to an old UserName is re-addressed too.
    const late = send(o, '@old-a', text('late'));
    await settle();
    expect(o.held[3]!.to).toBe('@new-a');
    o.held[3]!.ok();
    await late;
  });

  it('without autoRelogin a logout rejects every queued send with the LoggedOutError', async () => {
    const ended: LoggedOutError[] = [];
    const o = heldOutbox({
      endSession: (e) => {
        ended.push(e);
        o.fake.controller.abort(e);
      },
    });
    const sends = [send(o, '@a', text('1')), send(o, '@a', image('@m')), send(o, '@b', text('2'))];
    await settle();
    o.held[0]!.ret(1102);
    const settled = await Promise.allSettled(sends);
    expect(ended.map((e) => e.reason)).toEqual(['session-expired']);
    for (const s of settled) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(LoggedOutError);
  });
});

describe('outbox: stop()', () => {
  it('settles queued and in-flight sends with ClientStoppedError, nothing unhandled', async () => {
    const o = heldOutbox();
    const sends = [send(o, '@a', text('1')), send(o, '@a', text('2')), send(o, '@b', image('@m'))];
    await settle();
    expect(o.held).toHaveLength(2);
    o.fake.controller.abort(new ClientStoppedError());
    const settled = await Promise.allSettled(sends);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(ClientStoppedError);
      expect(((s as PromiseRejectedResult).reason as Error).name).toBe('AbortError');
    }
    await expect(send(o, '@a', text('after'))).rejects.toBeInstanceOf(ClientStoppedError);
    await o.outbox.idle();
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('an aborted signal takes a waiting send out of its lane', async () => {
    const o = heldOutbox();
    const controller = new AbortController();
    const first = send(o, '@a', text('1'));
    const second = send(o, '@a', text('2'), { signal: controller.signal });
    const third = send(o, '@a', text('3'));
    await settle();
    controller.abort(new Error('never mind'));
    await expect(second).rejects.toThrow('never mind');
    o.held[0]!.ok();
    await settle();
    o.held[1]!.ok();
    await Promise.all([first, third]);
    expect(o.held.map((h) => h.msg.Content)).toEqual(['1', '3']);
  });

  it('one signal given to many sends keeps no listener once they are settled', async () => {
    const o = heldOutbox();
    const controller = new AbortController();
    // Ten: more in flight at once on one signal and Node warns (EventTarget's limit of 10 listeners).
    const sends = Array.from({ length: 10 }, (_, i) =>
      send(o, `@${i}`, text(String(i)), { signal: controller.signal }),
    );
    await settle();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(10);
    // The outbox issues a few at a time: answer each as it goes out.
    for (let answered = 0; answered < sends.length; ) {
      await settle();
      for (const h of o.held.slice(answered)) h.ok();
      answered = o.held.length;
    }
    await Promise.all(sends);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

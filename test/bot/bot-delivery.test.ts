/**
 * The bot's acknowledgements (docs/bot.md "Delivery"): with a store, a message is done only once its
 * middleware finished and its replies are in the outbox's log; what was not done is handed over again
 * on start(), marked `ctx.redelivered`, in log order; the user's own messages never block the position.
 */
import { describe, expect, it } from 'vitest';
import { Bot } from '../../src/bot/bot.js';
import type { BotSendOptions } from '../../src/bot/bot-client.js';
import { HANDLED_KEY } from '../../src/bot/handled-log.js';
import { createClient } from '../../src/client/index.js';
import { storedIncoming } from '../../src/client/sync/message-log.js';
import type { Message } from '../../src/model/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { deferred, type FakeClient, fakeClient, textMessage, tick } from './fakes.js';

/** A client on a store: like the real one, it logs a message before it emits it. */
function loggingClient(store: MemoryStore) {
  const client = fakeClient() as FakeClient & {
    tags: (BotSendOptions | undefined)[];
    outbox: { logged(causedBy: string): Promise<void> };
    loggedCalls: string[];
  };
  const plain = client.sendText.bind(client);
  client.tags = [];
  client.loggedCalls = [];
  client.sendText = (to, text, options?: BotSendOptions) => {
    client.tags.push(options);
    return plain(to, text);
  };
  client.outbox = {
    logged: async (causedBy) => {
      client.loggedCalls.push(causedBy);
    },
  };
  const deliver = async (message: Message) => {
    await store.recordIncoming([storedIncoming(message)], () => client.emit(message));
  };
  return { client, deliver };
}

const fresh = (text: string, options: Parameters<typeof textMessage>[1] = {}) => {
  const m = textMessage(text, options);
  return { ...m, createTime: Math.floor(Date.now() / 1000) };
};

describe('Bot delivery with a store', () => {
  it('hands over again what was not finished, marked redelivered, and not what was', async () => {
    const store = new MemoryStore();
    const first = loggingClient(store);
    const bot = new Bot(first.client, { store });
    const gate = deferred();
    bot.on('text', async (ctx) => {
      if (ctx.text === 'slow') await gate.promise;
      await ctx.reply(`re: ${ctx.text}`);
    });
    await bot.start();
    await first.deliver(fresh('one', { chat: '@a' }));
    await first.deliver(fresh('slow', { chat: '@b' }));
    await first.deliver(fresh('after slow', { chat: '@b' }));
    await first.deliver(fresh('two', { chat: '@c' }));
    await tick(10);
    expect(first.client.sent.map((s) => s.text).sort()).toEqual(['re: one', 're: two']);
    // Each reply carries the message it answers; the bot waited for the outbox's log.
    expect(first.client.tags.every((t) => typeof t?.causedBy === 'string')).toBe(true);
    expect(new Set(first.client.loggedCalls).size).toBe(2);
    // The process "dies" here: the slow message and the one behind it were never finished.

    const second = loggingClient(store);
    const seen: { text: string; redelivered: boolean }[] = [];
    const again = new Bot(second.client, { store });
    again.on('text', async (ctx) => {
      seen.push({ text: ctx.text, redelivered: ctx.redelivered });
      await ctx.reply(`re: ${ctx.text}`);
    });
    await again.start();
    await second.deliver(fresh('three', { chat: '@b' }));
    await again.idle();
    expect(seen).toEqual([
      { text: 'slow', redelivered: true },
      { text: 'after slow', redelivered: true },
      { text: 'three', redelivered: false },
    ]);
    await again.stop();

    // Everything is done now: a third start hands nothing over.
    const third = loggingClient(store);
    const none: string[] = [];
    const last = new Bot(third.client, { store });
    last.on('text', (ctx) => {
      none.push(ctx.text);
    });
    await last.start();
    await last.idle();
    expect(none).toEqual([]);
    const saved = JSON.parse((await store.getSetting(HANDLED_KEY)) ?? '{}') as { through: number };
    expect(saved.through).toBeGreaterThanOrEqual(0);
  });

  it('the first start does not answer the history; own messages and handler errors count as done', async () => {
    const store = new MemoryStore();
    const old = loggingClient(store);
    await old.deliver(fresh('from before the bot'));
    const { client, deliver } = loggingClient(store);
    const bot = new Bot(client, { store });
    const texts: string[] = [];
    bot.on('text', (ctx) => {
      texts.push(ctx.text);
      if (ctx.text === 'boom') throw new Error('handler failed');
    });
    await bot.start();
    for (let i = 0; i < 40; i++) await deliver(fresh(`m${i}`, { chat: `@c${i % 3}` }));
    await deliver(fresh('mine', { isSelf: true }));
    await deliver(fresh('boom'));
    await bot.stop();
    expect(texts).not.toContain('from before the bot');
    expect(texts).toHaveLength(41);
    const saved = JSON.parse((await store.getSetting(HANDLED_KEY)) ?? '{}') as {
      through: number;
      done: string[];
    };
    // The position moved past every entry (own message included), with few ids left after it.
    expect(saved.done.length).toBeLessThan(32);
    expect(saved.through).toBeGreaterThan(1);

    const next = loggingClient(store);
    const again = new Bot(next.client, { store });
    const redelivered: string[] = [];
    again.on('text', (ctx) => {
      redelivered.push(ctx.text);
    });
    await again.start();
    await again.idle();
    expect(redelivered).toEqual([]);
  });

  it("takes the client's own store when none is given (a client made with one exposes it)", async () => {
    const store = new MemoryStore();
    expect(createClient({ store }).store).toBe(store);
    expect(createClient().store).toBeUndefined();
    const { client, deliver } = loggingClient(store);
    Object.assign(client, { store });
    const bot = new Bot(client);
    bot.on('text', (ctx) => ctx.reply('ok'));
    await bot.start();
    await deliver(fresh('hello'));
    await bot.idle();
    await bot.stop();
    expect(new Set(client.loggedCalls).size).toBe(1);
    expect(await store.getSetting(HANDLED_KEY)).toBeDefined();
  });

  it('acknowledges only after the outbox logged the replies', async () => {
    const store = new MemoryStore();
    const { client, deliver } = loggingClient(store);
    const logged = deferred();
    client.outbox = { logged: () => logged.promise };
    const bot = new Bot(client, { store });
    bot.on('text', (ctx) => {
      void ctx.reply('fire and forget');
    });
    await bot.start();
    await deliver(fresh('hi'));
    await tick(10);
    expect(await store.getSetting(HANDLED_KEY)).not.toContain('"done":["');
    logged.resolve();
    await bot.stop();
    const saved = JSON.parse((await store.getSetting(HANDLED_KEY)) ?? '{}') as { done: string[] };
    expect(saved.done).toHaveLength(1);
  });
});

/**
 * The context's send helpers resolve once the send is queued (in the outbox's log), not once it went
 * out (docs/bot.md "Replies"): a chat's next message does not wait for a round trip, `sent` is what the
 * server answered, and a send that fails later goes to bot.catch once, never unhandled.
 */
import { describe, expect, it } from 'vitest';
import { Bot } from '../../src/bot/bot.js';
import type { SendTextResult } from '../../src/client/index.js';
import { fakeClient, textMessage, tick } from './fakes.js';

/** A client whose sends stay on the wire until the test answers them. */
function wireClient() {
  const client = fakeClient();
  const wire: { text: string; answer: (r: SendTextResult) => void; fail: (e: unknown) => void }[] = [];
  const loggedFor: string[] = [];
  client.sendText = (to, text) =>
    new Promise<SendTextResult>((answer, fail) => {
      wire.push({ text, answer, fail });
      client.sent.push({ to, text });
    });
  Object.assign(client, {
    outbox: {
      logged: async (causedBy: string) => {
        loggedFor.push(causedBy);
      },
    },
  });
  return { client, wire, loggedFor };
}

describe('ctx.reply resolves once queued', () => {
  it("a chat's next message starts while the reply before it is still on the wire", async () => {
    const { client, wire, loggedFor } = wireClient();
    const bot = new Bot(client);
    const order: string[] = [];
    bot.on('text', async (ctx) => {
      order.push(`start ${ctx.text}`);
      await ctx.reply(`re: ${ctx.text}`);
      order.push(`end ${ctx.text}`);
    });
    const one = textMessage('one');
    await bot.handleMessage(one);
    await bot.handleMessage(textMessage('two'));
    // Both handled, in order, with neither reply answered by the server yet.
    expect(order).toEqual(['start one', 'end one', 'start two', 'end two']);
    expect(wire.map((w) => w.text)).toEqual(['re: one', 're: two']);
    expect(loggedFor).toContain(one.id);
    for (const [i, w] of wire.entries()) w.answer({ msgId: `m${i}`, localId: `l${i}`, toUserName: '@alice' });
    await bot.stop();
  });

  it('`sent` is what the server answered, and revoke takes the queued reply', async () => {
    const { client, wire } = wireClient();
    const revoked: unknown[] = [];
    Object.assign(client, {
      revoke: async (target: unknown) => {
        revoked.push(target);
      },
    });
    const bot = new Bot(client);
    const answers: SendTextResult[] = [];
    bot.on('text', async (ctx) => {
      const reply = await ctx.reply('hello');
      answers.push(await reply.sent);
      await ctx.revoke(reply);
    });
    const handled = bot.handleMessage(textMessage('x'));
    await tick(5);
    expect(answers).toEqual([]);
    wire[0]?.answer({ msgId: '77', localId: '78', toUserName: '@alice' });
    await handled;
    expect(answers).toEqual([{ msgId: '77', localId: '78', toUserName: '@alice' }]);
    expect(revoked).toEqual([{ msgId: '77', localId: '78', toUserName: '@alice' }]);
  });

  it('a reply that fails after it was queued goes to bot.catch once, with its context', async () => {
    const { client, wire } = wireClient();
    const bot = new Bot(client);
    const caught: string[] = [];
    bot.catch((e) => {
      caught.push(`${e.ctx.text}: ${(e.error as Error).message}`);
    });
    bot.hears('returned', (ctx) => ctx.reply('a'));
    bot.hears('awaited', async (ctx) => {
      const reply = await ctx.reply('b');
      await reply.sent; // rejects: the handler fails with the same error, reported once
    });
    await bot.handleMessage(textMessage('returned'));
    const awaited = bot.handleMessage(textMessage('awaited'));
    await tick(5);
    wire[0]?.fail(new Error('final Ret 1'));
    wire[1]?.fail(new Error('final Ret 2'));
    await awaited;
    await tick(5);
    expect(caught.sort()).toEqual(['awaited: final Ret 2', 'returned: final Ret 1']);
  });

  it('a send that fails at once rejects the reply itself', async () => {
    const client = fakeClient();
    client.failNext.push(new TypeError('bad recipient'));
    const bot = new Bot(client);
    const seen: string[] = [];
    const caught: unknown[] = [];
    bot.catch((e) => caught.push(e.error));
    bot.on('text', async (ctx) => {
      try {
        await ctx.reply('x');
        seen.push('queued');
      } catch (error) {
        seen.push(`rejected: ${(error as Error).message}`);
      }
    });
    await bot.handleMessage(textMessage('x'));
    await tick(5);
    expect(seen).toEqual(['rejected: bad recipient']);
    expect(caught).toEqual([]);
  });

  it('stop() waits for the replies still on the wire', async () => {
    const { client, wire } = wireClient();
    const bot = new Bot(client);
    bot.on('text', (ctx) => ctx.reply('later'));
    await bot.handleMessage(textMessage('x'));
    let stopped = false;
    const stopping = bot.stop().then(() => {
      stopped = true;
    });
    await tick(10);
    expect(stopped).toBe(false);
    wire[0]?.answer({ msgId: '1', localId: '1', toUserName: '@alice' });
    await stopping;
    expect(stopped).toBe(true);
  });
});

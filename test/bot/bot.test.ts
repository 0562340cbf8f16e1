import { describe, expect, it } from 'vitest';
import { Bot } from '../../src/bot/bot.js';
import { NotAvailableError } from '../../src/bot/bot-errors.js';
import { ChatScheduler } from '../../src/bot/chat-scheduler.js';
import { recordingLogger } from '../recording-logger.js';
import { deferred, fakeClient, textMessage, tick } from './fakes.js';

describe('Bot', () => {
  it('handles the messages of one chat in order, even when an earlier one is slow', async () => {
    const client = fakeClient();
    const bot = new Bot(client, { sendQueue: { minIntervalMs: 0 } });
    const log: string[] = [];
    const gate = deferred();
    bot.on('text', async (ctx) => {
      if (ctx.text === '1') await gate.promise;
      log.push(ctx.text);
    });
    const done = [bot.handleMessage(textMessage('1')), bot.handleMessage(textMessage('2'))];
    await tick(5);
    expect(log).toEqual([]);
    gate.resolve();
    await Promise.all(done);
    expect(log).toEqual(['1', '2']);
  });

  it('runs different chats concurrently, never more than the bound', async () => {
    const client = fakeClient();
    const bot = new Bot(client, { concurrency: 3, sendQueue: { minIntervalMs: 0 } });
    let running = 0;
    let most = 0;
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    bot.use(async (ctx) => {
      running++;
      most = Math.max(most, running);
      const gate = deferred();
      gates.set(ctx.chatId, gate);
      await gate.promise;
      running--;
    });
    const all = Array.from({ length: 8 }, (_, i) => bot.handleMessage(textMessage('x', { chat: `@c${i}` })));
    await tick(5);
    expect(running).toBe(3);
    for (let round = 0; round < 8; round++) {
      for (const [chat, gate] of [...gates]) {
        gates.delete(chat);
        gate.resolve();
      }
      await tick(2);
    }
    await Promise.all(all);
    expect(most).toBe(3);
  });

  it('a chat waiting for a slot keeps its place: first come, first served', async () => {
    const scheduler = new ChatScheduler({ concurrency: 1 });
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      await tick(1);
    };
    await Promise.all([
      scheduler.schedule('a', job('a1')),
      scheduler.schedule('a', job('a2')),
      scheduler.schedule('b', job('b1')),
      scheduler.schedule('c', job('c1')),
    ]);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2']);
    await scheduler.idle();
  });

  it('ignores its own messages by default, and not when asked', async () => {
    const client = fakeClient();
    const seen: string[] = [];
    const bot = new Bot(client);
    bot.use((ctx) => {
      seen.push(ctx.text);
    });
    await bot.handleMessage(textMessage('mine', { isSelf: true }));
    await bot.handleMessage(textMessage('theirs'));
    const all = new Bot(client, { ignoreSelf: false });
    all.use((ctx) => {
      seen.push(`all:${ctx.text}`);
    });
    await all.handleMessage(textMessage('mine', { isSelf: true }));
    expect(seen).toEqual(['theirs', 'all:mine']);
  });

  it('catches a handler error, logs it with its context (not the text), and goes on', async () => {
    const client = fakeClient();
    const { logger, lines } = recordingLogger();
    const bot = new Bot(client, { logger, sendQueue: { minIntervalMs: 0 } });
    const caught: string[] = [];
    bot.catch((error) => {
      caught.push(`${error.ctx.text}: ${(error.error as Error).message}`);
    });
    bot.hears('boom', () => {
      throw new Error('kaput');
    });
    bot.on('text', (ctx) => ctx.reply(`echo ${ctx.text}`));
    const boom = textMessage('boom');
    await bot.handleMessage(boom);
    await bot.handleMessage(textMessage('after'));
    expect(caught).toEqual(['boom: kaput']);
    expect(client.sent).toEqual([{ to: '@alice', text: 'echo after' }]);
    const line = lines.find((l) => l.msg === 'a handler failed');
    expect(line?.level).toBe('error');
    expect(line?.obj).toMatchObject({ chat: '@alice', msgId: boom.id, kind: 'text', chatType: 'private' });
    expect(JSON.stringify(line?.obj)).toContain('kaput');
    expect(JSON.stringify(lines)).not.toContain('"boom"');
  });

  it('start() listens to the client once; stop() stops listening', async () => {
    const client = fakeClient();
    const bot = new Bot(client, { sendQueue: { minIntervalMs: 0 } });
    bot.on('text', (ctx) => ctx.reply('ok'));
    await bot.start();
    await bot.start();
    client.emit(textMessage('one'));
    await tick(5);
    await bot.idle();
    expect(client.sent).toHaveLength(1);
    await bot.stop();
    client.emit(textMessage('two'));
    await tick(5);
    expect(client.sent).toHaveLength(1);
  });

  it('media, forward and revoke are NotAvailableError on a client without them', async () => {
    const client = fakeClient();
    const bot = new Bot(client);
    const errors: unknown[] = [];
    bot.use(async (ctx) => {
      for (const action of [
        () => ctx.replyImage(new Uint8Array([1])),
        () => ctx.replyFile(new Uint8Array([1])),
        () => ctx.forward('@bob'),
        () => ctx.revoke({ msgId: '1', localId: '1', toUserName: '@alice' }),
      ]) {
        await action().catch((e: unknown) => errors.push(e));
      }
    });
    await bot.handleMessage(textMessage('x'));
    expect(errors).toHaveLength(4);
    for (const e of errors) expect(e).toBeInstanceOf(NotAvailableError);
    expect((errors[0] as NotAvailableError).feature).toBe('sendImage');
  });

  it('uses the client’s media methods when it has them', async () => {
    const client = Object.assign(fakeClient(), {
      calls: [] as string[],
      async sendImage(this: { calls: string[] }, to: string) {
        this.calls.push(`image→${to}`);
        return { msgId: '9', localId: '9', toUserName: to, kind: 'image' as const };
      },
    });
    const bot = new Bot(client);
    bot.use((ctx) => ctx.replyImage(new Uint8Array([1])));
    await bot.handleMessage(textMessage('x'));
    expect(client.calls).toEqual(['image→@alice']);
  });
});

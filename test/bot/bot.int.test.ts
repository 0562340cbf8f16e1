/** The Bot over the real client and the emulator: replies reach the phone, 1205 backoff, errors contained. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../../src/bot/index.js';
import { createClient, type WebWxClient } from '../../src/client/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { startAutoConfirmingEmulator } from './logged-in.js';

let emulator: Emulator;
let client: WebWxClient;
let bot: Bot;
const handled: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  emulator = await startAutoConfirmingEmulator();
  // The client's own 1205 retry is off, so the bot's send queue is what backs off.
  client = createClient({ server: emulator.baseUrl, rateLimit: { maxAttempts: 1 } });
  bot = new Bot(client, { sendQueue: { minIntervalMs: 0, backoffBaseMs: 20, backoffMaxMs: 50 } });
  bot.catch((e) => {
    errors.push(e.ctx.text);
  });
  bot.hears('fail', () => {
    throw new Error('handler failed on purpose');
  });
  bot.on('text', async (ctx) => {
    handled.push(ctx.text);
    await ctx.reply(`ok: ${ctx.text}`);
  });
  await bot.start();
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await client?.stop();
  await emulator?.close();
});

const reply = (text: string) => emulator.phone.waitForSent((r) => r.content === text, { timeoutMs: 10_000 });

describe('Bot (client ↔ emulator)', () => {
  it('handles phone messages in order and replies', async () => {
    for (const n of [1, 2, 3]) emulator.phone.sendText({ from: '老张', text: `m${n}` });
    await reply('ok: m3');
    expect(handled.slice(-3)).toEqual(['m1', 'm2', 'm3']);
    const order = emulator.phone
      .sent()
      .filter((r) => r.content.startsWith('ok: m'))
      .map((r) => r.content);
    expect(order).toEqual(['ok: m1', 'ok: m2', 'ok: m3']);
  });

  it('backs off on Ret 1205 and the reply still arrives, once', async () => {
    const fault = emulator.faults.inject('webwxsendmsg', { kind: 'ret', ret: 1205 }, { times: 2 });
    emulator.phone.sendText({ from: '老张', text: 'limited' });
    await reply('ok: limited');
    expect(fault.hits).toBe(2);
    expect(bot.sendQueue.stats.rateLimited).toBeGreaterThanOrEqual(2);
    expect(emulator.phone.sent().filter((r) => r.content === 'ok: limited')).toHaveLength(1);
  });

  it('a failing handler is caught and the bot goes on', async () => {
    emulator.phone.sendText({ from: 'Alice Smith', text: 'fail' });
    emulator.phone.sendText({ from: 'Alice Smith', text: 'after failure' });
    await reply('ok: after failure');
    expect(errors).toContain('fail');
  });
});

/**
 * The Telegram-compatible surface in the File Transfer mode: a client logged in to the emulator's
 * File Transfer web (`app: 'filehelper'`), grammY long polling through the API. What the phone writes
 * into the File Transfer chat is an update; grammY's replies and documents reach the phone; a file
 * from the phone downloads through getFile with the same bytes.
 */
import { Bot, InputFile } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../../src/bot/http-api/index.js';
import { createClient, type WebWxClient } from '../../../src/client/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { MemoryStore } from '../../../src/store/index.js';
import { startAutoConfirmingEmulator } from '../logged-in.js';

const TOKEN = 'tg-filehelper-0123456789';
let emulator: Emulator;
let client: WebWxClient;
let api: ApiServer;
let bot: Bot | undefined;

beforeAll(async () => {
  emulator = await startAutoConfirmingEmulator();
  client = createClient({ server: emulator.baseUrl, app: 'filehelper', store: new MemoryStore() });
  await client.start();
  api = await startApiServer({ client, token: TOKEN, port: 0, telegram: { maxPollSeconds: 2 } });
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await api?.close();
  await client?.stop();
  await emulator?.close();
});

describe('Telegram Bot API surface on the File Transfer web, driven by grammY', () => {
  it('the phone writes, the bot answers in the same chat, and files go both ways', async () => {
    expect(emulator.phone.sessions().some((s) => s.app === 'filehelper' && s.state === 'active')).toBe(true);
    bot = new Bot(TOKEN, { client: { apiRoot: api.url } });
    const fileBytes = Buffer.from('report 2026-12-07\n'.repeat(200));
    const downloaded: Buffer[] = [];
    const seen: string[] = [];
    bot.use(async (ctx, next) => {
      seen.push(ctx.msg?.text ?? ctx.msg?.document?.file_name ?? '?');
      await next();
    });
    bot.on('message:text', async (ctx) => {
      if (ctx.msg.text === '/ping') await ctx.reply('pong');
    });
    bot.on('message:document', async (ctx) => {
      const file = await ctx.getFile();
      const res = await fetch(`${api.url}/file/bot${TOKEN}/${file.file_path}`);
      downloaded.push(Buffer.from(await res.arrayBuffer()));
      await ctx.replyWithDocument(new InputFile(Buffer.from('got it'), 'receipt.txt'));
    });
    void bot.start({ drop_pending_updates: false });

    await emulator.phone.writeToFileHelper({ text: '/ping' });
    const pong = await emulator.phone.waitForSent((s) => s.content === 'pong', { timeoutMs: 10_000 });
    expect(pong.to).toBe('filehelper');

    await emulator.phone.writeToFileHelper({ kind: 'file', bytes: fileBytes, fileName: 'report.txt' });
    const receipt = await emulator.phone.waitForSent((s) => s.media?.fileName === 'receipt.txt', {
      timeoutMs: 10_000,
    });
    expect(receipt.to).toBe('filehelper');
    expect(Buffer.from(await receipt.media!.bytes()).toString()).toBe('got it');
    expect(downloaded).toHaveLength(1);
    expect(downloaded[0]!.equals(fileBytes)).toBe(true);

    // The bot's own sends ('pong', receipt.txt) never come back as updates: only the two phone writes.
    await bot.stop();
    bot = undefined;
    expect(seen).toEqual(['/ping', 'report.txt']);
    const again = await new Bot(TOKEN, { client: { apiRoot: api.url } }).api.getUpdates({ timeout: 1 });
    expect(again).toEqual([]);
  }, 40_000);
});

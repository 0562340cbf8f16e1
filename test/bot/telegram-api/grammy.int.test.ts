/**
 * grammY drives a bot through the Telegram-compatible surface of the HTTP API, end to end: the real
 * client logged in to the emulator, the API on 127.0.0.1 port 0 with a SqliteStore (the client's), and
 * grammY pointed at it with `apiRoot` and the API token, otherwise unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, GrammyError, InputFile } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../../src/bot/http-api/index.js';
import { createClient, type WebWxClient } from '../../../src/client/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { SqliteStore } from '../../../src/store/index.js';
import { type LocalServer, startLocalServer } from '../local-server.js';
import { startAutoConfirmingEmulator } from '../logged-in.js';

const TOKEN = 'tg-token-0123456789abcdef';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
let dir: string;
let store: SqliteStore;
let emulator: Emulator;
let client: WebWxClient;
let api: ApiServer;

function startApi(): Promise<ApiServer> {
  return startApiServer({
    client,
    token: TOKEN,
    port: 0,
    sendQueue: { minIntervalMs: 0 },
    telegram: { store, maxPollSeconds: 5, webhook: { backoffBaseMs: 20, backoffMaxMs: 50 } },
  });
}

function newBot(token = TOKEN): Bot {
  return new Bot(token, { client: { apiRoot: api.url } });
}

/** getUpdates until one satisfies `match` (confirming nothing). */
async function waitForUpdate(bot: Bot, match: (u: Update) => boolean, offset?: number): Promise<Update> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const updates = await bot.api.getUpdates({ timeout: 2, ...(offset ? { offset } : {}) });
    const found = updates.find(match);
    if (found) return found;
  }
  throw new Error('no such update');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'webwx-tg-'));
  store = new SqliteStore(join(dir, 'session.db'));
  emulator = await startAutoConfirmingEmulator();
  client = createClient({ server: emulator.baseUrl, store, retry: { baseDelayMs: 20, maxDelayMs: 100 } });
  await client.start();
  api = await startApi();
}, 30_000);

afterAll(async () => {
  await api?.close();
  await client?.stop();
  await emulator?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Telegram Bot API surface, driven by grammY', () => {
  it('answers getMe as the logged-in account', async () => {
    const bot = newBot();
    await bot.init();
    expect(bot.botInfo).toMatchObject({ is_bot: true, first_name: '小明' });
    expect(bot.botInfo.id).toBeGreaterThan(0);
    expect(bot.botInfo.id).toBeLessThan(2 ** 52);
  });

  it('refuses a wrong token with 401 and an unknown method with 404, as Telegram', async () => {
    const wrong = newBot('wrong-token-0123456789abc');
    const error = await wrong.api.getMe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(401);
    const res = await fetch(`${api.url}/bot${TOKEN}/noSuchMethod`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    // The bearer-token API is unchanged: a /v1 path without the header is still a bare 401.
    expect((await fetch(`${api.url}/v1/me`)).status).toBe(401);
    const download = await fetch(`${api.url}/file/botwrong-token-0123456789abc/documents/1_1.pdf`);
    expect(download.status).toBe(401);
  });

  it('receives a phone text as an update, with a chat id that resolves back', async () => {
    const bot = newBot();
    const injected = emulator.phone.sendText({ from: '老张', text: '/start hello' });
    const update = await waitForUpdate(bot, (u) => u.message?.text === '/start hello');
    const message = update.message as NonNullable<Update['message']>;
    expect(message).toMatchObject({
      chat: { type: 'private', first_name: '老张' },
      from: { is_bot: false, first_name: '老张' },
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      date: injected.createTime,
    });
    expect(message.chat.id).toBeGreaterThan(0);
    expect(update.update_id).toBe(message.message_id);
    const chat = await bot.api.getChat(message.chat.id);
    expect(chat).toMatchObject({ id: message.chat.id, type: 'private' });
    expect(await bot.api.sendChatAction(message.chat.id, 'typing')).toBe(true);
    await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 0 });
  });

  it('runs a bot with long polling: replies, quotes, downloads a file and sends a document back', async () => {
    const bot = newBot();
    const errors: unknown[] = [];
    bot.catch((e) => {
      errors.push(e.error);
    });
    let downloaded: Buffer | undefined;
    bot.command('ping', (ctx) => ctx.reply('pong', { reply_parameters: { message_id: ctx.msg.message_id } }));
    bot.on('message:document', async (ctx) => {
      const file = await ctx.getFile();
      const res = await fetch(`${api.url}/file/bot${TOKEN}/${file.file_path}`);
      downloaded = Buffer.from(await res.arrayBuffer());
      await ctx.replyWithDocument(new InputFile(Buffer.from(downloaded).reverse(), 'reversed.bin'));
    });
    const running = bot.start({ timeout: 2 });
    try {
      emulator.phone.sendText({ from: '老张', text: '/ping' });
      const pong = await emulator.phone.waitForSent((r) => r.content.endsWith('pong'), { timeoutMs: 10_000 });
      expect(pong.to).toBe('wxid_zhangwei01');
      expect(pong.content).toBe('「老张：/ping」\n- - - - - - - - - - - - - - -\npong');

      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
      await emulator.phone.sendFile({ from: '老张', data: bytes, fileName: 'report.bin' });
      const echoed = await emulator.phone.waitForSent((r) => r.media?.fileName === 'reversed.bin', {
        timeoutMs: 10_000,
      });
      expect(downloaded?.equals(bytes)).toBe(true);
      expect((await echoed.media?.bytes())?.equals(Buffer.from(bytes).reverse())).toBe(true);
    } finally {
      await bot.stop();
      await running;
    }
    expect(errors).toEqual([]);
  });

  it('sends a photo and a document; the phone gets the bytes; a file_id is sent again', async () => {
    const bot = newBot();
    const chat = (await waitForSome(bot)).chatId;
    const photo = await bot.api.sendPhoto(chat, new InputFile(PNG, 'dot.png'), { caption: 'a dot' });
    expect(photo.photo?.[0]?.file_id).toMatch(/^\d+_\d+$/);
    expect(photo.caption).toBe('a dot');
    const image = await emulator.phone.waitForSent((r) => r.media?.fileName === 'dot.png', {
      timeoutMs: 5000,
    });
    expect((await image.media?.bytes())?.equals(PNG)).toBe(true);
    await emulator.phone.waitForSent((r) => r.content === 'a dot', { timeoutMs: 5000 });

    const doc = await bot.api.sendDocument(chat, new InputFile(Buffer.from('hello doc'), 'notes.txt'));
    expect(doc.document).toMatchObject({ file_name: 'notes.txt', mime_type: 'text/plain', file_size: 9 });
    const again = await bot.api.sendDocument(chat, doc.document?.file_id as string);
    expect(again.document?.file_name).toBe('notes.txt');
    expect(again.message_id).toBeGreaterThan(doc.message_id);
    // The file_id went as a forward (Scene 2) of the uploaded file.
    const forwarded = emulator.phone.sent().find((r) => r.scene === 2 && r.content.includes('notes.txt'));
    expect(forwarded?.to).toBe('wxid_zhangwei01');

    const url = await bot.api.sendDocument(chat, 'https://example.com/a.pdf').catch((e: unknown) => e);
    expect((url as GrammyError).error_code).toBe(400);
    expect((url as GrammyError).description).toMatch(/by URL is not supported/);
  });

  it('delivers to a webhook with the secret header; getUpdates is 409 meanwhile', async () => {
    const hook: LocalServer = await startLocalServer(() => ({ status: 200, body: '' }));
    const bot = newBot();
    try {
      await bot.api.setWebhook(`${hook.url}/tg`, { secret_token: 'sec_ret-1' });
      const info = await bot.api.getWebhookInfo();
      expect(info.url).toBe(`${hook.url}/tg`);
      const conflict = await bot.api.getUpdates({ timeout: 0 }).catch((e: unknown) => e);
      expect((conflict as GrammyError).error_code).toBe(409);
      emulator.phone.sendText({ from: '老张', text: 'to the webhook' });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !hook.requests.some((r) => r.body.includes('to the webhook'))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const request = hook.requests.find((r) => r.body.includes('to the webhook'));
      expect(request?.headers['x-telegram-bot-api-secret-token']).toBe('sec_ret-1');
      expect(request?.headers['content-type']).toMatch(/application\/json/);
      expect(JSON.parse(request?.body ?? '{}').message.text).toBe('to the webhook');
    } finally {
      await bot.api.deleteWebhook();
      await hook.close();
    }
    // Delivered updates were confirmed: polling does not see it again.
    const updates = await bot.api.getUpdates({ timeout: 0 });
    expect(updates.some((u) => u.message?.text === 'to the webhook')).toBe(false);
  });

  it('confirms updates with offset, durably: not again after a restart of the API', async () => {
    const bot = newBot();
    emulator.phone.sendText({ from: '老张', text: 'confirm me' });
    const update = await waitForUpdate(bot, (u) => u.message?.text === 'confirm me');
    const again = await bot.api.getUpdates({ timeout: 0 });
    expect(again.some((u) => u.update_id === update.update_id)).toBe(true);
    await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 0 });
    expect((await bot.api.getUpdates({ timeout: 0 })).some((u) => u.update_id === update.update_id)).toBe(
      false,
    );

    await api.close();
    api = await startApi();
    const restarted = newBot();
    const after = await restarted.api.getUpdates({ timeout: 0 });
    expect(after.some((u) => u.update_id === update.update_id)).toBe(false);
    emulator.phone.sendText({ from: '老张', text: 'after the restart' });
    const next = await waitForUpdate(restarted, (u) => u.message?.text === 'after the restart');
    expect(next.update_id).toBeGreaterThan(update.update_id);
  });
});

describe('Telegram Bot API surface without a store', () => {
  it('numbers updates in memory from 1 and answers them to grammY', async () => {
    const bare = await startApiServer({ client, token: TOKEN, port: 0, telegram: true });
    try {
      const bot = new Bot(TOKEN, { client: { apiRoot: bare.url } });
      emulator.phone.sendText({ from: '老张', text: 'no store here' });
      let updates: Update[] = [];
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !updates.some((u) => u.message?.text === 'no store here')) {
        updates = await bot.api.getUpdates({ timeout: 2 });
      }
      const update = updates.find((u) => u.message?.text === 'no store here');
      expect(update?.update_id).toBe(1);
      const reply = await bot.api.sendMessage(update?.message?.chat.id as number, 'memory pong', {
        reply_parameters: { message_id: update?.message?.message_id as number },
      });
      expect(reply).toMatchObject({
        message_id: 2,
        text: 'memory pong',
        reply_to_message: { text: 'no store here' },
      });
      const sent = await emulator.phone.waitForSent((r) => r.content.endsWith('memory pong'), {
        timeoutMs: 5000,
      });
      expect(sent.content).toContain('「老张：no store here」');
      const missing = await bot.api
        .sendMessage(update?.message?.chat.id as number, 'x', {
          reply_parameters: { message_id: 999 },
        })
        .catch((e: unknown) => e);
      expect((missing as GrammyError).description).toBe('Bad Request: message to be replied not found');
    } finally {
      await bare.close();
    }
  });
});

/** Sends a phone text and reads its update: the chat id of 老张. */
async function waitForSome(bot: Bot): Promise<{ chatId: number }> {
  const text = `hi ${Math.random()}`;
  emulator.phone.sendText({ from: '老张', text });
  const update = await waitForUpdate(bot, (u) => u.message?.text === text);
  await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 0 });
  return { chatId: update.message?.chat.id as number };
}

/** Every example in examples/ runs against the real client and the emulator; the phone sees the answers. */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as echoBot from '../../examples/echo-bot.js';
import * as forwardToWebhook from '../../examples/forward-to-webhook.js';
import * as groupWelcome from '../../examples/group-welcome.js';
import * as keywordReply from '../../examples/keyword-reply.js';
import * as llmReply from '../../examples/llm-reply.js';
import { Bot } from '../../src/bot/index.js';
import { createClient, type WebWxClient } from '../../src/client/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { type LocalServer, startLocalServer } from './local-server.js';
import { startAutoConfirmingEmulator } from './logged-in.js';

let emulator: Emulator;
let client: WebWxClient;
let bot: Bot | undefined;
const servers: LocalServer[] = [];
const FAMILY = '20190101001@chatroom';

beforeAll(async () => {
  emulator = await startAutoConfirmingEmulator();
  client = createClient({ server: emulator.baseUrl });
  await client.start();
}, 30_000);

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  for (const s of servers.splice(0)) await s.close();
});

afterAll(async () => {
  await client?.stop();
  await emulator?.close();
});

async function startBot(register: (bot: Bot) => unknown): Promise<Bot> {
  bot = new Bot(client, { sendQueue: { minIntervalMs: 0 } });
  await register(bot);
  await bot.start();
  return bot;
}

const sentTo = (to: string, text?: string) =>
  emulator.phone.waitForSent((r) => r.to === to && (text === undefined || r.content === text), {
    timeoutMs: 10_000,
  });

describe('examples/', () => {
  it('echo-bot echoes private texts', async () => {
    await startBot(echoBot.register);
    emulator.phone.sendText({ from: '老张', text: 'echo me 🙂' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('echo me 🙂');
  });

  it('keyword-reply answers keywords, in groups only when mentioned', async () => {
    await startBot(keywordReply.register);
    emulator.phone.sendText({ from: '老张', text: '这个价格多少?' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('价格请看官网 📄');
    emulator.phone.sendText({ from: 'wxid_mama11', room: FAMILY, text: 'hello?' });
    emulator.phone.sendText({ from: 'wxid_mama11', room: FAMILY, text: '@小明\u2005hello' });
    expect((await sentTo(FAMILY)).content).toBe('Hello! Type "help" for what I can do.');
    expect(emulator.phone.sent().filter((r) => r.to === FAMILY)).toHaveLength(1);
  });

  it('group-welcome greets who joined', async () => {
    await startBot(groupWelcome.register);
    emulator.phone.sendMessage({
      kind: 'system',
      from: 'wxid_mama11',
      room: FAMILY,
      text: '"妈妈"邀请"李建国"加入了群聊',
    });
    expect((await sentTo(FAMILY)).content).toBe('欢迎 李建国 加入 相亲相爱一家人! 🎉');
  });

  it('forward-to-webhook POSTs incoming messages', async () => {
    const hook = await startLocalServer(() => ({ status: 204 }));
    servers.push(hook);
    let delivery: ReturnType<typeof forwardToWebhook.register> | undefined;
    await startBot((b) => {
      delivery = forwardToWebhook.register(b, { url: `${hook.url}/in` });
    });
    const injected = emulator.phone.sendText({ from: '老张', text: 'to the webhook' });
    for (let i = 0; i < 200 && hook.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await delivery?.idle();
    expect(JSON.parse(hook.requests[0]?.body ?? '{}')).toMatchObject({
      id: injected.msgId,
      text: 'to the webhook',
    });
    delivery?.close();
  });

  it('llm-reply answers with the chat-completions endpoint', async () => {
    const api = await startLocalServer((req) => {
      const { messages } = JSON.parse(req.body) as { messages: { content: string }[] };
      return {
        body: JSON.stringify({
          choices: [{ message: { content: `(${messages.length}) ${messages.at(-1)?.content}` } }],
        }),
      };
    });
    servers.push(api);
    await startBot((b) => llmReply.register(b, { baseUrl: api.url, model: 'test' }));
    emulator.phone.sendText({ from: '老张', text: 'first' });
    expect((await sentTo('wxid_zhangwei01', '(2) first')).content).toBe('(2) first');
    emulator.phone.sendText({ from: '老张', text: 'second' });
    // system + first + answer + second: the chat's memory went along.
    expect((await sentTo('wxid_zhangwei01', '(4) second')).content).toBe('(4) second');
  });
});

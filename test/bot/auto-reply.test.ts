import { afterEach, describe, expect, it } from 'vitest';
import {
  autoReply,
  ConversationMemory,
  chatCompletionsSource,
  expandTemplate,
  matchRules,
  parseRules,
  parseWebhookReply,
  type ReplyInput,
  rulesSource,
  stripSelfMention,
  webhookSource,
} from '../../src/bot/auto-reply/index.js';
import { Bot } from '../../src/bot/bot.js';
import { BotConfigError } from '../../src/bot/bot-errors.js';
import { ParseError, TransportError } from '../../src/errors.js';
import { contact, fakeClient, room, textMessage } from './fakes.js';
import { type LocalServer, startLocalServer } from './local-server.js';

function input(text: string, chat: Partial<ReplyInput['message']['chat']> = {}): ReplyInput {
  return {
    text,
    message: {
      id: '1',
      kind: 'text',
      createTime: 0,
      text,
      isSelf: false,
      mentions: [],
      mentionsSelf: false,
      chat: { userName: '@alice', name: 'Alice', type: 'private', ...chat },
      sender: { userName: '@alice', name: 'Alice' },
      details: {},
    },
  };
}

const servers: LocalServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function server(...args: Parameters<typeof startLocalServer>): Promise<LocalServer> {
  const s = await startLocalServer(...args);
  servers.push(s);
  return s;
}

describe('rules source', () => {
  const set = parseRules({
    deny: ['Spam Group'],
    rules: [
      { keyword: 'Hello', reply: 'Hi! 👋' },
      { regex: '^price (?<item>\\w+)$', flags: 'i', reply: '$<item> costs $$5 ($1)' },
      { keyword: 'vip', reply: 'welcome, VIP', chats: { allow: ['老张', 'wxid_boss'] } },
    ],
    fallback: 'Sorry?',
  });

  it('answers the first matching rule: keyword (case-insensitive), regex with groups, fallback', () => {
    expect(matchRules(set, input('well, HELLO there'))).toBe('Hi! 👋');
    expect(matchRules(set, input('Price apples'))).toBe('apples costs $5 (apples)');
    expect(matchRules(set, input('something else'))).toBe('Sorry?');
  });

  it('applies chat allow and deny lists, by name, UserName or stable id', () => {
    expect(matchRules(set, input('hello', { name: 'Spam Group', type: 'group' }))).toBeUndefined();
    expect(matchRules(set, input('vip'))).toBe('Sorry?');
    expect(matchRules(set, input('vip', { name: '老张' }))).toBe('welcome, VIP');
    expect(matchRules(set, input('vip', { stableId: 'wxid_boss' }))).toBe('welcome, VIP');
  });

  it('rejects bad files with errors naming the field', () => {
    const bad: [unknown, RegExp][] = [
      [[], /rules file is a JSON object/],
      [{ rules: 'x' }, /^rules: expected an array/],
      [{ rules: [{ reply: 'x' }] }, /^rules\[0\]: needs exactly one of "keyword" or "regex"/],
      [{ rules: [{ keyword: 'a', regex: 'b', reply: 'x' }] }, /^rules\[0\]: needs exactly one/],
      [{ rules: [{ regex: '(', reply: 'x' }] }, /^rules\[0\]\.regex: invalid regular expression/],
      [{ rules: [{ regex: 'a', flags: 'g', reply: 'x' }] }, /^rules\[0\]\.flags: only i, m, s and u/],
      [{ rules: [{ keyword: 'a', reply: '' }] }, /^rules\[0\]\.reply: must not be empty/],
      [
        { rules: [{ keyword: 'a', reply: 'x', chats: { allow: [1] } }] },
        /^rules\[0\]\.chats\.allow\[0\]: expected a string/,
      ],
      [{ rules: [{ keyword: 'a', reply: 'x', extra: 1 }] }, /^rules\[0\]\.extra: unknown field/],
      [{ rules: [], nope: true }, /^nope: unknown field/],
    ];
    for (const [value, message] of bad) {
      expect(() => parseRules(value)).toThrow(BotConfigError);
      expect(() => parseRules(value)).toThrow(message);
    }
  });

  it('expands $0, $1, $<name> and $$', () => {
    const m = /(?<a>x)(y)/.exec('xy') as RegExpExecArray;
    expect(expandTemplate('$0 $1 $2 $<a> $$ $9', m)).toBe('xy x y x $ ');
  });
});

describe('webhook source (against a local server)', () => {
  it('POSTs the text and message as JSON and replies with {reply}', async () => {
    const hook = await server((req) => ({
      body: JSON.stringify({ reply: `got ${JSON.parse(req.body).text}` }),
    }));
    const source = webhookSource({ url: `${hook.url}/hook`, headers: { 'x-secret': 's' } });
    expect(await source.reply(input('ping'))).toBe('got ping');
    expect(hook.requests[0]).toMatchObject({ method: 'POST', url: '/hook' });
    expect(hook.requests[0]?.headers['x-secret']).toBe('s');
    expect(JSON.parse(hook.requests[0]?.body ?? '')).toMatchObject({
      text: 'ping',
      message: { chat: { name: 'Alice' } },
    });
  });

  it('text/plain bodies are the reply; empty, 204 and {reply:null} are none; 5xx is a TransportError', async () => {
    const answers = [
      { headers: { 'content-type': 'text/plain' }, body: ' plain answer \n' },
      { status: 204 },
      { body: '{"reply":null}' },
      { status: 500, body: 'oops' },
    ];
    const hook = await server((_req, i) => answers[i] ?? {});
    const source = webhookSource({ url: hook.url });
    expect(await source.reply(input('a'))).toBe('plain answer');
    expect(await source.reply(input('b'))).toBeUndefined();
    expect(await source.reply(input('c'))).toBeUndefined();
    await expect(source.reply(input('d'))).rejects.toBeInstanceOf(TransportError);
  });

  it('parses answers strictly', () => {
    expect(parseWebhookReply('application/json', '"just a string"')).toBe('just a string');
    expect(() => parseWebhookReply('application/json', '{"reply":5}')).toThrow(/not a string/);
    expect(() => parseWebhookReply('application/json', '{nope')).toThrow(/invalid JSON/);
    expect(() => parseWebhookReply('application/json', '5')).toThrow(ParseError);
    expect(() => webhookSource({ url: 'ftp://x' })).toThrow(BotConfigError);
  });
});

describe('chat-completions source (against a fake endpoint)', () => {
  it('sends model, system prompt and the chat’s history with the key; remembers per chat', async () => {
    const api = await server((req) => {
      const body = JSON.parse(req.body) as { messages: { content: string }[] };
      const last = body.messages.at(-1)?.content ?? '';
      return {
        body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: `re: ${last}` } }] }),
      };
    });
    const source = chatCompletionsSource({
      baseUrl: `${api.url}/v1/`,
      model: 'tiny-model',
      apiKey: 'sk-test-123',
      systemPrompt: 'Be brief.',
    });
    expect(await source.reply(input('one'))).toBe('re: one');
    expect(await source.reply(input('two'))).toBe('re: two');
    expect(await source.reply(input('other chat', { userName: '@bob' }))).toBe('re: other chat');
    expect(api.requests[0]?.url).toBe('/v1/chat/completions');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer sk-test-123');
    const second = JSON.parse(api.requests[1]?.body ?? '');
    expect(second).toEqual({
      model: 'tiny-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 're: one' },
        { role: 'user', content: 'two' },
      ],
    });
    const third = JSON.parse(api.requests[2]?.body ?? '');
    expect(third.messages).toHaveLength(2);
  });

  it('a malformed answer is a ParseError; an error status a TransportError', async () => {
    const answers = [{ body: '{"nope":1}' }, { status: 401, body: '{"error":"bad key"}' }];
    const api = await server((_req, i) => answers[i] ?? {});
    const source = chatCompletionsSource({ baseUrl: api.url, model: 'm' });
    await expect(source.reply(input('a'))).rejects.toThrow(/no "choices"/);
    await expect(source.reply(input('b'))).rejects.toMatchObject({ status: 401 });
  });

  it('memory is bounded by turns, characters and chats', () => {
    const memory = new ConversationMemory({ maxTurns: 3, maxChars: 10, maxChats: 2 });
    memory.add('a', { role: 'user', content: '1234' }, { role: 'assistant', content: '5678' });
    memory.add('a', { role: 'user', content: '9' }, { role: 'assistant', content: 'abcd' });
    expect(memory.history('a').map((t) => t.content)).toEqual(['5678', '9', 'abcd']);
    memory.add('a', { role: 'user', content: 'x'.repeat(50) });
    expect(memory.history('a').map((t) => t.content)).toEqual(['x'.repeat(10)]);
    memory.add('b', { role: 'user', content: 'b' });
    memory.add('c', { role: 'user', content: 'c' });
    expect(memory.size).toBe(2);
    expect(memory.history('a')).toEqual([]);
  });
});

describe('autoReply middleware', () => {
  const client = fakeClient({
    contacts: [contact('@alice', 'Alice'), contact('@news', 'News', 'official')],
    rooms: [room('@@g', 'Group')],
  });
  const echo = { name: 'echo', reply: async (i: ReplyInput) => `echo: ${i.text}` };

  it('answers private texts; in groups only when mentioned, unless all group messages are on', async () => {
    const bot = new Bot(client, { sendQueue: { minIntervalMs: 0 } });
    bot.use(autoReply(echo));
    await bot.handleMessage(textMessage('hi'));
    await bot.handleMessage(textMessage('not for me', { chat: '@@g', sender: '@alice' }));
    await bot.handleMessage(
      textMessage('@Me\u2005how are you', { chat: '@@g', sender: '@alice', mentionsSelf: true }),
    );
    await bot.handleMessage(textMessage('from news', { chat: '@news' }));
    await bot.handleMessage(textMessage('mine', { isSelf: true }));
    expect(client.sent.splice(0)).toEqual([
      { to: '@alice', text: 'echo: hi' },
      { to: '@@g', text: 'echo: how are you' },
    ]);
    const all = new Bot(client, { sendQueue: { minIntervalMs: 0 } });
    all.use(autoReply(echo, { groups: 'all' }));
    await all.handleMessage(textMessage('everyone', { chat: '@@g', sender: '@alice' }));
    expect(client.sent.splice(0)).toEqual([{ to: '@@g', text: 'echo: everyone' }]);
  });

  it('a failing source passes the message on and the bot goes on', async () => {
    const bot = new Bot(client, { sendQueue: { minIntervalMs: 0 } });
    const passed: string[] = [];
    bot.use(autoReply({ name: 'broken', reply: async () => Promise.reject(new Error('down')) }));
    bot.use((ctx) => {
      passed.push(ctx.text);
    });
    await bot.handleMessage(textMessage('q'));
    expect(passed).toEqual(['q']);
    expect(stripSelfMention('@小明 hi @小明', ['小明'])).toBe('hi');
  });

  it('rulesSource plugs in', async () => {
    const bot = new Bot(client, { sendQueue: { minIntervalMs: 0 } });
    bot.use(autoReply(rulesSource(parseRules({ rules: [{ keyword: 'hello', reply: 'Hi' }] }))));
    await bot.handleMessage(textMessage('Hello!'));
    await bot.handleMessage(textMessage('bye'));
    expect(client.sent.splice(0)).toEqual([{ to: '@alice', text: 'Hi' }]);
  });
});

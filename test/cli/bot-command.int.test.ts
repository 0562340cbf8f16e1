/** `webwx bot` and `webwx serve` in-process against the emulator; reply sources on local servers. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { type LocalServer, startLocalServer } from '../bot/local-server.js';
import { startAutoConfirmingEmulator } from '../bot/logged-in.js';
import { runCli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-bot-'));
const rulesFile = join(dir, 'rules.json');
writeFileSync(
  rulesFile,
  JSON.stringify({
    rules: [
      { keyword: 'hello', reply: '你好! (auto)' },
      { regex: '^add (\\d+) (\\d+)$', reply: 'sum of $1 and $2' },
    ],
    deny: ['项目组-工作群'],
  }),
);

let emulator: Emulator;
const servers: LocalServer[] = [];

beforeEach(async () => {
  emulator = await startAutoConfirmingEmulator();
});

afterEach(async () => {
  await emulator.close();
  for (const s of servers.splice(0)) await s.close();
});

afterAll(() => {
  // The temp dir is left to the OS.
});

const sentTo = (to: string, timeoutMs = 10_000) =>
  emulator.phone.waitForSent((r) => r.to === to, { timeoutMs });

describe('webwx bot --auto-reply', () => {
  it('answers from a rules file: private chats, and groups only when mentioned', async () => {
    const run = runCli(['bot', '--auto-reply', '--rules', rulesFile, '--server', emulator.baseUrl]);
    await run.waitForOutput('Bot running: auto-reply from rules; groups only when mentioned');
    emulator.phone.sendText({ from: '老张', text: 'hello there' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('你好! (auto)');
    emulator.phone.sendText({ from: '老张', text: 'add 2 3' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('sum of 2 and 3');

    const family = '20190101001@chatroom';
    emulator.phone.sendText({ from: 'wxid_mama11', room: family, text: 'hello everyone' });
    emulator.phone.sendText({ from: 'wxid_mama11', room: family, text: '@小明\u2005hello bot' });
    expect((await sentTo(family)).content).toBe('你好! (auto)');
    // Same chat, in order: the unmentioned one came first and got nothing.
    expect(emulator.phone.sent().filter((r) => r.to === family)).toHaveLength(1);
    await run.waitForOutput('replied in 相亲相爱一家人');
    run.abort();
    expect(await run.exit).toBe(130);
  });

  it('--all-group-messages answers group texts without a mention', async () => {
    const run = runCli([
      'bot',
      '--auto-reply',
      '--rules',
      rulesFile,
      '--all-group-messages',
      '--server',
      emulator.baseUrl,
    ]);
    await run.waitForOutput('all group messages');
    const family = '20190101001@chatroom';
    emulator.phone.sendText({ from: 'wxid_mama11', room: family, text: 'hello all' });
    expect((await sentTo(family)).content).toBe('你好! (auto)');
    run.abort();
    expect(await run.exit).toBe(130);
  });

  it('answers from a webhook', async () => {
    const hook = await startLocalServer((req) => ({
      body: JSON.stringify({ reply: `hook saw: ${JSON.parse(req.body).text}` }),
    }));
    servers.push(hook);
    const run = runCli([
      'bot',
      '--auto-reply',
      '--webhook',
      `${hook.url}/reply`,
      '--server',
      emulator.baseUrl,
    ]);
    await run.waitForOutput('Bot running');
    emulator.phone.sendText({ from: '老张', text: 'anything' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('hook saw: anything');
    expect(JSON.parse(hook.requests[0]?.body ?? '{}')).toMatchObject({
      text: 'anything',
      message: { kind: 'text', chat: { name: '老张', type: 'private' } },
    });
    run.abort();
    await run.exit;
  });

  it('answers from a chat-completions endpoint with the key from the environment', async () => {
    const api = await startLocalServer(() => ({
      body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'LLM says hi' } }] }),
    }));
    servers.push(api);
    const run = runCli(
      [
        'bot',
        '--auto-reply',
        '--openai-base-url',
        `${api.url}/v1`,
        '--openai-model',
        'm1',
        '--server',
        emulator.baseUrl,
      ],
      { env: { WEBWX_OPENAI_API_KEY: 'sk-secret-key-1234' } },
    );
    await run.waitForOutput('Bot running');
    emulator.phone.sendText({ from: '老张', text: 'who are you?' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('LLM says hi');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer sk-secret-key-1234');
    expect(run.stdout() + run.stderr()).not.toContain('sk-secret-key-1234');
    run.abort();
    await run.exit;
  });

  it('says on stderr when the reply source fails, and goes on', async () => {
    let calls = 0;
    const hook = await startLocalServer(() => {
      calls++;
      return calls === 1 ? { status: 500, body: 'down' } : { body: JSON.stringify({ reply: 'back up' }) };
    });
    servers.push(hook);
    const run = runCli(['bot', '--auto-reply', '--webhook', hook.url, '--server', emulator.baseUrl]);
    await run.waitForOutput('Bot running');
    emulator.phone.sendText({ from: '老张', text: 'one' });
    emulator.phone.sendText({ from: '老张', text: 'two' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('back up');
    expect(run.stderr()).toMatch(
      /webwx: webhook http:\/\/127\.0\.0\.1:\d+\/ failed for a message in 老张: .*HTTP 500/,
    );
    run.abort();
    await run.exit;
  });

  it('loads handler modules from --config', async () => {
    const plugin = join(dir, 'ping-plugin.mjs');
    writeFileSync(
      plugin,
      "export function register(bot) { bot.command('ping', (ctx) => ctx.reply('pong ' + ctx.match)); }\n",
    );
    const config = join(dir, 'bot.json');
    writeFileSync(config, JSON.stringify({ plugins: ['./ping-plugin.mjs'] }));
    const run = runCli(['bot', '--config', config, '--server', emulator.baseUrl]);
    await run.waitForOutput('Bot running: 1 plugin(s)');
    emulator.phone.sendText({ from: '老张', text: '/ping 42' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('pong 42');
    run.abort();
    await run.exit;
  });

  it('says what is wrong with the options, before logging in', async () => {
    const cases: [string[], RegExp][] = [
      [['bot', '--auto-reply'], /needs a reply source/],
      [['bot'], /nothing to do/],
      [['bot', '--rules', rulesFile], /needs --auto-reply/],
      [
        ['bot', '--auto-reply', '--rules', rulesFile, '--webhook', 'http://127.0.0.1:1'],
        /choose one reply source/,
      ],
      [['bot', '--auto-reply', '--openai-base-url', 'http://127.0.0.1:1/v1'], /--openai-model/],
      [['bot', '--auto-reply', '--webhook', 'ftp://x'], /expected an http\(s\) URL/],
      [['bot', '--auto-reply', '--rules', join(dir, 'missing.json')], /cannot read the rules file/],
      [
        ['bot', '--auto-reply', '--all-group-messages', '--group-mentions-only', '--rules', rulesFile],
        /choose one of/,
      ],
      [['serve'], /needs a bearer token/],
      [['serve', '--token', 'short'], /at least 16 characters/],
    ];
    const bad = join(dir, 'bad-rules.json');
    writeFileSync(bad, JSON.stringify({ rules: [{ regex: '([', reply: 'x' }] }));
    cases.push([['bot', '--auto-reply', '--rules', bad], /rules\[0\]\.regex: invalid regular expression/]);
    const throwing = join(dir, 'throwing-plugin.mjs');
    writeFileSync(throwing, "export function register() { throw new Error('needs SOME_VAR'); }\n");
    const throwingConfig = join(dir, 'throwing.json');
    writeFileSync(throwingConfig, JSON.stringify({ plugins: ['./throwing-plugin.mjs'] }));
    cases.push([
      ['bot', '--config', throwingConfig],
      /plugin \.\/throwing-plugin\.mjs: register\(bot\) failed: needs SOME_VAR/,
    ]);
    cases.push([['bot', '--config', join(dir, 'no-such.json')], /--config: cannot read/]);
    for (const [args, message] of cases) {
      const run = runCli(args);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toMatch(message);
    }
    expect(emulator.phone.qrCodes()).toHaveLength(0);
  });
});

describe('webwx bot on the data directory', () => {
  it('a restart resumes the saved session without a new QR code', async () => {
    const env = { WEBWX_DATA_DIR: join(dir, `bot-data-${Date.now()}`) };
    const args = ['bot', '--auto-reply', '--rules', rulesFile, '--server', emulator.baseUrl];
    const first = runCli(args, { env });
    await first.waitForOutput('Bot running');
    const qrs = emulator.phone.qrCodes().length;
    expect(qrs).toBe(1);
    first.abort();
    expect(await first.exit).toBe(130);
    const second = runCli(args, { env });
    await second.waitForOutput('Bot running');
    expect(second.stdout()).toContain('Resuming the saved session');
    expect(emulator.phone.qrCodes()).toHaveLength(qrs);
    emulator.phone.sendText({ from: '老张', text: 'hello again' });
    expect((await sentTo('wxid_zhangwei01')).content).toBe('你好! (auto)');
    second.abort();
    expect(await second.exit).toBe(130);
  });
});

describe('webwx serve', () => {
  it('logs in and serves the API with the token from the environment', async () => {
    const token = 'serve-token-abcdefghijklmnop';
    const run = runCli(['serve', '--port', '0', '--server', emulator.baseUrl], {
      env: { WEBWX_API_TOKEN: token },
    });
    await run.waitForOutput(/HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const url = /HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1] as string;
    expect((await fetch(`${url}/v1/me`)).status).toBe(401);
    const me = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ state: 'ready', self: { nickName: '小明' } });
    const sent = await fetch(`${url}/v1/messages/text`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'Alice Smith', text: 'from serve' }),
    });
    expect(sent.status).toBe(200);
    expect(
      (await emulator.phone.waitForSent((r) => r.content === 'from serve', { timeoutMs: 5000 })).to,
    ).toMatch(/alice/i);
    expect(run.stdout() + run.stderr()).not.toContain(token);
    run.abort();
    expect(await run.exit).toBe(130);
  });

  it('--store (deprecated, a line on stderr) keeps the message history the API reads', async () => {
    const token = 'serve-token-abcdefghijklmnop';
    const db = join(dir, `history-${Date.now()}.db`);
    const run = runCli(['serve', '--port', '0', '--store', db, '--server', emulator.baseUrl], {
      env: { WEBWX_API_TOKEN: token },
    });
    await run.waitForOutput(/HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const url = /HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1] as string;
    emulator.phone.sendText({ from: '老张', text: 'remember me' });
    const history = async () => {
      const res = await fetch(`${url}/v1/chats/${encodeURIComponent('老张')}/messages`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { messages: { text: string; direction: string }[] }).messages;
    };
    let messages = await history();
    for (let i = 0; i < 100 && !messages.some((m) => m.text === 'remember me'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      messages = await history();
    }
    expect(messages.find((m) => m.text === 'remember me')).toMatchObject({ direction: 'in' });
    expect(run.stderr()).toContain('--store is deprecated');
    run.abort();
    expect(await run.exit).toBe(130);
  });

  it('keeps its store in the data directory: a restart resumes without a QR code, history included', async () => {
    const token = 'serve-token-abcdefghijklmnop';
    const env = { WEBWX_API_TOKEN: token, WEBWX_DATA_DIR: join(dir, `serve-data-${Date.now()}`) };
    const start = async () => {
      const run = runCli(['serve', '--port', '0', '--server', emulator.baseUrl], { env });
      await run.waitForOutput(/HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const url = /HTTP API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1] as string;
      return { run, url };
    };
    const first = await start();
    const qrs = emulator.phone.qrCodes().length;
    expect(qrs).toBe(1);
    emulator.phone.sendText({ from: '老张', text: 'kept in the data dir' });
    await new Promise((r) => setTimeout(r, 300));
    first.run.abort();
    expect(await first.run.exit).toBe(130);
    const second = await start();
    expect(second.run.stdout()).toContain('Resuming the saved session');
    expect(emulator.phone.qrCodes()).toHaveLength(qrs);
    const res = await fetch(`${second.url}/v1/chats/${encodeURIComponent('老张')}/messages`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { messages } = (await res.json()) as { messages: { text: string }[] };
    expect(messages.map((m) => m.text)).toContain('kept in the data dir');
    expect(second.run.stderr()).not.toContain('deprecated');
    second.run.abort();
    expect(await second.run.exit).toBe(130);
  });

  it('exits 3 when the phone ends the session', async () => {
    const run = runCli(['serve', '--port', '0', '--server', emulator.baseUrl], {
      env: { WEBWX_API_TOKEN: 'serve-token-abcdefghijklmnop' },
    });
    await run.waitForOutput('HTTP API listening');
    emulator.phone.logout(1100);
    expect(await run.exit).toBe(3);
    expect(run.stderr()).toContain('session ended: logged-out-on-phone');
  });
});

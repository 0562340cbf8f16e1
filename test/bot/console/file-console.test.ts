/** The console over a fake client: who may command it, the built-ins, configured programs, files, echoes. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplySource } from '../../../src/bot/auto-reply/index.js';
import { parseConsoleConfig } from '../../../src/bot/console/console-config.js';
import { FileConsole } from '../../../src/bot/console/file-console.js';
import type { SendTextResult } from '../../../src/client/index.js';
import type { Message } from '../../../src/model/index.js';
import { type FakeClient, fakeClient, textMessage, tick } from '../fakes.js';

const node = process.execPath;
const filesDir = mkdtempSync(join(tmpdir(), 'webwx-console-files-'));
const consoles: FileConsole[] = [];

afterEach(async () => {
  for (const c of consoles.splice(0)) await c.stop();
});

const own = (text: string) => textMessage(text, { chat: 'filehelper', sender: '@me', isSelf: true });

function start(client: FakeClient, config?: unknown, replySource?: ReplySource): FileConsole {
  const fileConsole = new FileConsole({
    client,
    app: 'filehelper',
    filesDir,
    sendQueue: { minIntervalMs: 0 },
    ...(config ? { config: parseConsoleConfig(config) } : {}),
    ...(replySource ? { replySource } : {}),
  });
  consoles.push(fileConsole);
  return fileConsole;
}

async function replyTo(
  fileConsole: FileConsole,
  client: FakeClient,
  message: Message,
  count = 1,
): Promise<string[]> {
  const before = client.sent.length;
  await fileConsole.bot.handleMessage(message);
  for (let i = 0; i < 200 && client.sent.length < before + count; i++) await tick(25);
  return client.sent.slice(before).map((s) => s.text);
}

const config = {
  timeoutSeconds: 10,
  commands: {
    hello: { run: [node, '-e', "process.stdout.write('hello from a program'); process.exit(4)"] },
    echo: {
      run: [node, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))'],
      args: true,
      maxArgs: 3,
    },
    slow: { run: [node, '-e', 'setInterval(() => {}, 1000)'], timeoutSeconds: 0.5 },
    chatty: { run: [node, '-e', "process.stdout.write('z'.repeat(5000))"], maxOutputBytes: 100 },
  },
};

describe('FileConsole', () => {
  it('answers only the account’s own messages in the File Transfer chat', async () => {
    const client = fakeClient();
    const fileConsole = start(client);
    await fileConsole.bot.handleMessage(textMessage('/ping', { chat: '@alice' }));
    await fileConsole.bot.handleMessage(textMessage('/ping', { chat: 'filehelper' }));
    await fileConsole.bot.handleMessage(textMessage('/ping', { chat: '@alice', isSelf: true }));
    await fileConsole.bot.handleMessage(
      textMessage('/ping', { chat: '@@room', sender: '@me', isSelf: true }),
    );
    await tick(50);
    expect(client.sent).toEqual([]);
    expect(await replyTo(fileConsole, client, own('/ping'))).toEqual(['pong']);
    expect(client.sent[0]?.to).toBe('filehelper');
    expect(fileConsole.status.handled).toBe(1);
  });

  it('leaves notes alone and says when a command is unknown', async () => {
    const client = fakeClient();
    const fileConsole = start(client);
    await fileConsole.bot.handleMessage(own('ping'));
    await fileConsole.bot.handleMessage(own('remember the milk'));
    expect(client.sent).toEqual([]);
    expect((await replyTo(fileConsole, client, own('/reboot')))[0]).toMatch(
      /Unknown command “reboot”.*\/help/,
    );
  });

  it('takes bare words when the config says so', async () => {
    const client = fakeClient();
    const fileConsole = start(client, { bareCommands: true });
    expect(await replyTo(fileConsole, client, own('Ping'))).toEqual(['pong']);
  });

  it('lists built-ins and configured commands in /help; /status counts', async () => {
    const client = fakeClient();
    const fileConsole = start(client, config);
    const [help] = await replyTo(fileConsole, client, own('/help'));
    expect(help).toContain('/ping');
    expect(help).toContain('/status');
    expect(help).toContain('/echo [args…]');
    expect(help).toContain(filesDir);
    const [status] = await replyTo(fileConsole, client, own('/status'));
    expect(status).toMatch(/app filehelper/);
    expect(status).toMatch(/login state: unknown/);
    expect(status).toMatch(/messages handled: 2/);
    expect(status).toMatch(/sends pending: 0; sent: 1/);
  });

  it('runs a configured program and replies with its exit code and output', async () => {
    const client = fakeClient();
    const fileConsole = start(client, config);
    const [reply] = await replyTo(fileConsole, client, own('/hello'));
    expect(reply).toMatch(/^\$ \/hello → exit 4 \(/);
    expect(reply).toContain('hello from a program');
  });

  it('passes the message’s words as separate arguments only where allowed', async () => {
    const client = fakeClient();
    const fileConsole = start(client, config);
    const [reply] = await replyTo(fileConsole, client, own('/echo "a b" $(id) ;'));
    expect(JSON.parse(reply?.split('\n')[1] ?? '')).toEqual(['a b', '$(id)', ';']);
    expect(await replyTo(fileConsole, client, own('/hello extra'))).toEqual(['/hello takes no arguments.']);
    expect(await replyTo(fileConsole, client, own('/echo 1 2 3 4'))).toEqual([
      '/echo takes at most 3 arguments.',
    ]);
  });

  it('reports a timeout and a truncated output', async () => {
    const client = fakeClient();
    const fileConsole = start(client, config);
    const [slow] = await replyTo(fileConsole, client, own('/slow'));
    expect(slow).toMatch(/^\$ \/slow → timed out after 0\.5 s; its process group was killed/);
    const [chatty] = await replyTo(fileConsole, client, own('/chatty'));
    expect(chatty).toContain('z'.repeat(100));
    expect(chatty).not.toContain('z'.repeat(101));
    expect(chatty).toContain('[output truncated: the first 100 of 5000 bytes shown]');
  });

  it('answers /ping while a program runs, and refuses more than maxRunning at once', async () => {
    const client = fakeClient();
    const fileConsole = start(client, {
      ...config,
      maxRunning: 1,
      commands: { slow: { run: [node, '-e', 'setTimeout(() => {}, 1500)'] } },
    });
    await fileConsole.bot.handleMessage(own('/slow'));
    expect(await replyTo(fileConsole, client, own('/ping'))).toEqual(['pong']);
    expect((await replyTo(fileConsole, client, own('/slow')))[0]).toMatch(/^Busy: 1 command/);
    expect(fileConsole.status.running).toBe(1);
    const [done] = await replyTo(fileConsole, client, own('/status'), 2);
    expect(done).toMatch(/1 running/);
    for (let i = 0; i < 100 && !client.sent.some((s) => s.text.startsWith('$ /slow')); i++) await tick(50);
    expect(client.sent.find((s) => s.text.startsWith('$ /slow'))?.text).toMatch(/exit 0/);
  });

  it('never takes its own sends for commands, even when the echo comes before the send’s reply', async () => {
    const client = fakeClient();
    const plainSend = client.sendText.bind(client);
    let fileConsole: FileConsole | undefined;
    // A client whose sync delivers the echo of each send to filehelper before the send answers.
    client.sendText = async (to: string, text: string): Promise<SendTextResult> => {
      const result = await plainSend(to, text);
      if (to === 'filehelper') {
        const echo = { ...own(text), id: result.msgId };
        void fileConsole?.bot.handleMessage(echo);
        await tick(20);
      }
      return result;
    };
    fileConsole = start(client, { bareCommands: true });
    // What `webwx notify "/ping"` and `webwx notify ping` do: sends through the console's actions.
    await fileConsole.actions.sendText('filehelper', '/ping');
    await fileConsole.actions.sendText('filehelper', 'ping');
    await tick(100);
    expect(client.sent.map((s) => s.text)).toEqual(['/ping', 'ping']);
    // A reply's echo is not a command either: one pong per phone /ping.
    expect(await replyTo(fileConsole, client, own('/ping'))).toEqual(['pong']);
    await tick(100);
    expect(client.sent.map((s) => s.text)).toEqual(['/ping', 'ping', 'pong']);
    expect(fileConsole.status.handled).toBe(1);
  });

  it('hands other texts to the reply source', async () => {
    const client = fakeClient();
    const source: ReplySource = { name: 'test-source', reply: async ({ text }) => `you said ${text}` };
    const fileConsole = start(client, undefined, source);
    expect(await replyTo(fileConsole, client, own('how are you'))).toEqual(['you said how are you']);
    expect(await replyTo(fileConsole, client, own('/ping'))).toEqual(['pong']);
  });

  it('saves a file through the client’s download and says where', async () => {
    const client = fakeClient();
    const downloads: { dir?: string }[] = [];
    Object.assign(client, {
      download: async (_m: Message, options: { dir?: string }) => {
        downloads.push(options);
        return { path: join(options.dir ?? '', 'report.pdf'), bytes: 42, contentType: 'application/pdf' };
      },
    });
    const fileConsole = start(client);
    const file = { ...own(''), kind: 'file', media: { fileName: 'report.pdf' } } as unknown as Message;
    expect(await replyTo(fileConsole, client, file)).toEqual([
      `Saved to ${join(filesDir, 'report.pdf')} (42 bytes).`,
    ]);
    expect(downloads).toEqual([{ dir: filesDir }]);
    expect(fileConsole.status.filesSaved).toBe(1);
  });
});

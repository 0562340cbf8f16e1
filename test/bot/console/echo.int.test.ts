/**
 * The real client and console against the emulator behind a proxy that echoes every send to
 * filehelper back through webwxsync, as the real server may (§4.6): the console's own sends are never
 * taken for commands — after the send's reply (the client's seen set drops the echo) and before it
 * (the echo is emitted; the console's echo guard drops it).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '../../../src/bot/console/console-config.js';
import { FileConsole } from '../../../src/bot/console/file-console.js';
import { createClient, type WebWxClient } from '../../../src/client/index.js';
import type { Emulator } from '../../../src/emulator/index.js';
import type { Message } from '../../../src/model/index.js';
import { startAutoConfirmingEmulator } from '../logged-in.js';
import { type EchoProxy, startEchoProxy } from './echo-proxy.js';

let emulator: Emulator | undefined;
let proxy: EchoProxy | undefined;
let client: WebWxClient | undefined;
let fileConsole: FileConsole | undefined;

afterEach(async () => {
  await fileConsole?.stop();
  await client?.stop();
  await proxy?.close();
  await emulator?.close();
});

async function consoleBehindProxy(echoBeforeReply: boolean): Promise<{ seen: Message[] }> {
  emulator = await startAutoConfirmingEmulator();
  proxy = await startEchoProxy(emulator.baseUrl, { echoBeforeReply });
  const url = proxy.url;
  client = createClient({ hosts: { login: url, qr: url, main: url, file: url, push: url } });
  const seen: Message[] = [];
  client.on('message', (m) => seen.push(m));
  fileConsole = new FileConsole({
    client,
    app: 'web',
    filesDir: mkdtempSync(join(tmpdir(), 'webwx-echo-')),
    config: parseConsoleConfig({ bareCommands: true }),
    sendQueue: { minIntervalMs: 0 },
  });
  await fileConsole.start();
  return { seen };
}

/** A phone round trip: once /status is answered, everything before it in the chat was handled. */
async function statusReply(): Promise<string> {
  await emulator?.phone.writeToFileHelper({ text: '/status' });
  return (
    await emulator!.phone.waitForSent((r) => r.to === 'filehelper' && r.content.startsWith('webwx console'))
  ).content;
}

describe('the console and the echo of its own sends', () => {
  it('the client drops an echo that comes after the send’s reply (seen set)', async () => {
    const { seen } = await consoleBehindProxy(false);
    const sent = await fileConsole!.actions.sendText('filehelper', '/ping');
    await proxy!.waitForEcho(sent.msgId);
    expect(await statusReply()).toMatch(/messages handled: 1;/);
    expect(seen.some((m) => m.id === sent.msgId)).toBe(false);
    expect(emulator!.phone.sent().filter((r) => r.content === 'pong')).toEqual([]);
  }, 20_000);

  it('the console drops an echo that beats the send’s reply (echo guard)', async () => {
    const { seen } = await consoleBehindProxy(true);
    const bare = await fileConsole!.actions.sendText('filehelper', 'ping');
    const slashed = await fileConsole!.actions.sendText('filehelper', '/ping');
    expect(proxy!.echoed).toEqual([bare.msgId, slashed.msgId]);
    // The client could not know the MsgIDs yet: it emitted both echoes as own File Transfer messages.
    const echoes = seen.filter((m) => m.id === bare.msgId || m.id === slashed.msgId);
    expect(echoes.map((m) => [m.isSelf, m.chat.userName, m.text])).toEqual([
      [true, 'filehelper', 'ping'],
      [true, 'filehelper', '/ping'],
    ]);
    expect(await statusReply()).toMatch(/messages handled: 1;/);
    expect(emulator!.phone.sent().filter((r) => r.content === 'pong')).toEqual([]);
    // A /ping typed on the phone is still answered.
    await emulator!.phone.writeToFileHelper({ text: '/ping' });
    expect((await emulator!.phone.waitForSent((r) => r.content === 'pong')).to).toBe('filehelper');
  }, 20_000);
});

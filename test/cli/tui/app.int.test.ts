/**
 * The whole full-screen client (TuiApp) rendered by ink-testing-library, with the real client
 * against the real emulator: login screen, chat list, keys, sending, receiving every kind, revokes,
 * mentions, auto-reply.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TuiApp } from '../../../src/cli/tui/app.js';
import { awayMessageSource } from '../../../src/cli/tui/auto-reply.js';
import { createClient, type WebWxClient } from '../../../src/client/index.js';
import { type Emulator, startEmulator } from '../../../src/emulator/index.js';
import { MemoryStore } from '../../../src/store/index.js';
import { startAutoConfirmingEmulator } from '../../bot/logged-in.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ink's colours
const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001b\[[0-9;]*m/g, '');

type Rendered = ReturnType<typeof render>;

function waitForFrame(r: Rendered, predicate: (frame: string) => boolean, what: string, timeoutMs = 10_000) {
  return new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const frame = plain(r.lastFrame());
      if (predicate(frame)) return resolve(frame);
      if (Date.now() - started > timeoutMs)
        return reject(new Error(`timed out waiting for ${what}; frame:\n${frame}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** Types like a user: one key at a time, letting ink handle each. */
async function type(r: Rendered, ...keys: string[]) {
  for (const key of keys) {
    r.stdin.write(key);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('TuiApp against the emulator', () => {
  let emulator: Emulator;
  let client: WebWxClient;
  let rendered: Rendered | undefined;
  let quits: { interrupt: boolean }[];

  beforeEach(async () => {
    emulator = await startEmulator({
      world: 'demo',
      timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000 },
    });
    client = createClient({ server: emulator.baseUrl });
    quits = [];
  });

  afterEach(async () => {
    rendered?.unmount();
    rendered = undefined;
    await client.stop();
    await emulator.close();
  });

  async function loggedIn(
    extra: { downloadDir?: string; openFile?: (path: string) => void } = {},
  ): Promise<Rendered> {
    const r = render(
      h(TuiApp, {
        client,
        ...extra,
        size: { columns: 100, rows: 32 },
        autoReply: awayMessageSource({ perChatIntervalMs: 60_000 }),
        onQuit: (how) => quits.push(how),
      }),
    );
    rendered = r;
    const started = client.start();
    const qr = await emulator.phone.waitForQr();
    await waitForFrame(r, (f) => f.includes('Scan this QR code') && f.includes('▄'), 'the QR');
    emulator.phone.scan(qr.uuid);
    await waitForFrame(r, (f) => f.includes('Scanned'), 'scanned');
    emulator.phone.confirm(qr.uuid);
    await started;
    await waitForFrame(r, (f) => f.includes('Chats  (/ search)') && f.includes('● online'), 'the chat list');
    return r;
  }

  it('shows the login states, then the chat list with groups marked', async () => {
    const r = await loggedIn();
    const frame = plain(r.lastFrame());
    expect(frame).toContain('#相亲相爱一家人');
    expect(frame).toContain('小明');
    expect(r.frames.map(plain).some((f) => f.includes('Scan this QR code with WeChat'))).toBe(true);
  });

  it('counts unread messages, opens a chat, sends, and shows replies, kinds, revokes and mentions', async () => {
    const r = await loggedIn();
    emulator.phone.sendText({ from: 'Alice Smith', text: 'hi there' });
    await waitForFrame(r, (f) => /Alice Smith +\(1\)/.test(f) && f.includes('hi there'), 'the unread count');

    await type(r, '/', 'alice', '\r');
    await waitForFrame(r, (f) => f.includes('Alice Smith: hi there') && f.includes('> '), 'the open chat');
    await type(r, 'hello Alice: 10:30?', '\r');
    const sent = await emulator.phone.waitForSent((s) => s.content === 'hello Alice: 10:30?');
    expect(sent.to).toBe(emulator.world.contacts.find((c) => c.nickName === 'Alice Smith')?.id);
    await waitForFrame(r, (f) => f.includes('me: hello Alice: 10:30?'), 'the sent message');

    emulator.phone.sendMessage({
      kind: 'location',
      from: 'Alice Smith',
      label: '北京市海淀区',
      latitude: 39.98,
      longitude: 116.31,
    });
    await waitForFrame(r, (f) => f.includes('Alice Smith: [location: 北京市海淀区'), 'the location');
    const oops = emulator.phone.sendText({ from: 'Alice Smith', text: 'oops wrong chat' });
    await waitForFrame(r, (f) => f.includes('oops wrong chat'), 'the message to revoke');
    emulator.phone.sendMessage({ kind: 'revoke', from: 'Alice Smith', msgId: oops.msgId });
    await waitForFrame(
      r,
      (f) => f.includes('(recalled) oops wrong chat') && f.includes('撤回了一条消息'),
      'the revoke',
    );

    // A group message that mentions the user, while another chat is open: unread with @.
    emulator.phone.sendText({ from: 'wxid_mama11', room: '相亲相爱一家人', text: '@小明 回家吃饭' });
    await waitForFrame(r, (f) => /相亲相爱一家人 +\(1@\)/.test(f), 'the mention badge');
    await type(r, '\u001b');
    await waitForFrame(r, (f) => !f.includes('▏'), 'the list focused');
    await type(r, '/', '相亲', '\r');
    await waitForFrame(r, (f) => f.includes('妈妈: @小明 回家吃饭'), 'the group chat with the sender name');
    const colored = r.lastFrame() ?? '';
    expect(colored).toContain('@小明');

    // Hostile content never reaches the terminal raw.
    emulator.phone.sendText({
      from: 'wxid_mama11',
      room: '相亲相爱一家人',
      text: 'x\u001b[2J\u001b]0;t\u0007y',
    });
    await waitForFrame(r, (f) => f.includes('x\\x1b[2J\\x1b]0;t\\x07y'), 'the escaped text');

    await type(r, '\u001b', 'q');
    expect(quits).toEqual([{ interrupt: false }]);
  });

  it('recalls the last sent message with /revoke, and says when there is nothing to recall', async () => {
    const r = await loggedIn();
    await type(r, '/', 'bobby', '\r');
    await waitForFrame(r, (f) => f.includes('type a message'), 'the chat');
    await type(r, 'sent by mistake', '\r');
    await emulator.phone.waitForSent((s) => s.content === 'sent by mistake');
    await waitForFrame(r, (f) => f.includes('me: sent by mistake'), 'the sent message');
    await type(r, '/revoke', '\r');
    await waitForFrame(
      r,
      (f) => f.includes('message recalled') && f.includes('(recalled) sent by mistake'),
      'the recall',
    );
    await type(r, '/revoke', '\r');
    await waitForFrame(r, (f) => f.includes('nothing to recall'), 'nothing more to recall');
  });

  it('toggles the auto-reply with Ctrl+T and answers direct messages', async () => {
    const r = await loggedIn();
    await type(r, '\u0014');
    await waitForFrame(r, (f) => f.includes('auto-reply on (built-in away message)'), 'auto-reply on');
    emulator.phone.sendText({ from: '老张', text: '在吗？' });
    const reply = await emulator.phone.waitForSent((s) => s.to === 'wxid_zhangwei01');
    expect(reply.content).toContain('[auto-reply]');
    await type(r, '\u0014');
    await waitForFrame(r, (f) => f.includes('auto-reply off'), 'auto-reply off');
  });

  it('shows the help overlay and closes it with any key', async () => {
    const r = await loggedIn();
    await type(r, '?');
    await waitForFrame(r, (f) => f.includes('webwx help') && f.includes('/forward NAME'), 'help');
    await type(r, 'x');
    await waitForFrame(r, (f) => !f.includes('webwx help'), 'help closed');
  });

  it('sends media with /image, saves an incoming image with s, and forwards it with f', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webwx-tui-'));
    const picture = join(dir, 'cat.png');
    writeFileSync(picture, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const opened: string[] = [];
    const r = await loggedIn({ downloadDir: join(dir, 'saved'), openFile: (path) => opened.push(path) });
    await type(r, '/', 'alice', '\r');
    await waitForFrame(r, (f) => f.includes('type a message'), 'the chat');

    await type(r, `/image ${picture}`, '\r');
    const sent = await emulator.phone.waitForSent((s) => s.type === 3);
    expect(await sent.media?.bytes()).toEqual(readFileSync(picture));
    await waitForFrame(
      r,
      (f) => f.includes('me: [image cat.png]') && f.includes('image sent'),
      'the image sent',
    );

    const bytes = Buffer.from('ffd8ffe000104a464946', 'hex');
    await emulator.phone.sendImage({ from: 'Alice Smith', data: bytes, fileName: 'photo.jpg' });
    await waitForFrame(r, (f) => /Alice Smith: \[image[^\]]*press s to save\]/.test(f), 'the incoming image');
    await type(r, '\t');
    await waitForFrame(r, (f) => !f.includes('> ▏'), 'message selection');
    await type(r, 's');
    const saved = await waitForFrame(r, (f) => f.includes('saved to '), 'the saved notice');
    const path = /saved to (\S+)/.exec(saved)?.[1] ?? '';
    expect(path.startsWith(join(dir, 'saved'))).toBe(true);
    expect(readFileSync(path)).toEqual(bytes);

    await type(r, 'f');
    await waitForFrame(r, (f) => f.includes('> /forward'), 'the forward prompt');
    await type(r, 'Bobby', '\r');
    const forwarded = await emulator.phone.waitForSent((s) => s.type === 3 && s.to === 'bob_jones');
    expect(forwarded.to).toBe('bob_jones');
    await waitForFrame(r, (f) => f.includes('forwarded to Bobby'), 'the forward notice');

    // /open saves the newest media and hands it to the system's viewer.
    await type(r, '/open', '\r');
    await waitForFrame(r, (f) => opened.length === 1 && f.includes('saved to '), 'the opened file');
    expect(readFileSync(opened[0] ?? '')).toEqual(bytes);

    // A sticker.
    const gif = join(dir, 'dance.gif');
    writeFileSync(gif, Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    await type(r, `/emoticon ${gif}`, '\r');
    const sticker = await emulator.phone.waitForSent((s) => s.type === 47);
    expect(sticker.to).toBe(sent.to);
    await waitForFrame(r, (f) => f.includes('me: [sticker dance.gif]'), 'the sticker sent');
  });
});

describe('TuiApp history from the message store', () => {
  it('shows what the store kept when a chat is opened, and older pages on PgUp', async () => {
    const emulator = await startAutoConfirmingEmulator();
    const store = new MemoryStore();
    const client = createClient({ server: emulator.baseUrl, store });
    try {
      await client.start();
      // Messages that arrive before the UI is there are only in the store.
      let delivered = 0;
      const off = client.on('message', () => delivered++);
      emulator.phone.sendText({ from: '老张', text: 'earlier one' });
      for (let i = 0; i < 60; i++) emulator.phone.sendText({ from: '老张', text: `m${i}` });
      emulator.phone.sendText({ from: '老张', text: 'earlier two' });
      while (delivered < 62) await new Promise((resolve) => setTimeout(resolve, 20));
      off();
      const r = render(
        h(TuiApp, { client, messageStore: store, size: { columns: 100, rows: 30 }, onQuit: () => {} }),
      );
      try {
        await waitForFrame(r, (f) => f.includes('Chats  (/ search)'), 'the chat list');
        await type(r, '/', 'laozhang', '\r');
        await waitForFrame(
          r,
          (f) => f.includes('老张: earlier two') && f.includes('老张: m59'),
          'the history',
        );
        // The first page holds the newest 50; scrolling up loads the page before it.
        await type(r, ...Array.from({ length: 8 }, () => '\u001b[5~'));
        const top = await waitForFrame(r, (f) => f.includes('老张: earlier one'), 'the older page');
        expect(top.indexOf('老张: earlier one')).toBeLessThan(top.indexOf('老张: m0'));
      } finally {
        r.unmount();
      }
    } finally {
      await client.stop();
      await emulator.close();
    }
  });
});

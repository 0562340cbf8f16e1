/**
 * A Wechaty bot on PuppetWebwx keeps its session and its ids: a second Wechaty on the same data
 * directory logs in without a QR code, and the server ending the session (a re-login with new
 * UserNames) changes no contact or room id.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, Wechaty } from 'wechaty';
import { types } from 'wechaty-puppet';
import { buildBot, nextEvent, startBot, startTestEmulator, stopLaunched } from './wechaty-bots.js';

let dataDir: string | undefined;

afterEach(async () => {
  await stopLaunched();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function idsOf(bot: Wechaty): Promise<{ self: string; contacts: string[]; rooms: string[] }> {
  return {
    self: bot.currentUser.id,
    contacts: (await bot.Contact.findAll()).map((c) => c.id).sort(),
    rooms: (await bot.Room.findAll()).map((r) => r.id).sort(),
  };
}

/** The id of the talker of the next message from the phone. */
async function talkerOf(bot: Wechaty, send: () => void): Promise<string> {
  const next = nextEvent<[Message]>(bot, 'message', (m) => !m.self());
  send();
  const [message] = await next;
  return message.talker().id;
}

describe('a Wechaty bot on PuppetWebwx across restarts and re-logins', () => {
  it('restarts on the same data directory without a scan, with the same ids', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'webwx-wechaty-'));
    const emulator = await startTestEmulator();
    const first = buildBot(emulator, { dataDir }).bot;
    await startBot(first);
    const before = await idsOf(first);
    expect(before.contacts.length).toBeGreaterThan(10);
    expect(before.rooms).toHaveLength(3);
    const talker = await talkerOf(first, () => emulator.phone.sendText({ from: '老张', text: '在吗' }));
    await first.stop();
    const qrCodes = emulator.phone.qrCodes().length;

    const { bot: second, errors } = buildBot(emulator, { dataDir });
    const scans: number[] = [];
    second.on('scan', (_qrcode, status) => {
      scans.push(status);
    });
    await startBot(second);
    expect(scans).toEqual([]);
    expect(emulator.phone.qrCodes()).toHaveLength(qrCodes);
    expect(await idsOf(second)).toEqual(before);
    expect(await talkerOf(second, () => emulator.phone.sendText({ from: '老张', text: '还在吗' }))).toBe(
      talker,
    );
    expect(errors).toEqual([]);
  });

  it('keeps every id when the server ends the session and the puppet logs in again', async () => {
    const emulator = await startTestEmulator();
    // A push login needs no scan: the phone confirms it.
    emulator.phone.on('qr', (qr) => {
      if (qr.push) setTimeout(() => emulator.phone.confirm(qr.uuid), 20);
    });
    const { bot, errors } = buildBot(emulator);
    await startBot(bot);
    const before = await idsOf(bot);
    const talker = await talkerOf(bot, () => emulator.phone.sendText({ from: '李娜', text: 'hi' }));
    const sessionBefore = emulator.phone.sessions().find((s) => s.state === 'active');

    const loggedOut = nextEvent(bot, 'logout');
    const loggedIn = nextEvent(bot, 'login');
    emulator.phone.logout(1101);
    await loggedOut;
    await loggedIn;
    const sessionAfter = emulator.phone.sessions().find((s) => s.state === 'active');
    expect(sessionAfter?.id).not.toBe(sessionBefore?.id);
    expect(sessionAfter?.selfUserName).not.toBe(sessionBefore?.selfUserName);
    expect(await idsOf(bot)).toEqual(before);
    expect(await talkerOf(bot, () => emulator.phone.sendText({ from: '李娜', text: 'hi again' }))).toBe(
      talker,
    );
    expect(errors).toEqual([]);
  });

  it('logs out on the server when the bot logs out, then shows a new QR code', async () => {
    const emulator = await startTestEmulator();
    const { bot, errors } = buildBot(emulator);
    await startBot(bot);
    const loggedOut = nextEvent(bot, 'logout');
    const newQr = nextEvent<[string, number]>(
      bot,
      'scan',
      (_qrcode, status) => status === types.ScanStatus.Waiting,
    );
    const loggedIn = nextEvent(bot, 'login');
    await bot.logout();
    await loggedOut;
    expect(emulator.phone.sessions()[0]?.endReason).toBe('client-logout');
    await newQr;
    await loggedIn;
    expect(emulator.phone.sessions().filter((s) => s.state === 'active')).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

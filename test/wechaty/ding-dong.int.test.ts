/**
 * Wechaty's own ding-dong bot, unchanged, on PuppetWebwx: it logs in through the scan events, answers
 * "dong" to "ding" in a private chat, and sees contacts by their webwx stable ids.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Contact, Message } from 'wechaty';
import { types } from 'wechaty-puppet';
import { buildBot, startBot, startTestEmulator, stopLaunched } from './wechaty-bots.js';

afterEach(stopLaunched);

describe('the ding-dong bot on PuppetWebwx', () => {
  it('scans, logs in, and answers dong to ding', async () => {
    const emulator = await startTestEmulator();
    const { bot, errors } = buildBot(emulator);
    const scans: number[] = [];
    const talkers: string[] = [];
    let loginName = '';
    bot.on('scan', (_qrcode, status) => {
      scans.push(status);
    });
    bot.on('login', (user: Contact) => {
      loginName = user.name();
    });
    const replies: Promise<unknown>[] = [];
    bot.on('message', async (msg: Message) => {
      if (msg.self()) return;
      talkers.push(msg.talker().id);
      if (msg.text() === 'ding') {
        const reply = msg.say('dong');
        replies.push(reply);
        await reply;
      }
    });
    await startBot(bot);
    expect(loginName).toBe('小明');
    expect(scans).toEqual([types.ScanStatus.Waiting, types.ScanStatus.Scanned, types.ScanStatus.Confirmed]);

    emulator.phone.sendText({ from: '老张', text: 'ding' });
    const reply = await emulator.phone.waitForSent((r) => r.to === 'wxid_zhangwei01');
    expect(reply.content).toBe('dong');
    expect(reply.type).toBe(1);
    // say() resolves with the sent message, loaded through the puppet.
    const said = (await replies[0]) as Message | undefined;
    expect(said?.text()).toBe('dong');
    expect(said?.self()).toBe(true);
    // The talker's id is webwx's stable id, not the session's UserName.
    const contact = await bot.Contact.find({ alias: '老张' });
    expect(contact?.name()).toBe('张伟');
    expect(contact?.id).toMatch(/^[paf]:/);
    expect(talkers).toEqual([contact?.id]);
    expect(errors).toEqual([]);
  });
});

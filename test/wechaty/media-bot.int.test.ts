/**
 * A Wechaty media bot on PuppetWebwx: it receives an image and a file as FileBoxes (downloaded
 * through webwx) and says them back; the phone receives the same bytes.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'wechaty';
import { types } from 'wechaty-puppet';
import { buildBot, startBot, startTestEmulator, stopLaunched } from './wechaty-bots.js';

afterEach(stopLaunched);

describe('a media bot on PuppetWebwx', () => {
  it('receives an image and a file and sends them back, byte for byte', async () => {
    const emulator = await startTestEmulator();
    const { bot, errors } = buildBot(emulator);
    const echoes: Promise<unknown>[] = [];
    const received: { type: number; name: string; size: number }[] = [];
    bot.on('message', async (msg: Message) => {
      if (msg.self()) return;
      if (msg.type() !== types.Message.Image && msg.type() !== types.Message.Attachment) return;
      const echo = (async () => {
        const box = await msg.toFileBox();
        const bytes = await box.toBuffer();
        received.push({ type: msg.type(), name: box.name, size: bytes.length });
        await msg.say(box);
      })();
      echoes.push(echo);
      await echo;
    });
    await startBot(bot);

    const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(40_000)]);
    await emulator.phone.sendImage({ from: '老张', data: image, fileName: 'photo.jpg' });
    const sentImage = await emulator.phone.waitForSent((r) => r.type === 3 && r.to === 'wxid_zhangwei01');
    expect((await sentImage.media?.bytes())?.equals(image)).toBe(true);

    const file = randomBytes(300_000);
    await emulator.phone.sendFile({ from: '李娜', data: file, fileName: 'report.pdf' });
    const sentFile = await emulator.phone.waitForSent((r) => r.to === 'wxid_lina02' && r.media !== undefined);
    expect(sentFile.media?.fileName).toBe('report.pdf');
    expect((await sentFile.media?.bytes())?.equals(file)).toBe(true);

    await Promise.all(echoes);
    expect(received).toEqual([
      { type: types.Message.Image, name: expect.stringMatching(/\.jpg$/), size: image.length },
      { type: types.Message.Attachment, name: 'report.pdf', size: file.length },
    ]);
    expect(errors).toEqual([]);
  });
});

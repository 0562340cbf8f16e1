/**
 * What a Wechaty bot on PuppetWebwx reads of the kinds webwx decodes (links, locations, mini
 * programs, cards, recalls, friend requests), and what it does with messages: forward, recall.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Friendship, Message } from 'wechaty';
import { types } from 'wechaty-puppet';
import type { PhoneMessageInput } from '../../src/emulator/index.js';
import { buildBot, nextEvent, startBot, startTestEmulator, stopLaunched } from './wechaty-bots.js';

afterEach(stopLaunched);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

describe('message kinds on PuppetWebwx', () => {
  it('maps links, locations, mini programs, cards and recalls to Wechaty types and payloads', async () => {
    const emulator = await startTestEmulator();
    const { bot, puppet, errors } = buildBot(emulator);
    await startBot(bot);
    const next = async (send: () => void): Promise<Message> => {
      const message = nextEvent<[Message]>(bot, 'message', (m) => !m.self());
      send();
      return (await message)[0];
    };
    const fromZhang = (input: DistributiveOmit<PhoneMessageInput, 'from'>) =>
      next(() => emulator.phone.sendMessage({ ...input, from: '老张' } as PhoneMessageInput));

    const link = await fromZhang({ kind: 'link', title: '看看这个', url: 'https://example.com/a' });
    expect(link.type()).toBe(types.Message.Url);
    const urlLink = await link.toUrlLink();
    expect([urlLink.title(), urlLink.url()]).toEqual(['看看这个', 'https://example.com/a']);

    const place = await fromZhang({
      kind: 'location',
      label: '北京南站',
      latitude: 39.865,
      longitude: 116.379,
    });
    expect(place.type()).toBe(types.Message.Location);
    // Wechaty 1.20's own msg.toLocation() cannot build its Location class; the puppet's payload is read.
    const location = await puppet.messageLocation(place.id);
    expect([location.address, location.latitude, location.longitude, location.name]).toEqual([
      '北京南站',
      39.865,
      116.379,
      expect.any(String),
    ]);

    const program = await fromZhang({ kind: 'mini-program', title: '小程序', appId: 'wx1234567890' });
    expect(program.type()).toBe(types.Message.MiniProgram);
    const mini = await program.toMiniProgram();
    expect([mini.title(), mini.appid()]).toEqual(['小程序', 'wx1234567890']);

    const card = await fromZhang({ kind: 'card', card: '李娜' });
    expect(card.type()).toBe(types.Message.Contact);
    expect((await card.toContact()).name()).toBe('李娜');

    const original = await next(() => emulator.phone.sendText({ from: '老张', text: '说错了' }));
    const recall = await next(() =>
      emulator.phone.sendMessage({ kind: 'revoke', from: '老张', msgId: original.id }),
    );
    expect(recall.type()).toBe(types.Message.Recalled);
    expect((await recall.toRecalled())?.text()).toBe('说错了');
    expect(errors).toEqual([]);
  });

  it('forwards a message, recalls its own, and sees a friend request it accepts', async () => {
    const emulator = await startTestEmulator();
    const { bot, errors } = buildBot(emulator);
    await startBot(bot);
    const received = nextEvent<[Message]>(bot, 'message', (m) => !m.self());
    emulator.phone.sendText({ from: '老张', text: '转给李娜' });
    const [message] = await received;
    const lina = await bot.Contact.find({ name: '李娜' });
    if (!lina) throw new Error('no contact');
    await message.forward(lina);
    const forwarded = await emulator.phone.waitForSent((r) => r.to === 'wxid_lina02');
    expect(forwarded.content).toBe('转给李娜');

    const said = await lina.say('撤回我');
    expect(said).toBeDefined();
    expect(await said?.recall()).toBe(true);
    expect(emulator.phone.revokes().map((r) => r.msgId)).toContain(said?.id);

    const request = nextEvent<[Friendship]>(bot, 'friendship');
    emulator.phone.sendFriendRequest({ from: 'wxid_uncle_s1', greeting: '我是三舅' });
    const [friendship] = await request;
    expect(friendship.type()).toBe(types.Friendship.Receive);
    expect(friendship.hello()).toBe('我是三舅');
    expect(friendship.contact().name()).toBe('李建国');
    await friendship.accept();
    expect(emulator.world.findPerson('wxid_uncle_s1')?.kind).toBe('friend');
    expect(errors).toEqual([]);
  });
});

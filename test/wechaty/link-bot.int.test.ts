/**
 * A Wechaty bot on PuppetWebwx says a link card (`say(urlLink)` → messageSendUrl → client.sendLink),
 * a contact (messageSendContact → client.sendContactCard) and a mini program (messageSendMiniProgram →
 * client.sendMiniProgram).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'wechaty';
import { types } from 'wechaty-puppet';
import { parseXml, xmlAttr, xmlChild, xmlText } from '../../src/model/message-xml.js';
import { buildBot, nextEvent, startBot, startTestEmulator, stopLaunched } from './wechaty-bots.js';

afterEach(stopLaunched);

describe('link cards on PuppetWebwx', () => {
  it('says a received link back: the phone gets a type 5 appmsg with its title, description and URL', async () => {
    const emulator = await startTestEmulator();
    const { bot, puppet, errors } = buildBot(emulator);
    await startBot(bot);
    const incoming = nextEvent<[Message]>(bot, 'message', (m) => !m.self());
    emulator.phone.sendMessage({
      kind: 'link',
      from: '老张',
      title: '看看这个',
      description: '一篇文章',
      url: 'https://example.com/a?x=1&y=2',
    });
    const [link] = await incoming;
    const urlLink = await link.toUrlLink();
    await link.say(urlLink);

    const sent = await emulator.phone.waitForSent((r) => r.type === 5 && r.to === 'wxid_zhangwei01');
    const appmsg = xmlChild(parseXml(sent.content), 'appmsg');
    expect(['title', 'des', 'url', 'type'].map((name) => xmlText(appmsg, name))).toEqual([
      '看看这个',
      '一篇文章',
      'https://example.com/a?x=1&y=2',
      '5',
    ]);
    const payload = await puppet.messagePayload(sent.msgId);
    expect([payload.type, payload.text]).toEqual([types.Message.Url, '看看这个']);
    expect(errors).toEqual([]);
  });
});

describe('contact cards and mini programs on PuppetWebwx', () => {
  it('says a contact and a received mini program back, and forwards a card: the phone gets MsgType 42 cards and a type 33 appmsg', async () => {
    const emulator = await startTestEmulator();
    const { bot, puppet, errors } = buildBot(emulator);
    await startBot(bot);
    const incoming = nextEvent<[Message]>(bot, 'message', (m) => !m.self());
    emulator.phone.sendMessage({
      kind: 'mini-program',
      from: '老张',
      title: '下午例会',
      appId: 'wxe638e634ed8b3907',
      pagePath: 'pages/index/index.html?room=3',
      iconUrl: 'https://example.com/icon.png',
    });
    const [received] = await incoming;
    const li = await bot.Contact.find({ name: '李娜' });
    if (!li) throw new Error('no 李娜 in the demo world');

    await received.say(li);
    const card = await emulator.phone.waitForSent((r) => r.type === 42 && r.to === 'wxid_zhangwei01');
    const msg = xmlChild(parseXml(card.content), 'msg');
    expect(xmlAttr(msg, 'nickname')).toBe('李娜');
    expect(xmlAttr(msg, 'username')).not.toBe('');
    expect((await puppet.messagePayload(card.msgId)).type).toBe(types.Message.Contact);

    await received.say(await received.toMiniProgram());
    const sent = await emulator.phone.waitForSent((r) => r.type === 33 && r.to === 'wxid_zhangwei01');
    const appmsg = xmlChild(parseXml(sent.content), 'appmsg');
    const weapp = xmlChild(appmsg, 'weappinfo');
    expect([xmlText(appmsg, 'title'), xmlText(appmsg, 'type')]).toEqual(['下午例会', '33']);
    expect([xmlText(weapp, 'appid'), xmlText(weapp, 'pagepath'), xmlText(weapp, 'weappiconurl')]).toEqual([
      'wxe638e634ed8b3907',
      'pages/index/index.html?room=3',
      'https://example.com/icon.png',
    ]);
    const payload = await puppet.messagePayload(sent.msgId);
    expect([payload.type, payload.text]).toEqual([types.Message.MiniProgram, '下午例会']);

    // A card the phone sends, forwarded to 李娜 (msg.forward → client.forward: Type 42 again).
    const cardIn = nextEvent<[Message]>(
      bot,
      'message',
      (m) => !m.self() && m.type() === types.Message.Contact,
    );
    emulator.phone.sendMessage({ kind: 'card', from: '老张', card: '李娜' });
    const [cardMessage] = await cardIn;
    await cardMessage.forward(li);
    const liId = emulator.world.findPerson('李娜')?.id;
    const forwarded = await emulator.phone.waitForSent((r) => r.type === 42 && r.to === liId);
    expect(xmlAttr(xmlChild(parseXml(forwarded.content), 'msg'), 'nickname')).toBe('李娜');
    expect(errors).toEqual([]);
  });
});

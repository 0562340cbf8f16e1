/** A Wechaty bot on PuppetWebwx says a link card (`say(urlLink)` → messageSendUrl → client.sendLink). */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'wechaty';
import { types } from 'wechaty-puppet';
import { parseXml, xmlChild, xmlText } from '../../src/model/message-xml.js';
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

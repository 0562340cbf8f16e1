/**
 * The emulator's wire entries for every non-media kind: shaped as §9.5 says (escaping, <br/>, group
 * prefix rules) and decoded by the model into the right kind with the right fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kindEntry, wireXml, xmlEscape } from '../../src/emulator/message-encoders.js';
import type { KindContext, PhoneMessageInput } from '../../src/emulator/phone-message-types.js';
import { groupContent } from '../../src/emulator/wire-format.js';
import { wireMessage } from '../../src/emulator/wire-objects.js';
import { decodeMessage, type Message } from '../../src/model/index.js';
import type { WireMessage } from '../../src/protocol/wire-types.js';

const MSG_ID = '4830202857208741650';
const SENDER = {
  id: 'wxid_zhangwei01',
  nickName: '张伟 "老张" 🌸',
  province: '北京',
  city: '海淀',
  sex: 1 as const,
};

function ctx(over: Partial<KindContext> = {}): KindContext {
  return {
    msgId: MSG_ID,
    createTime: 1_700_000_000,
    userName: (id) => `@u_${id}`,
    senderName: SENDER.nickName,
    sender: SENDER,
    sessionId: SENDER.id,
    roomId: undefined,
    ...over,
  };
}

/** The whole wire entry as phone-messages.ts builds it, serialised and parsed like a sync reply. */
function wire(input: PhoneMessageInput, k = ctx()): WireMessage {
  const entry = kindEntry(input, k);
  const room = k.roomId;
  const content = room && entry.prefixed ? groupContent(k.userName(SENDER.id), entry.content) : entry.content;
  const built = {
    ...wireMessage({
      msgId: MSG_ID,
      from: room ? `@@u_${room}` : k.userName(SENDER.id),
      to: '@me',
      type: entry.msgType,
      content,
      createTime: k.createTime,
    }),
    ...entry.fields,
  };
  return JSON.parse(JSON.stringify(built)) as WireMessage;
}

function decode(input: PhoneMessageInput, k = ctx()): Message {
  return decodeMessage(wire(input, k), { selfUserName: '@me' });
}

const from = SENDER.id;

describe('emulator message kinds decode to the kind they claim', () => {
  it('card', () => {
    const card = { id: 'gh_demo_news01', nickName: '每日<新闻>', official: true, signature: 'a & b' };
    const m = decode({ kind: 'card', from, card: 'gh_demo_news01' }, ctx({ card }));
    expect(m).toMatchObject({
      kind: 'card',
      text: '每日<新闻>',
      card: {
        userName: '@u_gh_demo_news01',
        id: 'gh_demo_news01',
        nickName: '每日<新闻>',
        signature: 'a & b',
        scene: 17,
        isOfficial: true,
      },
    });
    expect(wire({ kind: 'card', from, card: 'x' }, ctx({ card })).Content).toMatch(
      /^&lt;\?xml version="1\.0"\?&gt;<br\/>&lt;msg bigheadimgurl="/,
    );
  });

  it('location, both forms', () => {
    const input = {
      kind: 'location',
      from,
      label: '北京市海淀区 "中关村"',
      latitude: 39.98,
      longitude: 116.31,
    } as const;
    const expected = {
      kind: 'location',
      text: '北京市海淀区 "中关村"',
      location: {
        label: '北京市海淀区 "中关村"',
        latitude: 39.98,
        longitude: 116.31,
        poiName: '[位置]',
        scale: 16,
        mapUrl: 'http://apis.map.qq.com/uri/v1/geocoder?coord=39.980000,116.310000',
      },
    };
    const link = wire(input);
    expect(link.MsgType).toBe(1);
    expect(link.SubMsgType).toBe(48);
    expect(link.Content).toBe(
      `北京市海淀区 "中关村":<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=${MSG_ID}&pictype=location`,
    );
    expect(decode(input)).toMatchObject({
      ...expected,
      location: { ...expected.location, imageUrl: expect.stringContaining(`msgid=${MSG_ID}`) },
    });
    const xml = wire({ ...input, form: 'xml' });
    expect(xml.MsgType).toBe(48);
    expect(decode({ ...input, form: 'xml' })).toMatchObject(expected);
  });

  it('link, music, mini-program and a generic app message', () => {
    expect(
      decode({
        kind: 'link',
        from,
        title: 'Tom & Jerry <3',
        url: 'https://example.com/a?b=1&c=2',
        description: '"quoted"',
        thumbUrl: 'https://example.com/t.jpg',
      }),
    ).toMatchObject({
      kind: 'link',
      appMsgType: 5,
      text: 'Tom & Jerry <3',
      title: 'Tom & Jerry <3',
      url: 'https://example.com/a?b=1&c=2',
      description: '"quoted"',
      thumbUrl: 'https://example.com/t.jpg',
      roomInvitation: undefined,
    });
    expect(
      decode({
        kind: 'music',
        from,
        title: '晴天',
        description: '周杰伦',
        url: 'https://y.qq.com/1',
        dataUrl: 'https://y.qq.com/1.m4a',
      }),
    ).toMatchObject({
      kind: 'music',
      appMsgType: 3,
      title: '晴天',
      description: '周杰伦',
      url: 'https://y.qq.com/1',
      dataUrl: 'https://y.qq.com/1.m4a',
      appName: 'QQ音乐',
    });
    for (const forwardable of [false, true]) {
      expect(
        decode({
          kind: 'mini-program',
          from,
          title: '拼车',
          appId: 'wxabcdef0123456789',
          pagePath: 'pages/index?id=1&x=2',
          iconUrl: 'https://example.com/i.png',
          forwardable,
        }),
      ).toMatchObject({
        kind: 'mini-program',
        appMsgType: forwardable ? 36 : 33,
        title: '拼车',
        weappAppId: 'wxabcdef0123456789',
        weappUserName: 'gh_abcdef012345@app',
        pagePath: 'pages/index?id=1&x=2',
        iconUrl: 'https://example.com/i.png',
      });
    }
    expect(
      decode({ kind: 'app', from, appMsgType: 19, title: '聊天记录', description: 'a\nb' }),
    ).toMatchObject({
      kind: 'app',
      appMsgType: 19,
      title: '聊天记录',
      description: 'a\nb',
    });
  });

  it('red packets (notice and app forms) and transfers', () => {
    expect(decode({ kind: 'red-packet', from })).toMatchObject({
      kind: 'system',
      text: '收到红包，请在手机上查看',
      event: { type: 'red-packet', direction: 'received' },
    });
    expect(decode({ kind: 'red-packet', from, direction: 'sent' })).toMatchObject({
      event: { type: 'red-packet', direction: 'sent' },
    });
    expect(decode({ kind: 'red-packet', from, form: 'app', title: '大吉大利' })).toMatchObject({
      kind: 'red-packet',
      title: '大吉大利',
    });
    const transfer = wire({ kind: 'transfer', from, amount: 0.1, memo: 'lunch' });
    expect(transfer).toMatchObject({ MsgType: 49, AppMsgType: 2000, FileName: '微信转账' });
    expect(decode({ kind: 'transfer', from, amount: 1234.5, memo: '饭钱 & 车费' })).toMatchObject({
      kind: 'transfer',
      amount: 1234.5,
      amountText: '￥1234.50',
      paySubType: 1,
      memo: '饭钱 & 车费',
      title: '微信转账',
      transferId: `10000500${MSG_ID}`,
    });
  });

  it('friend request: from fmessage, with the ticket in RecommendInfo and the XML', () => {
    const k = ctx({ ticket: `v2_${'ab'.repeat(32)}@stranger`, roomId: '20190101001@chatroom' });
    const input = { kind: 'friend-request', from, greeting: '我是"老张" & co' } as const;
    const entry = kindEntry(input, k);
    expect(entry).toMatchObject({ msgType: 37, prefixed: false, fields: { FromUserName: 'fmessage' } });
    const m = decodeMessage(wire(input, k), { selfUserName: '@me' });
    expect(m).toMatchObject({
      kind: 'friend-request',
      chat: { userName: 'fmessage', isRoom: false },
      greeting: '我是"老张" & co',
      ticket: k.ticket,
      opCode: 2,
      roomId: '20190101001@chatroom',
      contact: { userName: '@u_wxid_zhangwei01', id: from, nickName: SENDER.nickName, scene: 14, sex: 1 },
    });
    // A quote inside a value is escaped twice on the wire, as in the real samples.
    expect(entry.content).toContain('content="我是&amp;quot;老张&amp;quot; &amp;amp; co"');
  });

  it('revoke: 10002 with the revoked MsgId, the permanent session id and the replacement text', () => {
    const input = { kind: 'revoke', from, msgId: '1234567890123456789' } as const;
    const raw = wire(input);
    expect(raw).toMatchObject({ MsgType: 10002, Status: 4 });
    expect(decode(input)).toMatchObject({
      kind: 'revoke',
      revokedId: '1234567890123456789',
      session: from,
      replaceText: `"${SENDER.nickName}" 撤回了一条消息`,
    });
    const inRoom = ctx({
      roomId: '20190101001@chatroom',
      sessionId: '20190101001@chatroom',
      senderName: '三舅',
    });
    expect(wire(input, inRoom).Content).toMatch(/^@u_wxid_zhangwei01:<br\/>&lt;sysmsg type="revokemsg"&gt;/);
    expect(decode(input, inRoom)).toMatchObject({
      kind: 'revoke',
      chat: { userName: '@@u_20190101001@chatroom', isRoom: true },
      sender: { userName: '@u_wxid_zhangwei01' },
      session: '20190101001@chatroom',
      replaceText: '"三舅" 撤回了一条消息',
    });
  });

  it('system: 10000 free text, never prefixed, Status 4', () => {
    const input = { kind: 'system', from, text: '"老张"邀请"芳芳"加入了群聊' } as const;
    const inRoom = ctx({ roomId: 'r1@chatroom' });
    const raw = wire(input, inRoom);
    expect(raw).toMatchObject({ MsgType: 10000, Status: 4, Content: '"老张"邀请"芳芳"加入了群聊' });
    expect(decode(input, inRoom)).toMatchObject({
      kind: 'system',
      chat: { isRoom: true },
      event: { type: 'room-join', inviter: '老张', members: ['芳芳'] },
    });
  });

  it('voip: message, invite and notify', () => {
    expect(decode({ kind: 'voip', from, media: 'audio' })).toMatchObject({
      kind: 'voip',
      msgType: 50,
      callType: 'audio',
    });
    expect(decode({ kind: 'voip', from, form: 'invite' })).toMatchObject({
      kind: 'voip',
      msgType: 53,
      callType: 'video',
    });
    expect(decode({ kind: 'voip', from, form: 'notify', durationSeconds: 75, media: 'audio' })).toMatchObject(
      {
        kind: 'voip',
        msgType: 52,
        callType: 'audio',
        text: '通话时长 01:15',
      },
    );
  });
});

describe('wire escaping', () => {
  it('escapes XML values once and the payload once more, with <br/> and emoji spans', () => {
    expect(xmlEscape('a "b" <c> & d')).toBe('a &quot;b&quot; &lt;c&gt; &amp; d');
    expect(wireXml('<a x="&quot;">\n🌸</a>')).toBe(
      '&lt;a x="&amp;quot;"&gt;<br/><span class="emoji emoji1f338"></span>&lt;/a&gt;',
    );
  });
});

describe('property: what the phone writes is what the client reads', () => {
  const char = fc.constantFrom(
    ...'aZ09 _-.,:;!?"\'&<>/=#%@[]{}()|\\\n\t中文字符邀请撤回🌸😀👍'.split(/(?:)/u),
  );
  const value = fc
    .array(char, { minLength: 1, maxLength: 24 })
    .map((cs) => cs.join('').trim())
    .filter((s) => s !== '');

  it('titles, names, labels, greetings and memos survive escaping, <br/>, emoji spans and CDATA', () => {
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const person = { id: 'wxid_p', nickName: a, signature: b };
        expect(decode({ kind: 'link', from, title: a, description: b, url: c })).toMatchObject({
          kind: 'link',
          title: a,
          description: b,
          url: c,
        });
        expect(decode({ kind: 'card', from, card: 'wxid_p' }, ctx({ card: person }))).toMatchObject({
          card: { nickName: a, signature: b, id: 'wxid_p' },
        });
        expect(decode({ kind: 'location', from, label: a, latitude: 1, longitude: 2 })).toMatchObject({
          location: { label: a },
        });
        expect(
          decode({ kind: 'location', from, label: a, latitude: 1, longitude: 2, form: 'xml' }),
        ).toMatchObject({
          location: { label: a },
        });
        expect(
          decode(
            { kind: 'friend-request', from, greeting: b },
            ctx({ sender: person, ticket: 'v2_t@stranger' }),
          ),
        ).toMatchObject({ greeting: b, contact: { nickName: a }, ticket: 'v2_t@stranger' });
        expect(decode({ kind: 'transfer', from, amount: 1, memo: c })).toMatchObject({ memo: c });
        expect(
          decode({ kind: 'mini-program', from, title: a, appId: 'wx0123456789abcdef', pagePath: c }),
        ).toMatchObject({
          title: a,
          pagePath: c,
        });
        expect(decode({ kind: 'revoke', from, msgId: '1' }, ctx({ senderName: a }))).toMatchObject({
          replaceText: `"${a}" 撤回了一条消息`,
        });
        expect(decode({ kind: 'system', from, text: a })).toMatchObject({ kind: 'system', text: a });
      }),
      { numRuns: 300 },
    );
  });
});

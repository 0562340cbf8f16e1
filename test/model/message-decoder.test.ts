import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodeContext,
  decodeMessage,
  MAX_CONTENT_LENGTH,
  type Message,
  type TextMessage,
} from '../../src/model/index.js';
import type { WireMessage } from '../../src/protocol/wire-types.js';
import { messageFixtureNames, readFixtureJson } from '../fixtures.js';
import { loadWireSample, wireEntry } from './message-fixtures.js';

const loadWire = loadWireSample;
const wireMessage = wireEntry;

function asText(m: Message): TextMessage {
  if (m.kind !== 'text')
    throw new Error(`expected text, got ${m.kind}: ${m.kind === 'unknown' ? m.reason : ''}`);
  return m;
}

interface Expectation {
  self: string;
  text?: string;
  chat: string;
  isRoom: boolean;
  sender: string;
  isSelf: boolean;
  mentions?: string[];
  /** A kind other than text (its fields are checked in message-kinds.test.ts). */
  kind?: string;
}

const WECHATY_ROOM = '@@9cdc696e490bd76c57e7dd54792dc1408e27d65e312178b1943e88579b7939f4';
const WECHATY_SELF = '@cd7d467d7464e8ff6b0acd29364654f3666df5d04551f6082bfc875f90a6afd2';
const WECHATY_SENDER = '@4c32c97337cbb325442c304d6a44e374';
const wechatyRoom = (text: string, mentions: string[]): Expectation => ({
  self: WECHATY_SELF,
  text,
  chat: WECHATY_ROOM,
  isRoom: true,
  sender: WECHATY_SENDER,
  isSelf: false,
  mentions,
});

const EXPECTED: Record<string, Expectation> = {
  '00001-text--QJesus-1.json': {
    self: '@f0c04abe389590b02d91684d99584439',
    text: '为什么这么冷',
    chat: '@d77f22c1444fcbd7092fa2464899391a3cc0d6a9ec79b0770ce91be01a66a09b',
    isRoom: false,
    sender: '@d77f22c1444fcbd7092fa2464899391a3cc0d6a9ec79b0770ce91be01a66a09b',
    isSelf: false,
  },
  '00001-text--itchat4j-1.json': {
    self: '@58b8651e056f8937f7a4eaa386be0c16d2583a0fdb5741b874cedffe3e13e723',
    text: '你好',
    chat: '@a257b99314d8313862cd44ab02fe0f81',
    isRoom: false,
    sender: '@a257b99314d8313862cd44ab02fe0f81',
    isSelf: false,
  },
  '00001-text--itchat4j-2.json': {
    self: '@d3619cbf5466d79dde9f67dc274eb74a',
    text: '你好',
    chat: '@d3619cbf5466d79dde9f67dc274eb74a',
    isRoom: false,
    sender: '@d3619cbf5466d79dde9f67dc274eb74a',
    isSelf: true,
  },
  '00001-text--wcap-worker-1.json': {
    self: '@2b7a7b2a286a0241e6383435c9119a010767378339fe743f08dcedf860fa8684',
    text: 'hi',
    chat: 'filehelper',
    isRoom: false,
    sender: '@2b7a7b2a286a0241e6383435c9119a010767378339fe743f08dcedf860fa8684',
    isSelf: true,
  },
  '00001-text--wcap-worker-2.json': {
    self: '@2b7a7b2a286a0241e6383435c9119a010767378339fe743f08dcedf860fa8684',
    text: 'here',
    chat: 'filehelper',
    isRoom: false,
    sender: '@2b7a7b2a286a0241e6383435c9119a010767378339fe743f08dcedf860fa8684',
    isSelf: true,
  },
  '00001-text--wechat4u-1.json': {
    self: '@2ea0ad63b5550c8842c95cb987adea2491fc9e3db0899696f696149cd30688e8',
    text: 'Hello World',
    chat: '@2ea0ad63b5550c8842c95cb987adea2491fc9e3db0899696f696149cd30688e8',
    isRoom: false,
    sender: '@2ea0ad63b5550c8842c95cb987adea2491fc9e3db0899696f696149cd30688e8',
    isSelf: true,
  },
  '00001-text--wechaty-1.json': {
    self: '@16d20edf23a3bf3bc71bb4140e91619f3ff33b4e33f7fcd25e65c1b02c7861ab',
    text: 'test123',
    chat: '@0bb3e4dd746fdbd4a80546aef66f4085',
    isRoom: false,
    sender: '@0bb3e4dd746fdbd4a80546aef66f4085',
    isSelf: false,
  },
  '00001-text--wechaty-2.json': {
    self: '@b58f91e0c5c9e841e290d862ddb63c14',
    text: '哈哈',
    chat: '@0748ee480711bf20af91c298a0d7dcc77c30a680c1004157386b81cf13474823',
    isRoom: false,
    sender: '@0748ee480711bf20af91c298a0d7dcc77c30a680c1004157386b81cf13474823',
    isSelf: false,
  },
  '00001-text-location--wwdk-1.json': {
    self: '@xxxxxxxxx',
    chat: '@xxxxxxxxxxxxxxxx',
    isRoom: false,
    sender: '@xxxxxxxxxxxxxxxx',
    isSelf: false,
    kind: 'location',
  },
  '00001-text-room--wechat4u-consumer-1.json': {
    self: '@0bb68385b6f8d32e3a09586fa4807f2d6cd6e588ca9ecd8f68220ebb0b226cd4',
    text: '普通群聊消息😂',
    chat: '@@bb427b9e776ec35d4e8118b2fc8c243f24fc144ee050107504dda28386b57568',
    isRoom: true,
    sender: '@0ce0eee51174c24cf42fcb8062980f5e68c3196144c10f8ef923ffb519255dd5',
    isSelf: false,
    mentions: [],
  },
  '00001-text-room--wechaty-1.json': wechatyRoom('@_@', []),
  '00001-text-room--wechaty-2.json': wechatyRoom('@小桔同学\u2005你好啊', ['小桔同学']),
  '00001-text-room--wechaty-3.json': wechatyRoom('@wuli舞哩客服\u2005和@小桔同学\u2005是好朋友', [
    'wuli舞哩客服',
    '小桔同学',
  ]),
  '00001-text-room--wechaty-4.json': wechatyRoom(
    '@_@ wow，@wuli舞哩客服\u2005和@小桔同学\u2005看起来很有默契',
    ['wuli舞哩客服', '小桔同学'],
  ),
  '00001-text-room--wechaty-5.json': wechatyRoom('@wuli舞哩客服\u2005我的邮箱是 ruiruibupt@gmail.com', [
    'wuli舞哩客服',
  ]),
  '00001-text-room--wechaty-6.json': {
    self: '@56c8d702f12e05ae64872e7c2a92073486b57623bf04941cef47bf2e8452ca7d',
    text: '@wuli舞哩客服\u2005@小桔同学\u2005你们好',
    chat: '@@f47ccb7762cf4dc7352508fb03b79b44cedd3d1e16152e7f1bae3d4cf7996eb2',
    isRoom: true,
    sender: '@c8e11ab44ea04b92c98885453eeef1a5',
    isSelf: false,
    mentions: ['wuli舞哩客服', '小桔同学'],
  },
  '00001-text-room--wechaty-7.json': {
    self: '@ea35c07e35698e669e7bcf12abc3a1c851c617354d9467fce1f7f548365fcf33',
    text: '@麦刚\u2005和@童玮亮\u2005是好朋友',
    chat: '@@e2355db381dc46a77c0b95516d05e7486135cb6370d8a6af66925d89d50ec278',
    isRoom: true,
    sender: '@2ec5cdb1268f40a7280aa720b9b5c272',
    isSelf: false,
    mentions: ['麦刚', '童玮亮'],
  },
  '00001-text-room--wechaty-8.json': {
    self: '@94e4b0db79ccc844d7bb4a2b1efac3ff',
    text: '[Strong]',
    chat: '@@4aa0ae1e1ebc568b613fa43ce93b478df0339f73340d87083822c2016d2e53d9',
    isRoom: true,
    sender: '@9ad4ba13fac52c55d323521b67f7cc39',
    isSelf: false,
    mentions: [],
  },
  '00001-text-room--wwdk-1.json': {
    self: '@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    text: 'Test Message',
    chat: '@@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    isRoom: true,
    sender: '@xxxxxxxxxxxxxxxxxxxxx',
    isSelf: false,
    mentions: [],
  },
};

describe('decodeMessage on the real text samples', () => {
  const textSamples = messageFixtureNames().filter((n) => n.startsWith('00001-'));

  it('has an expectation for every 00001-* sample', () => {
    expect(textSamples.length).toBeGreaterThanOrEqual(19);
    expect(textSamples.filter((n) => !(n in EXPECTED))).toEqual([]);
  });

  for (const name of Object.keys(EXPECTED)) {
    it(name, () => {
      const exp = EXPECTED[name] as Expectation;
      const raw = loadWire(name);
      const m = decodeMessage(raw, { selfUserName: exp.self });
      expect(m.id).toBe(raw.MsgId);
      expect(m.createTime).toBe(raw.CreateTime);
      expect(m.raw).toBe(raw);
      expect(m.chat).toEqual({ userName: exp.chat, isRoom: exp.isRoom });
      expect(m.sender.userName).toBe(exp.sender);
      expect(m.isSelf).toBe(exp.isSelf);
      if (exp.kind) {
        expect(m.kind).toBe(exp.kind);
        return;
      }
      const t = asText(m);
      expect(t.text).toBe(exp.text);
      expect(t.mentions).toEqual(exp.mentions ?? []);
      expect(t.mentionsSelf).toBe(false);
    });
  }

  it('agrees with the official page on the wechaty samples (MMActualContent / MMActualSender)', () => {
    for (const name of textSamples.filter((n) => n.includes('wechaty'))) {
      const sample = readFixtureJson<Record<string, unknown>>('messages', name);
      const m = asText(decodeMessage(loadWire(name), { selfUserName: String(sample.ToUserName) }));
      expect(m.sender.userName, name).toBe(sample.MMActualSender);
      // The page links URLs and e-mail addresses and renders [Strong] as an image; compare the rest.
      if (!String(sample.MMActualContent).includes('<') && sample.MMActualContent !== 'HTML-CODE') {
        expect(m.text, name).toBe(sample.MMActualContent);
      }
    }
  });

  it('decodes every non-text sample to a known kind (details in message-kinds.test.ts)', () => {
    for (const name of messageFixtureNames().filter((n) => !n.startsWith('00001-'))) {
      const m = decodeMessage(loadWire(name), { selfUserName: '@me' });
      expect(m.kind, name).not.toBe('unknown');
    }
  });
});

describe('decodeMessage in rooms', () => {
  const ROOM = '@@room';
  const ME = '@me';

  it('resolves display names and detects mentions of self', () => {
    const ctx: DecodeContext = {
      selfUserName: ME,
      displayNameOf: (u, room) => (u === '@alice' && room === ROOM ? 'Alice<3' : undefined),
      selfDisplayNames: (room) => (room === ROOM ? ['My Name', 'me-nick'] : []),
    };
    const m = asText(
      decodeMessage(
        wireMessage({ FromUserName: ROOM, ToUserName: ME, Content: '@alice:<br/>hi @My Name please<br/>ok' }),
        ctx,
      ),
    );
    expect(m.sender).toEqual({ userName: '@alice', displayName: 'Alice<3' });
    expect(m.text).toBe('hi @My Name please\nok');
    expect(m.mentions).toEqual(['My Name']);
    expect(m.mentionsSelf).toBe(true);
    const other = asText(
      decodeMessage(
        wireMessage({ FromUserName: ROOM, ToUserName: ME, Content: '@alice:<br/>@bob\u2005hi' }),
        ctx,
      ),
    );
    expect(other.mentions).toEqual(['bob']);
    expect(other.mentionsSelf).toBe(false);
  });

  it('decodes a room message with an emoji sender nickname and emoji text', () => {
    const nick = '吃圡死月不會碼代碼<span class="emoji emoji1f31b"></span>';
    const ctx: DecodeContext = {
      selfUserName: ME,
      displayNameOf: (u) =>
        u === '@e0ec8ddd68b83d04a51839008fdaa78e' ? nick.replace(/<span.*<\/span>/, '🌛') : undefined,
    };
    const m = asText(
      decodeMessage(
        wireMessage({
          FromUserName: ROOM,
          ToUserName: ME,
          Content:
            '@e0ec8ddd68b83d04a51839008fdaa78e:<br/>国旗<span class="emoji emoji1f1e81f1f3"></span> &amp;lt; ok',
        }),
        ctx,
      ),
    );
    expect(m.sender.displayName).toBe('吃圡死月不會碼代碼🌛');
    expect(m.text).toBe('国旗🇨🇳 &lt; ok');
  });

  it('handles a message sent from the phone: From=self, To=room, no prefix', () => {
    const m = asText(
      decodeMessage(wireMessage({ FromUserName: ME, ToUserName: ROOM, Content: 'from my phone' }), {
        selfUserName: ME,
        displayNameOf: (u) => (u === ME ? 'Me' : undefined),
        selfDisplayNames: () => ['Me'],
      }),
    );
    expect(m.chat).toEqual({ userName: ROOM, isRoom: true });
    expect(m.sender).toEqual({ userName: ME, displayName: 'Me' });
    expect(m.isSelf).toBe(true);
    expect(m.text).toBe('from my phone');
    expect(m.mentionsSelf).toBe(false);
  });

  it('treats a prefix naming self as sent by self', () => {
    const m = decodeMessage(wireMessage({ FromUserName: ROOM, Content: `${ME}:<br/>echo` }), {
      selfUserName: ME,
    });
    expect(m.isSelf).toBe(true);
    expect(m.sender.userName).toBe(ME);
  });

  it('uses the room as sender when the prefix is missing', () => {
    const m = decodeMessage(wireMessage({ FromUserName: ROOM, Content: 'no prefix' }), { selfUserName: ME });
    expect(m.sender.userName).toBe(ROOM);
    expect(asText(m).text).toBe('no prefix');
  });

  it('supports the permanent @chatroom form', () => {
    const m = decodeMessage(wireMessage({ FromUserName: '123@chatroom', Content: 'wxid_x:<br/>yo' }), {
      selfUserName: ME,
    });
    expect(m.chat).toEqual({ userName: '123@chatroom', isRoom: true });
    expect(m.sender.userName).toBe('wxid_x');
  });

  it('does not compute mentions in direct chats', () => {
    const m = asText(decodeMessage(wireMessage({ Content: '@me\u2005hi' }), { selfUserName: ME }));
    expect(m.mentions).toEqual([]);
    expect(m.chat).toEqual({ userName: '@peer', isRoom: false });
  });

  it('survives throwing context callbacks', () => {
    const m = decodeMessage(wireMessage({ FromUserName: ROOM, Content: '@a:<br/>@x\u2005' }), {
      selfUserName: ME,
      displayNameOf: () => {
        throw new Error('boom');
      },
      selfDisplayNames: () => {
        throw new Error('boom');
      },
    });
    expect(asText(m).sender.displayName).toBe('');
  });
});

describe('decodeMessage limits and hostile input', () => {
  it('refuses oversized content', () => {
    const m = decodeMessage(wireMessage({ Content: 'x'.repeat(MAX_CONTENT_LENGTH + 1) }), {
      selfUserName: '@me',
    });
    expect(m.kind).toBe('unknown');
    expect(m.kind === 'unknown' && m.reason).toBe('content too large');
  });

  it('names unsupported types', () => {
    const m = decodeMessage(wireMessage({ MsgType: 12 }), { selfUserName: '@me' });
    expect(m.kind === 'unknown' && m.reason).toBe('unsupported MsgType 12');
    expect(m.kind === 'unknown' && m.msgType).toBe(12);
  });

  it('never throws on non-objects, throwing getters or odd contexts', () => {
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        has() {
          throw new Error('trap');
        },
      },
    );
    for (const input of [null, undefined, 42, 'str', [], trap, { MsgType: 1, Content: 7 }]) {
      const m = decodeMessage(input as unknown as WireMessage, { selfUserName: '@me' });
      expect(typeof m.kind).toBe('string');
    }
    expect(decodeMessage(wireMessage({}), null as unknown as DecodeContext).kind).toBe('text');
    expect(decodeMessage(wireMessage({}), trap as DecodeContext).kind).toBe('unknown');
  });

  it('property: never throws on arbitrary objects', () => {
    const field = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      fc.object(),
    );
    const arbitraryWire = fc.record(
      {
        MsgId: field,
        FromUserName: fc.oneof(field, fc.constantFrom('@@room', '@me', '1@chatroom')),
        ToUserName: fc.oneof(field, fc.constantFrom('@@room', '@me')),
        MsgType: fc.oneof(field, fc.constantFrom(1, 3, 49, 10000)),
        SubMsgType: fc.oneof(field, fc.constant(48)),
        Content: fc.oneof(
          field,
          fc.string().map((s) => `@a:<br/>${s}<span class="emoji emoji1f604"></span>`),
        ),
        CreateTime: field,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(arbitraryWire, fc.anything()), fc.string(), (raw, self) => {
        const m = decodeMessage(raw as WireMessage, {
          selfUserName: self,
          selfDisplayNames: () => [self],
          displayNameOf: (u) => u,
        });
        return (
          typeof m.kind === 'string' &&
          typeof m.id === 'string' &&
          typeof m.text === 'string' &&
          Array.isArray(m.mentions)
        );
      }),
      { numRuns: 500 },
    );
  });

  it('property: never throws on arbitrary Content strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (content, room) => {
        const m = decodeMessage(wireMessage({ Content: content, FromUserName: room ? '@@r' : '@p' }), {
          selfUserName: '@me',
        });
        return m.kind === 'text' && typeof m.text === 'string';
      }),
      { numRuns: 500 },
    );
  });
});

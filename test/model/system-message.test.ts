/**
 * System messages (§9.6) on the real content samples: the 20 MsgType-10000 strings of
 * content-samples/sys-10000-*.json with their expected results, the revokemsg contents, and the misc
 * fragments (emoji spans in names, money notices).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SystemTextEvent, type SystemTextLang, systemText } from '../../src/emulator/system-texts.js';
import { decodeMessage, parseSystemText, type SystemEvent } from '../../src/model/index.js';
import { readFixtureJson } from '../fixtures.js';
import { wireEntry } from './message-fixtures.js';

interface SysSamples {
  friendConfirm: string[];
  roomJoin: { content: string; inviter: string; invitees: string[] }[];
  roomLeave: { content: string; leaver?: string; remover?: string }[];
  roomTopic: { content: string; changer: string; topic: string }[];
}

const SYS = readFixtureJson<SysSamples>(
  'content-samples',
  'sys-10000-room-join-leave-topic-friendconfirm--puppet-wechat-firer-spec.json',
);
const REVOKES = readFixtureJson<{ samples: { content: string; note: string }[] }>(
  'content-samples',
  'recalled-10002-revokemsg-contents.json',
);
const MISC = readFixtureJson<{ type: string; fragment: string | string[] }[]>(
  'content-samples',
  'misc-content-fragments.json',
);

function systemEvent(content: string, from = '@@room'): SystemEvent {
  const m = decodeMessage(wireEntry({ MsgType: 10000, Content: content, FromUserName: from, Status: 4 }), {
    selfUserName: '@me',
  });
  if (m.kind !== 'system') throw new Error(`expected system, got ${m.kind}`);
  if (!content.includes('<span')) expect(m.text).toBe(content);
  expect(m.chat).toEqual({ userName: from, isRoom: from.startsWith('@@') });
  return m.event;
}

describe('system messages: the real 10000 strings', () => {
  it('has the 20 samples', () => {
    const count =
      SYS.friendConfirm.length + SYS.roomJoin.length + SYS.roomLeave.length + SYS.roomTopic.length;
    expect(count).toBe(20);
  });

  it.each(SYS.friendConfirm)('friend confirmed: %s', (content) => {
    const event = systemEvent(content, '@friend');
    expect(event.type).toBe('friend-confirmed');
    if (event.type !== 'friend-confirmed') return;
    const byYou = content.startsWith('You') || content.startsWith('你');
    expect(event.by).toBe(byYou ? 'you' : 'them');
    expect(event.name).toBe(byYou ? '李卓桓' : 'johnbassserver@gmail.com');
  });

  it.each(SYS.roomJoin)('room join: $content', ({ content, inviter, invitees }) => {
    const event = systemEvent(content);
    expect(event).toEqual({
      type: 'room-join',
      inviter,
      inviterIsSelf: ['You', 'you', '你'].includes(inviter),
      members: invitees,
      selfJoined: false,
      via: content.includes('QR') || content.includes('二维码') ? 'qrcode' : 'invite',
    });
  });

  it.each(SYS.roomLeave)('room leave: $content', ({ content, leaver, remover }) => {
    const event = systemEvent(content);
    if (event.type !== 'room-leave') throw new Error(event.type);
    if (leaver !== undefined) {
      expect(event.by).toBe('you-removed');
      expect(event.members).toEqual([leaver]);
      expect(['You', '你']).toContain(event.remover);
    } else {
      expect(event.by).toBe('you-were-removed');
      expect(event.remover).toBe(remover);
      expect(['You', '你']).toContain(event.members[0]);
    }
  });

  it.each(SYS.roomTopic)('room topic: $content', ({ content, changer, topic }) => {
    expect(systemEvent(content)).toEqual({ type: 'room-topic', topic, by: changer, byIsSelf: false });
  });
});

describe('system messages: the other §9.6 forms', () => {
  it.each<[string, SystemEvent]>([
    [
      '"老张"邀请你加入了群聊，群聊参与人还有：芳芳、Bobby',
      {
        type: 'room-join',
        inviter: '老张',
        inviterIsSelf: false,
        members: ['你'],
        selfJoined: true,
        via: 'invite',
      },
    ],
    [
      '"老张"邀请你和"芳芳、Bobby"加入了群聊',
      {
        type: 'room-join',
        inviter: '老张',
        inviterIsSelf: false,
        members: ['你', '芳芳', 'Bobby'],
        selfJoined: true,
        via: 'invite',
      },
    ],
    [
      'Zhang invited you to a group chat with Fang、Bobby',
      {
        type: 'room-join',
        inviter: 'Zhang',
        inviterIsSelf: false,
        members: ['you'],
        selfJoined: true,
        via: 'invite',
      },
    ],
    [
      'Zhang invited you and Fang、Bob to the group chat',
      {
        type: 'room-join',
        inviter: 'Zhang',
        inviterIsSelf: false,
        members: ['you', 'Fang', 'Bob'],
        selfJoined: true,
        via: 'invite',
      },
    ],
    [
      '你邀请"芳芳、Bob Lee"加入了群聊  ',
      {
        type: 'room-join',
        inviter: '你',
        inviterIsSelf: true,
        members: ['芳芳', 'Bob Lee'],
        selfJoined: false,
        via: 'invite',
      },
    ],
    ['你修改群名为“周末🏔”', { type: 'room-topic', topic: '周末🏔', by: '你', byIsSelf: true }],
    [
      'You changed the group name to "Weekend "hikes""',
      { type: 'room-topic', topic: 'Weekend "hikes"', by: 'You', byIsSelf: true },
    ],
    ['"老张"将"芳芳"移出了群聊', { type: 'room-leave', members: ['芳芳'], remover: '老张', by: 'removed' }],
    ['收到红包，请在手机上查看', { type: 'red-packet', direction: 'received' }],
    ['发出红包，请在手机上查看', { type: 'red-packet', direction: 'sent' }],
    ['群收款消息，请在手机上查看', { type: 'red-packet', direction: 'collection' }],
    ['收到转账，请在手机上查看', { type: 'transfer', direction: 'received' }],
    ['如果陌生人主动添加你为朋友，请谨慎核实对方身份。', { type: 'other' }],
    ['你的微信版本较低，升级微信体验多人语音通话。', { type: 'other' }],
    ['', { type: 'other' }],
  ])('%s', (text, event) => {
    expect(parseSystemText(text)).toEqual(event);
  });

  it('names with quotes and emoji spans (the misc fragment: a space after the opening quote)', () => {
    const fragment = MISC.find((f) => f.type.startsWith('10000 room join'))?.fragment as string;
    const content = JSON.parse(`{${fragment}"}`).Content as string;
    const m = decodeMessage(wireEntry({ MsgType: 10000, Content: content, FromUserName: '@@r' }), {
      selfUserName: '@me',
    });
    expect(m.text).toBe('" 🌸卷卷卷🌸"邀请"Hou$e"加入了群聊');
    const event = systemEvent(content);
    expect(event).toMatchObject({
      type: 'room-join',
      inviter: '🌸卷卷卷🌸',
      members: ['Hou$e'],
      via: 'invite',
    });
  });

  it('names that contain quotes and the list separator inside one pair of quotes', () => {
    expect(parseSystemText('"阿"强""邀请"小"明"、Carol 🌸"加入了群聊')).toMatchObject({
      inviter: '阿"强"',
      members: ['小"明"', 'Carol 🌸'],
    });
  });

  it('every money and notice fragment decodes to a system message', () => {
    const notices = MISC.find((f) => f.type === '10000 plain notices')?.fragment as string[];
    const types = notices.map((n) => systemEvent(n, '@friend').type);
    expect(types).toEqual(['red-packet', 'red-packet', 'transfer', 'red-packet', 'other', 'other']);
  });

  it('ignores a trailing $revoke$ marker and bounds the text it matches', () => {
    expect(parseSystemText('你邀请"芳芳"加入了群聊  $revoke$')).toMatchObject({ members: ['芳芳'] });
    expect(parseSystemText(`${'"x'.repeat(10_000)}"邀请"y"加入了群聊`)).toEqual({ type: 'other' });
  });
});

describe('sysmsg XML in MsgType 10000', () => {
  it('pat', () => {
    const xml =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the wire's own placeholder syntax
      '&lt;sysmsg type="pat"&gt;&lt;pat&gt;&lt;fromusername&gt;wxid_a&lt;/fromusername&gt;&lt;chatusername&gt;1@chatroom&lt;/chatusername&gt;&lt;pattedusername&gt;wxid_b&lt;/pattedusername&gt;&lt;template&gt;&lt;![CDATA["${wxid_a}" 拍了拍 "${wxid_b}"]]&gt;&lt;/template&gt;&lt;/pat&gt;&lt;/sysmsg&gt;';
    const m = decodeMessage(wireEntry({ MsgType: 10000, Content: xml, FromUserName: '@@room' }), {
      selfUserName: '@me',
    });
    expect(m).toMatchObject({
      kind: 'system',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the wire's own placeholder syntax
      event: { type: 'pat', from: 'wxid_a', patted: 'wxid_b', template: '"${wxid_a}" 拍了拍 "${wxid_b}"' },
    });
  });

  it('sysmsgtemplate: a join written as a template with member links', () => {
    const xml =
      '&lt;sysmsg type="sysmsgtemplate"&gt;&lt;sysmsgtemplate&gt;&lt;content_template type="tmpl_type_profile"&gt;&lt;plain&gt;&lt;![CDATA[]]&gt;&lt;/plain&gt;&lt;template&gt;&lt;![CDATA["$username$"邀请"$names$"加入了群聊]]&gt;&lt;/template&gt;&lt;link_list&gt;&lt;link name="username" type="link_profile"&gt;&lt;memberlist&gt;&lt;member&gt;&lt;username&gt;&lt;![CDATA[wxid_a]]&gt;&lt;/username&gt;&lt;nickname&gt;&lt;![CDATA[老张]]&gt;&lt;/nickname&gt;&lt;/member&gt;&lt;/memberlist&gt;&lt;/link&gt;&lt;link name="names" type="link_profile"&gt;&lt;memberlist&gt;&lt;member&gt;&lt;username&gt;&lt;![CDATA[wxid_b]]&gt;&lt;/username&gt;&lt;nickname&gt;&lt;![CDATA[芳芳]]&gt;&lt;/nickname&gt;&lt;/member&gt;&lt;member&gt;&lt;username&gt;&lt;![CDATA[wxid_c]]&gt;&lt;/username&gt;&lt;nickname&gt;&lt;![CDATA[Bob]]&gt;&lt;/nickname&gt;&lt;/member&gt;&lt;/memberlist&gt;&lt;separator&gt;&lt;![CDATA[、]]&gt;&lt;/separator&gt;&lt;/link&gt;&lt;/link_list&gt;&lt;/content_template&gt;&lt;/sysmsgtemplate&gt;&lt;/sysmsg&gt;';
    const m = decodeMessage(wireEntry({ MsgType: 10000, Content: xml, FromUserName: '@@room' }), {
      selfUserName: '@me',
    });
    expect(m).toMatchObject({
      kind: 'system',
      text: '"老张"邀请"芳芳、Bob"加入了群聊',
      event: { type: 'room-join', inviter: '老张', members: ['芳芳', 'Bob'] },
    });
  });

  it('a revokemsg inside 10000 is a revoke', () => {
    const m = decodeMessage(
      wireEntry({
        MsgType: 10000,
        Content:
          '&lt;sysmsg type="revokemsg"&gt;&lt;revokemsg&gt;&lt;msgid&gt;42&lt;/msgid&gt;&lt;/revokemsg&gt;&lt;/sysmsg&gt;',
      }),
      { selfUserName: '@me' },
    );
    expect(m).toMatchObject({ kind: 'revoke', revokedId: '42' });
  });

  it('an unknown sysmsg is other', () => {
    const m = decodeMessage(
      wireEntry({ MsgType: 10000, Content: '&lt;sysmsg type="roomtoolstips"&gt;&lt;x/&gt;&lt;/sysmsg&gt;' }),
      { selfUserName: '@me' },
    );
    expect(m).toMatchObject({ kind: 'system', event: { type: 'other' }, text: '' });
  });
});

describe('revoke (10002) on the real revokemsg contents', () => {
  const expected = [
    {
      chat: '@@room',
      sender: '@9abcdb1f46f547ddddd16c5b76270106b05af1d40affcd65d7c0f57bb2f051e6',
      session: '10635087412@chatroom',
      revokedId: '7032570294236529159',
      replaceText: '"施嘉威" 撤回了一条消息',
    },
    {
      chat: '@friend',
      sender: '@friend',
      session: 'wxid_rywzrzre4pgw22',
      revokedId: '8119924889549745209',
      replaceText: '"丶" 撤回了一条消息',
    },
    {
      chat: '@friend',
      sender: '@friend',
      session: 'wxid_80r79dvk0aoa21',
      revokedId: '2512199943216137293',
      replaceText: '"龙马" 撤回了一条消息',
    },
    {
      chat: '@friend',
      sender: '@friend',
      session: 'wxid_4fyhcp6kuztd22',
      revokedId: '4729511481770835265',
      replaceText: '"zzzsh" 撤回了一条消息',
    },
    {
      chat: '@@room',
      sender: '@129260f862259b5abff0904ee8810664b36f64e74e9d580bd86cd4ba366227a2',
      session: '6726457518@chatroom',
      revokedId: '6071299654335939419',
      replaceText: '"超！神罗天征！👾" 撤回了一条消息',
    },
    {
      chat: '@friend',
      sender: '@friend',
      session: 'wxid_xxxxxxx',
      revokedId: '41000000000000000',
      replaceText: '"xx" 撤回了一条消息',
    },
  ];

  it.each(REVOKES.samples.map((s, i) => [i, s.content] as const))('sample %i', (i, content) => {
    const exp = expected[i] as (typeof expected)[number];
    const m = decodeMessage(
      wireEntry({ MsgType: 10002, Content: content, FromUserName: exp.chat, Status: 4 }),
      {
        selfUserName: '@me',
      },
    );
    expect(m).toMatchObject({
      kind: 'revoke',
      chat: { userName: exp.chat, isRoom: exp.chat.startsWith('@@') },
      sender: { userName: exp.sender },
      session: exp.session,
      revokedId: exp.revokedId,
      replaceText: exp.replaceText,
      text: exp.replaceText,
    });
  });

  it('falls back to newmsgid, and a 10002 without revokemsg is unknown', () => {
    const m = decodeMessage(
      wireEntry({
        MsgType: 10002,
        Content:
          '&lt;sysmsg type="revokemsg"&gt;&lt;revokemsg&gt;&lt;newmsgid&gt;77&lt;/newmsgid&gt;&lt;/revokemsg&gt;&lt;/sysmsg&gt;',
      }),
      { selfUserName: '@me' },
    );
    expect(m).toMatchObject({ kind: 'revoke', revokedId: '77' });
    expect(decodeMessage(wireEntry({ MsgType: 10002, Content: 'nope' }), { selfUserName: '@me' }).kind).toBe(
      'unknown',
    );
  });
});

describe('the emulator system texts (emulator/system-texts.ts) parse back to their events', () => {
  const name = fc.oneof(
    fc.constantFrom('老张', 'Carol 🌸', 'Bob "the builder"', '李卓桓.PreAngel', ' 桔小秘', 'Hou$e', 'a、b'),
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((s) => s.trim() !== '' && !/[、"“”\n]/.test(s) && s.trim() === s),
  );
  const names = fc.array(
    name.filter((n) => !n.includes('、')),
    { minLength: 1, maxLength: 4 },
  );
  const lang = fc.constantFrom<SystemTextLang>('zh', 'en');

  it('property: joins, leaves, topics and friend confirmations, zh and en', () => {
    fc.assert(
      fc.property(name, names, lang, fc.string({ minLength: 1, maxLength: 10 }), (x, list, l, topic) => {
        const clean = (s: string) => s.trim();
        const inv = clean(x);
        const members = list.map(clean);
        const topicText = topic.replace(/[“”"\n]/g, '');
        const cases: [SystemTextEvent, Partial<SystemEvent>][] = [
          [
            { kind: 'x-invited', inviter: x, names: list },
            { type: 'room-join', inviter: inv, members },
          ],
          [
            { kind: 'you-invited', names: list },
            { type: 'room-join', inviterIsSelf: true, members },
          ],
          [
            { kind: 'x-invited-you', inviter: x, others: list },
            { type: 'room-join', inviter: inv, selfJoined: true },
          ],
          [
            { kind: 'x-invited-you-and', inviter: x, names: list },
            { type: 'room-join', inviter: inv, selfJoined: true },
          ],
          [
            { kind: 'you-removed', name: x },
            { type: 'room-leave', by: 'you-removed', members: [inv] },
          ],
          [
            { kind: 'you-were-removed', by: x },
            { type: 'room-leave', by: 'you-were-removed', remover: inv },
          ],
          [
            { kind: 'x-renamed', by: x, topic: topicText },
            { type: 'room-topic', by: inv, topic: topicText },
          ],
          [
            { kind: 'you-renamed', topic: topicText },
            { type: 'room-topic', byIsSelf: true, topic: topicText },
          ],
          [
            { kind: 'you-accepted', name: x },
            { type: 'friend-confirmed', by: 'you', name: inv },
          ],
          [
            { kind: 'they-accepted', name: x },
            { type: 'friend-confirmed', by: 'them', name: inv },
          ],
        ];
        for (const [event, expected] of cases) {
          if (topicText.trim() !== topicText || (event.kind.endsWith('renamed') && topicText === ''))
            continue;
          const parsed = parseSystemText(systemText(event, l));
          expect(parsed, `${l} ${systemText(event, l)}`).toMatchObject(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

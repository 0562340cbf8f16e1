/**
 * Every real sample in fixtures/real/messages that is not plain text (text is in message.test.ts),
 * decoded field by field. Sources and their caveats: fixtures/real/README.md (wwdk samples are
 * sanitized with x's; itchat4j replaced <br/> by \n; the wcap-worker friend request lost its MsgType).
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, type Message } from '../../src/model/index.js';
import type { WireMessage } from '../../src/protocol/wire-types.js';
import { messageFixtureNames, readFixtureJson } from '../fixtures.js';
import { loadWireSample, wireEntry } from './message-fixtures.js';

const SELF = '@me';
const EMPTY_MEDIA = { mediaId: '', fileName: '', encryFileName: '', attachId: '' };

/** Expected fields per sample (checked with toMatchObject: every listed field, deeply). */
const EXPECTED: Record<string, Record<string, unknown>> = {
  '00001-text-location--wwdk-1.json': {
    kind: 'location',
    text: '深圳市xxxx',
    chat: { userName: '@xxxxxxxxxxxxxxxx', isRoom: false },
    location: {
      label: '深圳市xxxx',
      poiName: '[位置]',
      latitude: 22,
      longitude: 113,
      scale: 16,
      mapUrl: 'http://apis.map.qq.com/uri/v1/geocoder?coord=22.000000,113.000000',
      imageUrl: '/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=790000000000000&pictype=location',
    },
  },
  '00003-image--itchat4j-1.json': {
    kind: 'image',
    text: '',
    width: 90,
    height: 120,
    media: {
      ...EMPTY_MEDIA,
      msgId: '6081337643309445027',
      md5: '5a774ad813f40fb3ca81349d82101423',
      fileSize: 139120,
      aesKey: '2384ec2f417e4066a23522635d76b86a',
    },
    cdnThumbUrl: expect.stringMatching(/^3050020100044930/),
    cdnMidImgUrl: expect.stringMatching(/^3050020100044930/),
  },
  '00003-image--itchat4j-2.json': {
    kind: 'image',
    width: 89,
    height: 120,
    media: { msgId: '8194991329533970381', md5: '442f7391e62b12f90a4121e331d3a1e2', fileSize: 52523 },
  },
  '00003-image--wechat4u-consumer-1.json': {
    kind: 'image',
    width: 103,
    height: 120,
    media: { msgId: '9003625357819194020', md5: '405eb70eed3635e4ae896838ec77979d', fileSize: 45956 },
  },
  '00003-image--wwdk-1.json': {
    kind: 'image',
    chat: { userName: '@@xxxxxxxxxxxxxxxxx', isRoom: true },
    sender: { userName: '@xxxxxxxxxxx' },
    media: { ...EMPTY_MEDIA, msgId: '4600000000000000000', md5: '', fileSize: 0 },
    width: 0,
    height: 0,
    cdnThumbUrl: '',
  },
  '00034-voice--itchat4j-1.json': {
    kind: 'voice',
    voiceLength: 2112,
    media: { ...EMPTY_MEDIA, msgId: '1038534170192835842', fileSize: 4051 },
  },
  '00034-voice--itchat4j-2.json': {
    kind: 'voice',
    voiceLength: 2340,
    media: { msgId: '3310053492051352100', fileSize: 3898 },
  },
  '00034-voice--wwdk-1.json': {
    kind: 'voice',
    voiceLength: 3215,
    chat: { userName: '@@xxxxxxxxxxxxxxxx', isRoom: true },
    sender: { userName: '@xxxxxxxxxxx' },
    media: { msgId: '6100000000000000000', fileSize: 0 },
  },
  '00037-verify-friend-request--itchat4j-1.json': {
    kind: 'friend-request',
    chat: { userName: 'fmessage', isRoom: false },
    greeting: '',
    ticket: expect.stringMatching(/^v2_7b244cf55b35daf1.*@stranger$/),
    opCode: 2,
    encryptUserName: expect.stringMatching(/^v1_361333ea.*@stranger$/),
    roomId: '',
    contact: {
      userName: '@8703fa509d1e91f2eb9d9b4e9a2946ded04d9ee1bba002908981270b75200b12',
      id: 'wxid_a6p74rz9ovbz21',
      nickName: 'yaphone',
      province: '重庆',
      city: '南岸',
      sex: 2,
      scene: 6,
      headImgUrl: expect.stringMatching(/^http:\/\/wx\.qlogo\.cn\/mmhead\/.*\/0$/),
      isOfficial: false,
    },
  },
  '00037-verify-friend-request--wcap-worker-1.json': {
    kind: 'friend-request',
    text: "I'm 幸运星",
    greeting: "I'm 幸运星",
    opCode: 2,
    ticket: expect.stringMatching(/^v2_51edfbbd.*@stranger$/),
    contact: {
      userName: '@8b56feb5e863134cea2bf60d1a39ee9a9221702e5e1cee2b067d6164fcac0cfb',
      id: 'wxid_u3hv5ow2xxkw22',
      nickName: '幸运星',
      alias: 'jinni20175',
      signature: '当一棵树不再炫耀自己的枝繁叶茂而是深深扎根泥土的时候',
      sex: 2,
      scene: 30,
    },
  },
  '00037-verify-friend-request--wechaty-1.json': {
    kind: 'friend-request',
    greeting: '我是群聊"Wechaty"的李卓桓.PreAngel',
    roomId: '2332413729@chatroom',
    contact: {
      userName: '@04a0fa314d0d8d50dc54e2ec908744ebf46b87404d143fd9a6692182dd90bd49',
      id: 'wxid_a8d806dzznm822',
      nickName: '李卓桓.PreAngel',
      alias: 'zixia008',
      province: '北京',
      city: '海淀',
      sex: 1,
      scene: 14,
    },
  },
  '00037-verify-friend-request--wwdk-1.json': {
    kind: 'friend-request',
    greeting: '我是xxxx',
    ticket: 'v2_xxxxxxxxx@stranger',
    roomId: '1000000@chatroom',
    contact: { userName: '@xxxxxxxxxxxxxxxxxxxxxxxxxx', id: 'wx_id', nickName: 'xxxx', scene: 14 },
  },
  '00042-card--itchat4j-1.json': {
    kind: 'card',
    text: 'LittleCoder机器人',
    card: {
      userName: '@173bd4ce01b725f327c221a06017260734d4607001d1dc82ba6b99c1ef77fb92',
      id: expect.stringMatching(/^v1_183ca2dd.*@stranger$/),
      nickName: 'LittleCoder机器人',
      scene: 17,
      sex: 0,
      isOfficial: false,
    },
  },
  '00042-card--itchat4j-2.json': {
    kind: 'card',
    card: {
      id: 'wxid_a6p74rz9ovbz21',
      nickName: 'yaphone',
      province: '重庆',
      city: '中国',
      sex: 2,
      scene: 17,
    },
  },
  '00042-card--wwdk-1.json': {
    kind: 'card',
    chat: { userName: '@@xxxxxxxxxxx', isRoom: true },
    sender: { userName: '@xxxxxxxxxxx' },
    card: { userName: '@xxxxxxxxxxxxxxx', id: 'v1_xxxx@stranger', nickName: 'xxx', scene: 17 },
  },
  '00043-video--QJesus-1.json': {
    kind: 'video',
    playLength: 10,
    width: 290,
    height: 512,
    short: false,
    micro: false,
    cdnVideoUrl: '',
    media: { ...EMPTY_MEDIA, msgId: '3835382370273594705', md5: '', fileSize: 0 },
  },
  '00043-video--itchat4j-1.json': {
    kind: 'video',
    playLength: 2,
    width: 960,
    height: 540,
    cdnVideoUrl: expect.stringMatching(/^30680201000461305f/),
    media: { msgId: '1478649195821152019', md5: '555c3efc0e065ba83c3fed942fea81b5', fileSize: 328666 },
  },
  '00043-video--itchat4j-2.json': {
    kind: 'video',
    playLength: 2,
    width: 944,
    height: 540,
    media: { md5: '94d985a231c2fbde6b2ece72a300b78d', fileSize: 311854 },
  },
  '00043-video--wwdk-1.json': {
    kind: 'video',
    playLength: 1,
    width: 200,
    height: 400,
    isSelf: false,
    chat: { userName: '@@xxxxxxxxxxxxxxxxxxxxxxxxx', isRoom: true },
  },
  '00043-video--wwdk-2.json': {
    kind: 'video',
    playLength: 1,
    cdnVideoUrl: 'abcd',
    cdnThumbUrl: 'abcd',
    media: { md5: 'xxx', fileSize: 1000, aesKey: 'qwerty' },
  },
  '00047-emoticon--QJesus-1.json': {
    kind: 'emoticon',
    emoticonMd5: '594560af0d32d92224682ee2c292877a',
    cdnUrl: 'http://emoji.qpic.cn/wx_emoji/NBYII27icz3UvDVcCrK2sXzjZeTXzicxmtdRw9NT55ONgEB4VQHCsmTA/',
    width: 240,
    height: 210,
    isStore: false,
    productId: '',
    media: {
      md5: '594560af0d32d92224682ee2c292877a',
      fileSize: 447446,
      aesKey: 'f63eaffcd7e1b1efce4ca891a7034ade',
    },
  },
  '00047-emoticon--spacelan-wechat-emoticon-PARTIAL-1.json': {
    kind: 'emoticon',
    emoticonMd5: '325e6f67bf0bf95b58ca1e0d7cc51821',
    cdnUrl: 'http://emoji.qpic.cn/wx_emoji/xmrm0xnjtnahibtFOjQ7ywClrojsNQYOPyickj9Yo7D0NEa16DBl5GJA/',
    width: 85,
    height: 85,
    media: { fileSize: 494186, aesKey: 'caee1393b6427c72e35fef94d277d00b' },
  },
  '00047-emoticon--wwdk-1.json': {
    kind: 'emoticon',
    chat: { userName: '@@xxxxxxxxxxxxxxxxxxxxxxxxx', isRoom: true },
    sender: { userName: '@xxxxxxxxxxxxxxxxxxxxxxxxx' },
    emoticonMd5: 'xxxx',
    cdnUrl: 'http://emoji.qpic.cn/wx_emoji/xxxxxxxx/',
    width: 80,
    height: 80,
    media: { fileSize: 1024 },
  },
  '00049-app-file--wwdk-1.json': {
    kind: 'file',
    text: 'fileName.zip',
    appMsgType: 6,
    title: 'fileName.zip',
    appId: 'wx6618f1cfc6c132f8',
    appName: '微信电脑版',
    fileExt: 'zip',
    chat: { userName: '@@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', isRoom: true },
    sender: { userName: '@xxxxxxxxxxxxxxxxx' },
    media: {
      msgId: '8800000000000000000',
      mediaId: '@crypt_xxxxxxxxxxxxxxxxxxxxxxxxxxx',
      fileName: 'fileName.zip',
      fileSize: 1024,
      md5: 'xxxx',
      attachId: '@cdn_qwerty_abcd_1',
      encryFileName: 'fileName%2Ezip',
      aesKey: 'abcd',
    },
  },
  '00049-app-url--biezhi-1.json': {
    kind: 'link',
    appMsgType: 5,
    title: '约返:0.99 优惠卷:5 付费价33.00',
    text: '约返:0.99 优惠卷:5 付费价33.00',
    description: '唯资眉笔水眉笔雾眉液体眉笔防水防汗不脱色自然持久不晕染一字眉',
    url: 'http://t.cn/RrBhwLB',
    thumbUrl: 'https://img.alicdn.com/bao/uploaded/i4/425781057/TB1AMYNjaAoBKNjSZSyXXaHAVXa_!!0-item_pic.jpg',
    appId: '',
    roomInvitation: undefined,
  },
  '00051-statusnotify--QJesus-1.json': {
    kind: 'status-notify',
    code: 1,
    userNames: ['@d77f22c1444fcbd7092fa2464899391a3cc0d6a9ec79b0770ce91be01a66a09b'],
    ids: [],
  },
  '00051-statusnotify--wcap-worker-1.json': { kind: 'status-notify', code: 2, userNames: ['filehelper'] },
  '00051-statusnotify--wcap-worker-2.json': { kind: 'status-notify', code: 5, userNames: ['filehelper'] },
  '00051-statusnotify--wechat4u-1.json': {
    kind: 'status-notify',
    code: 4,
    ids: expect.arrayContaining([
      'wxid_7313013130512',
      'filehelper',
      '902809793@chatroom',
      'gh_ea5e7ab441b6',
    ]),
  },
  '10000-sys-friend-confirm--wechaty-1.json': {
    kind: 'system',
    msgType: 10000,
    text: 'You have added 李卓桓.PreAngel as your WeChat contact. Start chatting!',
    event: { type: 'friend-confirmed', name: '李卓桓.PreAngel', by: 'you' },
  },
  '10002-recalled--wwdk-1.json': {
    kind: 'revoke',
    revokedId: '41000000000000000',
    replaceText: '"xx" 撤回了一条消息',
    text: '"xx" 撤回了一条消息',
    session: 'wxid_xxxxxxx',
  },
};

describe('decodeMessage on every real non-text sample', () => {
  const names = messageFixtureNames().filter((n) => !/^00001-text(-room)?--/.test(n));

  it('has an expectation for every sample (a new sample must be added here)', () => {
    expect(names.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of names) {
    it(name, () => {
      const raw = loadWireSample(name);
      const m: Message = decodeMessage(raw, { selfUserName: SELF });
      expect(m).toMatchObject(EXPECTED[name] as Record<string, unknown>);
      expect(m.raw).toBe(raw);
      expect(m.mentions).toEqual([]);
      expect(m.fallback).toBeUndefined();
      if ('media' in m) expect(m.media.msgId).toBe(m.id);
    });
  }

  it('status notify 4 pairs every permanent id with a session UserName', () => {
    const m = decodeMessage(loadWireSample('00051-statusnotify--wechat4u-1.json'), { selfUserName: SELF });
    if (m.kind !== 'status-notify') throw new Error(m.kind);
    expect(m.ids.length).toBeGreaterThan(10);
    expect(m.ids.length).toBe(m.userNames.length);
  });
});

describe('content-samples/misc-content-fragments.json', () => {
  const MISC = readFixtureJson<{ type: string; fragment: string | string[] }[]>(
    'content-samples',
    'misc-content-fragments.json',
  );
  const fragment = (type: string): string => {
    const found = MISC.find((f) => f.type === type)?.fragment;
    if (typeof found !== 'string') throw new Error(`no fragment ${type}`);
    return found;
  };
  const decode = (fields: Partial<WireMessage>) => decodeMessage(wireEntry(fields), { selfUserName: SELF });

  it('47 emoticon (room), truncated mid-tag with `attr = "v"` spacing: attributes salvaged', () => {
    const m = decode({
      MsgType: 47,
      FromUserName: '@@room',
      Content: fragment('47 emoticon (room)'),
      ImgStatus: 2,
    });
    expect(m).toMatchObject({
      kind: 'emoticon',
      chat: { userName: '@@room', isRoom: true },
      sender: { userName: '@b1314d7ff68c30ceb8617667ca9eabfe' },
      emoticonMd5: '89fb4ee355c265bacee2766bec232a5e',
      media: { md5: '89fb4ee355c265bacee2766bec232a5e', fileSize: 5372 },
      fallback: 'truncated XML in Content: attributes salvaged',
    });
  });

  it('1 location: Content without <br/>, and the Content + Url log line', () => {
    const first = decode({ MsgType: 1, SubMsgType: 48, Content: fragment('1 location (Content)') });
    expect(first).toMatchObject({
      kind: 'location',
      text: '雨花台区雨花西路(德安花园东)',
      location: {
        label: '雨花台区雨花西路(德安花园东)',
        imageUrl:
          '/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=741398718084560243&pictype=location',
        latitude: 0,
        longitude: 0,
      },
    });
    const [content, url] = fragment('1 location (Content + Url)').split(',URL: ');
    const second = decode({ MsgType: 1, SubMsgType: 48, Content: content, Url: url });
    expect(second).toMatchObject({
      kind: 'location',
      location: { label: '滨兴小区(东区)', latitude: 30.19166, longitude: 120.200508, mapUrl: url },
    });
  });

  it('43 video and 34 voice raw contents', () => {
    const video = decode({ MsgType: 43, Content: fragment('43 video Content (PHP sample)') });
    expect(video).toMatchObject({
      kind: 'video',
      playLength: 24,
      width: 365,
      height: 640,
      short: false,
      media: {
        md5: 'a110aae58f1aa4c292198e49a39d78da',
        fileSize: 1764021,
        aesKey: '33343031326433666531633863333264',
      },
    });
    expect(video.fallback).toBeUndefined();
    const voice = decode({ MsgType: 34, Content: fragment('34 voice Content (PHP sample)') });
    expect(voice).toMatchObject({ kind: 'voice', voiceLength: 960, media: { fileSize: 1589 } });
  });
});

describe('app messages beyond the samples', () => {
  const appmsg = (inner: string, type: number) =>
    `&lt;msg&gt;&lt;appmsg appid="" sdkver="0"&gt;${inner}&lt;type&gt;${type}&lt;/type&gt;&lt;/appmsg&gt;&lt;/msg&gt;`;
  const decode = (fields: Partial<WireMessage>) => decodeMessage(wireEntry(fields), { selfUserName: SELF });

  it('group invitations (zh and en) are links with the inviter and topic', () => {
    const zh = decode({
      MsgType: 49,
      AppMsgType: 5,
      Content: appmsg(
        '&lt;title&gt;邀请你加入群聊&lt;/title&gt;&lt;des&gt;"老张"邀请你加入群聊周末爬山，进入可查看详情。&lt;/des&gt;&lt;url&gt;https://support.weixin.qq.com/cgi-bin/mmsupport-bin/addchatroombyinvite?ticket=x&lt;/url&gt;',
        5,
      ),
    });
    expect(zh).toMatchObject({ kind: 'link', roomInvitation: { inviter: '老张', topic: '周末爬山' } });
    const en = decode({
      MsgType: 49,
      AppMsgType: 5,
      Content: appmsg(
        '&lt;title&gt;Group Chat Invitation&lt;/title&gt;&lt;des&gt;"Zhang" invited you to join the group chat "Hiking". Enter to view details.&lt;/des&gt;',
        5,
      ),
    });
    expect(en).toMatchObject({ kind: 'link', roomInvitation: { inviter: 'Zhang', topic: 'Hiking' } });
  });

  it('a quote (57) keeps the quoted message', () => {
    const m = decode({
      MsgType: 49,
      AppMsgType: 57,
      Content: appmsg(
        '&lt;title&gt;对的&lt;/title&gt;&lt;refermsg&gt;&lt;type&gt;1&lt;/type&gt;&lt;svrid&gt;4830202857208741650&lt;/svrid&gt;&lt;displayname&gt;老张&lt;/displayname&gt;&lt;content&gt;明天去吗&lt;/content&gt;&lt;/refermsg&gt;',
        57,
      ),
    });
    expect(m).toMatchObject({
      kind: 'app',
      appMsgType: 57,
      title: '对的',
      quoted: { msgId: '4830202857208741650', displayName: '老张', content: '明天去吗', msgType: 1 },
    });
  });

  it('AppMsgType from the XML when the entry lacks it; type 1 with AppMsgType 2001 is a red packet', () => {
    expect(decode({ MsgType: 49, Content: appmsg('&lt;title&gt;歌&lt;/title&gt;', 3) })).toMatchObject({
      kind: 'music',
      appMsgType: 3,
    });
    expect(decode({ MsgType: 1, AppMsgType: 2001, Content: '', FileName: '微信红包' })).toMatchObject({
      kind: 'red-packet',
      title: '微信红包',
    });
  });
});

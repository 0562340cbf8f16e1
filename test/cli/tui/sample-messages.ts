/** Messages of every kind for the terminal client's tests, built on one base. */
import type { Message, MessageKind, MessageOf } from '../../../src/model/index.js';

let next = 1;

export function base(overrides: Partial<Omit<Message, 'kind'>> = {}) {
  const id = String(next++);
  return {
    id,
    createTime: 1_700_000_000 + next,
    chat: { userName: '@peer', isRoom: false },
    sender: { userName: '@peer', displayName: '' },
    isSelf: false,
    text: '',
    mentions: [],
    mentionsSelf: false,
    raw: {} as Message['raw'],
    ...overrides,
  };
}

export const media = (fields: Partial<{ fileName: string; fileSize: number }> = {}) => ({
  msgId: '1',
  mediaId: '',
  fileName: fields.fileName ?? '',
  fileSize: fields.fileSize ?? 0,
  md5: '',
  attachId: '',
  encryFileName: '',
  aesKey: '',
});

const app = {
  appMsgType: 5,
  title: '',
  description: '',
  url: '',
  thumbUrl: '',
  appId: '',
  appName: '',
  sourceUserName: '',
  sourceDisplayName: '',
};

const card = {
  userName: '@card',
  id: 'wxid_card',
  nickName: '王五',
  alias: 'wangwu',
  province: '广东',
  city: '深圳',
  sex: 1,
  signature: '',
  scene: 17,
  headImgUrl: '',
  isOfficial: false,
};

/** One message of each kind, with realistic fields. */
export function oneOfEach(): { [K in MessageKind]: MessageOf<K> } {
  return {
    text: { kind: 'text', ...base({ text: 'hello' }) },
    image: {
      kind: 'image',
      ...base(),
      media: media({ fileSize: 139120 }),
      width: 1024,
      height: 768,
      cdnThumbUrl: '',
      cdnMidImgUrl: '',
    },
    voice: { kind: 'voice', ...base(), media: media(), voiceLength: 2960 },
    video: {
      kind: 'video',
      ...base(),
      media: media(),
      playLength: 24,
      width: 90,
      height: 120,
      short: false,
      micro: false,
      cdnVideoUrl: '',
      cdnThumbUrl: '',
    } as unknown as MessageOf<'video'>,
    emoticon: {
      kind: 'emoticon',
      ...base(),
      media: media(),
      emoticonMd5: 'abc',
      cdnUrl: '',
      width: 240,
      height: 210,
      isStore: false,
      productId: '',
    },
    card: { kind: 'card', ...base(), card },
    location: {
      kind: 'location',
      ...base(),
      location: {
        label: '北京市海淀区',
        poiName: '[位置]',
        latitude: 39.98,
        longitude: 116.31,
        scale: 16,
        mapUrl: '',
        imageUrl: '',
      },
    },
    link: {
      kind: 'link',
      ...base(),
      ...app,
      title: 'Release notes',
      description: 'What is new',
      url: 'https://example.com/n',
      roomInvitation: undefined,
    },
    music: {
      kind: 'music',
      ...base(),
      ...app,
      appMsgType: 3,
      title: '晴天',
      description: '周杰伦',
      dataUrl: '',
      lowUrl: '',
      lowDataUrl: '',
    },
    file: {
      kind: 'file',
      ...base(),
      ...app,
      appMsgType: 6,
      title: 'report.pdf',
      media: media({ fileName: 'report.pdf', fileSize: 2_202_010 }),
      fileExt: 'pdf',
    },
    'mini-program': {
      kind: 'mini-program',
      ...base(),
      ...app,
      appMsgType: 33,
      title: '跳一跳',
      weappUserName: '',
      weappAppId: '',
      pagePath: '',
      iconUrl: '',
    },
    app: {
      kind: 'app',
      ...base(),
      ...app,
      appMsgType: 57,
      title: 'me too',
      quoted: { msgId: '9', displayName: '张三', content: 'anyone for lunch?', msgType: 1 },
    },
    'red-packet': { kind: 'red-packet', ...base(), title: '恭喜发财，大吉大利', description: '' },
    transfer: {
      kind: 'transfer',
      ...base(),
      amountText: '￥0.10',
      amount: 0.1,
      paySubType: 1,
      transferId: '',
      memo: 'lunch',
      title: '',
      description: '',
    },
    system: {
      kind: 'system',
      ...base({ text: '你已添加了张三，现在可以开始聊天了。' }),
      event: { type: 'other' },
      msgType: 10000,
    },
    revoke: {
      kind: 'revoke',
      ...base(),
      revokedId: '42',
      replaceText: '"张三" 撤回了一条消息',
      session: 'wxid_x',
    },
    'friend-request': {
      kind: 'friend-request',
      ...base(),
      contact: card,
      greeting: '我是王五',
      ticket: 't',
      opCode: 2,
      encryptUserName: 'v1_x@stranger',
      roomId: '',
    },
    'status-notify': { kind: 'status-notify', ...base(), code: 4, userNames: [], ids: [] },
    voip: { kind: 'voip', ...base(), msgType: 50, callType: 'video' } as unknown as MessageOf<'voip'>,
    unknown: { kind: 'unknown', ...base(), reason: 'unsupported MsgType 12', msgType: 12 },
  };
}

export function textMessage(fields: Partial<Message> & { text: string }): Message {
  return { kind: 'text', ...base(fields), text: fields.text } as Message;
}

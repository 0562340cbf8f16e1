/**
 * App messages (MsgType 49, §9.5, §9.7): the `<appmsg>` XML by AppMsgType → link, music, file,
 * mini-program, transfer, red packet, or a generic app message. Pure; never throws.
 */
import { type Common, type KindInput, mediaRef, plain } from './kind-decoders.js';
import { wireNameToPlain } from './message-text.js';
import type {
  AppFields,
  AppMessage,
  FileMessage,
  LinkMessage,
  Message,
  MiniProgramMessage,
  MusicMessage,
  QuotedMessage,
  RedPacketMessage,
  RoomInvitation,
  TransferMessage,
} from './message-types.js';
import { parseWireXml, type XmlNode, xmlAttr, xmlChild, xmlInt, xmlPath, xmlText } from './message-xml.js';
import { num, str } from './wire-values.js';

/** AppMsgType values (§9.2). */
export const APP_MSG_TYPE = Object.freeze({
  text: 1,
  image: 2,
  music: 3,
  video: 4,
  link: 5,
  file: 6,
  app: 7,
  emoji: 8,
  realtimeLocation: 17,
  chatHistory: 19,
  miniProgram: 33,
  miniProgramForward: 36,
  quote: 57,
  transfer: 2000,
  redPacket: 2001,
});

const INVITE_ZH = /^"?(.+?)"?邀请你加入群聊(.+?)，进入可查看详情。?$/s;
const INVITE_EN = /^"?(.+?)"? invited you to join the group chat "(.+)"\. Enter to view details\.?$/s;

function roomInvitation(title: string, des: string): RoomInvitation | undefined {
  if (title !== '邀请你加入群聊' && title !== 'Group Chat Invitation') return undefined;
  const m = INVITE_ZH.exec(des) ?? INVITE_EN.exec(des);
  return { inviter: m?.[1] ?? '', topic: m?.[2] ?? '' };
}

function appFields(input: KindInput, appmsg: XmlNode | undefined, msg: XmlNode | undefined): AppFields {
  const { raw } = input;
  const appMsgType = num(raw.AppMsgType) || xmlInt(xmlText(appmsg, 'type'));
  return {
    appMsgType,
    title: xmlText(appmsg, 'title') || wireNameToPlain(str(raw.FileName)),
    description: xmlText(appmsg, 'des'),
    url: xmlText(appmsg, 'url') || str(raw.Url),
    thumbUrl: xmlText(appmsg, 'thumburl'),
    appId: xmlAttr(appmsg, 'appid') || str((raw.AppInfo as { AppID?: unknown } | undefined)?.AppID),
    appName: xmlText(xmlChild(msg, 'appinfo'), 'appname'),
    sourceUserName: xmlText(appmsg, 'sourceusername'),
    sourceDisplayName: xmlText(appmsg, 'sourcedisplayname'),
  };
}

/** feedesc such as '￥0.10' or '¥1,000.00' → 0.1 / 1000. */
export function parseAmount(text: string): number {
  const m = /(\d[\d,]*(?:\.\d+)?)/.exec(text);
  if (!m?.[1]) return 0;
  const n = Number(m[1].replace(/,/g, ''));
  return Number.isFinite(n) ? n : 0;
}

function quoted(appmsg: XmlNode | undefined): QuotedMessage | undefined {
  const refer = xmlChild(appmsg, 'refermsg');
  if (!refer) return undefined;
  return {
    msgId: xmlText(refer, 'svrid'),
    displayName: xmlText(refer, 'displayname'),
    content: xmlText(refer, 'content'),
    msgType: xmlInt(xmlText(refer, 'type')),
  };
}

/**
 * MsgType 49 (and MsgType 1 carrying AppMsgType 2001): decode by AppMsgType (the entry's field, else the
 * XML's `<type>`).
 */
export function decodeApp(input: KindInput): Message {
  const root = parseWireXml(input.body);
  const msg = xmlChild(root, 'msg');
  const appmsg = xmlChild(msg, 'appmsg') ?? xmlChild(root, 'appmsg');
  const message = appKind(input, root, appmsg, appFields(input, appmsg, msg));
  if (!appmsg && input.body.trim() !== '') {
    message.fallback = root ? 'no <appmsg> in Content' : 'unparseable XML in Content';
  }
  return message;
}

function appKind(
  input: KindInput,
  root: XmlNode | undefined,
  appmsg: XmlNode | undefined,
  fields: AppFields,
): Message {
  const common: Common = input.common;
  switch (fields.appMsgType) {
    case APP_MSG_TYPE.link: {
      const message: LinkMessage = {
        kind: 'link',
        ...plain(common, fields.title),
        ...fields,
        roomInvitation: roomInvitation(fields.title, fields.description),
      };
      return message;
    }
    case APP_MSG_TYPE.music: {
      const message: MusicMessage = {
        kind: 'music',
        ...plain(common, fields.title),
        ...fields,
        dataUrl: xmlText(appmsg, 'dataurl'),
        lowUrl: xmlText(appmsg, 'lowurl'),
        lowDataUrl: xmlText(appmsg, 'lowdataurl'),
      };
      return message;
    }
    case APP_MSG_TYPE.file: {
      const attach = xmlChild(appmsg, 'appattach');
      const attachId = xmlText(attach, 'attachid');
      const media = mediaRef(input, {
        md5: xmlText(appmsg, 'md5'),
        attachId,
        fileSize: xmlInt(xmlText(attach, 'totallen')),
        aesKey: xmlText(attach, 'aeskey'),
      });
      if (media.mediaId === '') media.mediaId = attachId;
      if (media.fileName === '') media.fileName = fields.title;
      const message: FileMessage = {
        kind: 'file',
        ...plain(common, fields.title),
        ...fields,
        media,
        fileExt: xmlText(attach, 'fileext').replace(/^\./, '').toLowerCase(),
      };
      return message;
    }
    case APP_MSG_TYPE.miniProgram:
    case APP_MSG_TYPE.miniProgramForward: {
      const weapp = xmlChild(appmsg, 'weappinfo');
      const message: MiniProgramMessage = {
        kind: 'mini-program',
        ...plain(common, fields.title),
        ...fields,
        weappUserName: xmlText(weapp, 'username'),
        weappAppId: xmlText(weapp, 'appid'),
        pagePath: xmlText(weapp, 'pagepath'),
        iconUrl: xmlText(weapp, 'weappiconurl'),
      };
      return message;
    }
    case APP_MSG_TYPE.transfer: {
      const pay = xmlChild(appmsg, 'wcpayinfo');
      const amountText = xmlText(pay, 'feedesc');
      const message: TransferMessage = {
        kind: 'transfer',
        ...plain(common, fields.description || fields.title),
        amountText,
        amount: parseAmount(amountText),
        paySubType: xmlInt(xmlText(pay, 'paysubtype')),
        transferId: xmlText(pay, 'transferid'),
        memo: xmlText(pay, 'pay_memo'),
        title: fields.title,
        description: fields.description,
      };
      return message;
    }
    case APP_MSG_TYPE.redPacket: {
      const pay = xmlChild(appmsg, 'wcpayinfo');
      const title = xmlText(pay, 'receivertitle') || xmlText(pay, 'sendertitle') || fields.title;
      const message: RedPacketMessage = {
        kind: 'red-packet',
        ...plain(common, title),
        title,
        description: fields.description || xmlText(pay, 'scenetext'),
      };
      return message;
    }
    default: {
      const message: AppMessage = {
        kind: 'app',
        ...plain(common, fields.title),
        ...fields,
        quoted: quoted(appmsg ?? xmlPath(root, 'appmsg')),
      };
      return message;
    }
  }
}

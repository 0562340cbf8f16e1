/**
 * Wechaty message payloads from webwx messages: every kind webwx decodes (docs/messages.md) mapped to
 * a Wechaty MessageType, with the talker, the room or listener and the mention list as Wechaty ids;
 * and the url, mini program and location payloads of the kinds that carry them. Messages the puppet
 * sent are kept as {@link SentRecord}s, so Wechaty can load them (`say()` resolves with a Message).
 */
import type * as PUPPET from 'wechaty-puppet';
import { types } from 'wechaty-puppet';
import type { MiniProgramCard, SentKind } from '../client/index.js';
import { APP_MSG_TYPE, type Message } from '../model/index.js';
import type { IdOf } from './contact-payloads.js';

/** A message the puppet sent: enough to load, recall or forward it. */
export interface SentRecord {
  msgId: string;
  localId: string;
  toUserName: string;
  kind: SentKind;
  /** The AppMsgType of an app message it sent (33 for a mini program), when it matters to Wechaty. */
  appMsgType?: number;
  text: string;
  fileName: string;
  /** Unix ms. */
  timestamp: number;
  /** Wechaty ids at the time of sending. */
  talkerId: string;
  conversationId: string;
  isRoom: boolean;
  mentionIdList: string[];
}

/** What the puppet keeps of a message, by MsgId: one it received, or one it sent. */
export type RawMessage = { source: 'in'; message: Message } | { source: 'out'; sent: SentRecord };

/** What a payload needs from the session. */
export interface MessageContext {
  idOf: IdOf;
  selfUserName: string;
  /** The UserName of a room member named as a mention writes it ('' when nobody or several). */
  memberByName: (roomUserName: string, name: string) => string;
}

const MEDIA_EXTENSIONS: Record<string, string> = {
  image: 'jpg',
  voice: 'mp3',
  video: 'mp4',
  emoticon: 'gif',
  file: 'bin',
};

/** The Wechaty MessageType of each kind that has one, received or sent alike ('app' and 'system' vary). */
const TYPE_OF_KIND: Partial<Record<Message['kind'], PUPPET.types.Message>> = {
  text: types.Message.Text,
  image: types.Message.Image,
  voice: types.Message.Audio,
  video: types.Message.Video,
  emoticon: types.Message.Emoticon,
  card: types.Message.Contact,
  location: types.Message.Location,
  link: types.Message.Url,
  music: types.Message.Url,
  file: types.Message.Attachment,
  'mini-program': types.Message.MiniProgram,
  'red-packet': types.Message.RedEnvelope,
  transfer: types.Message.Transfer,
  revoke: types.Message.Recalled,
};

/** The Wechaty MessageType of a webwx message. */
export function messageTypeOf(message: Message): PUPPET.types.Message {
  switch (message.kind) {
    case 'app':
      if (message.appMsgType === APP_MSG_TYPE.quote || message.quoted) return types.Message.Text;
      if (message.appMsgType === APP_MSG_TYPE.chatHistory) return types.Message.ChatHistory;
      return message.url ? types.Message.Url : types.Message.Unknown;
    case 'system':
      if (message.event.type === 'red-packet') return types.Message.RedEnvelope;
      if (message.event.type === 'transfer') return types.Message.Transfer;
      return types.Message.Unknown;
    default:
      return TYPE_OF_KIND[message.kind] ?? types.Message.Unknown;
  }
}

/** A sent message's MessageType: a mini program by its AppMsgType, other app messages as links. */
function sentTypeOf(kind: SentKind, appMsgType = 0): PUPPET.types.Message {
  if (appMsgType === APP_MSG_TYPE.miniProgram || appMsgType === APP_MSG_TYPE.miniProgramForward) {
    return types.Message.MiniProgram;
  }
  return (kind === 'app' ? undefined : TYPE_OF_KIND[kind]) ?? types.Message.Url;
}

/** The file name Wechaty shows for a media message (made from the id when the wire has none). */
export function fileNameOf(message: Message): string | undefined {
  if (!('media' in message)) return undefined;
  return message.media.fileName || `${message.id}.${MEDIA_EXTENSIONS[message.kind] ?? 'bin'}`;
}

function textOf(message: Message): string {
  if (message.kind === 'revoke') return message.revokedId;
  if (message.kind === 'app' && message.quoted) return message.title || message.text;
  return message.text;
}

/** The payload of a received message. */
export function receivedPayloadOf(message: Message, ctx: MessageContext): PUPPET.payloads.Message {
  const talkerId = ctx.idOf(message.isSelf ? ctx.selfUserName : message.sender.userName);
  const fileName = fileNameOf(message);
  const base = {
    id: message.id,
    talkerId,
    text: textOf(message),
    timestamp: message.createTime * 1000,
    type: messageTypeOf(message),
    ...(fileName ? { filename: fileName } : {}),
  };
  if (message.chat.isRoom) {
    const room = message.chat.userName;
    const mentionIdList = message.mentions
      .map((name) => ctx.memberByName(room, name))
      .filter((userName) => userName !== '')
      .map((userName) => ctx.idOf(userName));
    return { ...base, roomId: ctx.idOf(room), mentionIdList };
  }
  const listener = message.isSelf ? message.chat.userName : ctx.selfUserName;
  return { ...base, listenerId: ctx.idOf(listener) };
}

/** The payload of a message the puppet sent. */
export function sentPayloadOf(sent: SentRecord): PUPPET.payloads.Message {
  const base = {
    id: sent.msgId,
    talkerId: sent.talkerId,
    text: sent.text,
    timestamp: sent.timestamp,
    type: sentTypeOf(sent.kind, sent.appMsgType),
    ...(sent.fileName ? { filename: sent.fileName } : {}),
  };
  return sent.isRoom
    ? { ...base, roomId: sent.conversationId, mentionIdList: sent.mentionIdList }
    : { ...base, listenerId: sent.conversationId };
}

/** The link of a link, music or app message. */
export function urlLinkOf(message: Message): PUPPET.payloads.UrlLink | undefined {
  if (message.kind !== 'link' && message.kind !== 'music' && message.kind !== 'app') return undefined;
  return {
    title: message.title,
    url: message.url,
    description: message.description,
    thumbnailUrl: message.thumbUrl,
  };
}

/** The mini program of a mini-program message. */
export function miniProgramOf(message: Message): PUPPET.payloads.MiniProgram | undefined {
  if (message.kind !== 'mini-program') return undefined;
  return {
    appid: message.weappAppId || message.appId,
    title: message.title,
    description: message.description,
    pagePath: message.pagePath,
    iconUrl: message.iconUrl,
    thumbUrl: message.thumbUrl,
    username: message.weappUserName || message.sourceUserName,
  };
}

function httpOrNothing(url: string | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

/**
 * What `client.sendMiniProgram` takes from a Wechaty mini program: its names, title, description and
 * page; the icon and thumbnail only when they are http(s) URLs (not another protocol's CDN ids).
 */
export function miniProgramCardOf(program: PUPPET.payloads.MiniProgram): MiniProgramCard {
  const card: MiniProgramCard = { title: program.title ?? '' };
  if (program.appid) card.appId = program.appid;
  if (program.username) card.userName = program.username;
  if (program.description) card.description = program.description;
  if (program.pagePath) card.pagePath = program.pagePath;
  const iconUrl = httpOrNothing(program.iconUrl);
  if (iconUrl) card.iconUrl = iconUrl;
  const thumbUrl = httpOrNothing(program.thumbUrl);
  if (thumbUrl) card.thumbUrl = thumbUrl;
  return card;
}

/** The place of a location message. */
export function locationOf(message: Message): PUPPET.payloads.Location | undefined {
  if (message.kind !== 'location') return undefined;
  const place = message.location;
  return {
    accuracy: place.scale,
    address: place.label,
    latitude: place.latitude,
    longitude: place.longitude,
    name: place.poiName || place.label,
  };
}

/**
 * The Message model: a discriminated union on `kind`, decoded from one AddMsgList entry (§9).
 * decodeMessage is pure and total: whatever arrives, it returns a Message (hostile or unsupported input
 * becomes an UnknownMessage with a reason) and never throws.
 */
import type { WireMessage } from '../protocol/wire-types.js';
import { APP_MSG_TYPE, decodeApp } from './app-message.js';
import { isRoomUserName } from './contact-decoder.js';
import {
  type Common,
  decodeCard,
  decodeEmoticon,
  decodeFriendRequest,
  decodeImage,
  decodeLocation,
  decodeRevoke,
  decodeStatusNotify,
  decodeVideo,
  decodeVoice,
  decodeVoip,
  type KindInput,
  plain,
} from './kind-decoders.js';
import type { ChatRef } from './message-base.js';
import { extractMentions, splitRoomPrefix, wireTextToPlain } from './message-text.js';
import type { DecodeContext, Message, TextMessage, UnknownMessage } from './message-types.js';
import { parseWireXml } from './message-xml.js';
import { decodeSysmsg, parseSystemText } from './system-message.js';
import { num, str } from './wire-values.js';

/** MsgType values (§9.2). */
export const MSG_TYPE = Object.freeze({
  text: 1,
  image: 3,
  voice: 34,
  friendRequest: 37,
  possibleFriend: 40,
  card: 42,
  video: 43,
  emoticon: 47,
  location: 48,
  app: 49,
  voipMsg: 50,
  statusNotify: 51,
  voipNotify: 52,
  voipInvite: 53,
  microVideo: 62,
  sysNotice: 9999,
  system: 10000,
  recalled: 10002,
});

/** SubMsgType of a location sent as MsgType 1. */
export const SUB_MSG_TYPE_LOCATION = 48;

/** Content longer than this (in UTF-16 units, about 1 MB) is not decoded. */
export const MAX_CONTENT_LENGTH = 1024 * 1024;

/** Who sent what where, before the kind is looked at. */
interface Envelope {
  id: string;
  createTime: number;
  msgType: number;
  subMsgType: number;
  chat: ChatRef;
  senderUserName: string;
  isSelf: boolean;
  /** Content without the group prefix. */
  body: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function messageId(raw: Record<string, unknown>): string {
  const id = str(raw.MsgId);
  if (id) return id;
  const fallback = raw.NewMsgId;
  return typeof fallback === 'bigint' ? fallback.toString() : str(fallback);
}

function envelope(raw: Record<string, unknown>, selfUserName: string): Envelope {
  const from = str(raw.FromUserName);
  const to = str(raw.ToUserName);
  const content = str(raw.Content);
  const self = selfUserName !== '' && from === selfUserName;
  // One object literal of one shape for every kind of message (no spreads): decoding is per message.
  let chat: ChatRef;
  let senderUserName = from;
  let isSelf = self;
  let body = content;
  if (isRoomUserName(from)) {
    // Incoming group message: the sender is in the `<id>:<br/>` prefix.
    const split = splitRoomPrefix(content);
    senderUserName = split.sender ?? from;
    chat = { userName: from, isRoom: true };
    isSelf = selfUserName !== '' && senderUserName === selfUserName;
    body = split.body;
  } else if (isRoomUserName(to)) {
    // Sent to a group, from the phone (From = self) or echoed: no prefix to strip unless one is there.
    chat = { userName: to, isRoom: true };
    if (!self) body = splitRoomPrefix(content).body;
  } else {
    chat = { userName: self ? to : from, isRoom: false };
  }
  return {
    id: messageId(raw),
    createTime: num(raw.CreateTime),
    msgType: num(raw.MsgType),
    subMsgType: num(raw.SubMsgType),
    chat,
    senderUserName,
    isSelf,
    body,
  };
}

function safeCall<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function unknownMessage(
  reason: string,
  fields: Partial<Omit<UnknownMessage, 'kind' | 'reason'>>,
): UnknownMessage {
  return {
    kind: 'unknown',
    reason,
    msgType: fields.msgType ?? 0,
    id: fields.id ?? '',
    createTime: fields.createTime ?? 0,
    chat: fields.chat ?? { userName: '', isRoom: false },
    sender: fields.sender ?? { userName: '', displayName: '' },
    isSelf: fields.isSelf ?? false,
    text: '',
    mentions: [],
    mentionsSelf: false,
    raw: fields.raw ?? ({} as WireMessage),
  };
}

function decodeUnsafe(raw: unknown, ctx: DecodeContext): Message {
  if (!isObject(raw)) return unknownMessage('not a message object', {});
  const wire = raw as unknown as WireMessage;
  const selfUserName = isObject(ctx) ? str(ctx.selfUserName) : '';
  const content = raw.Content;
  if (typeof content === 'string' && content.length > MAX_CONTENT_LENGTH) {
    return unknownMessage('content too large', { id: messageId(raw), msgType: num(raw.MsgType), raw: wire });
  }
  const env = envelope(raw, selfUserName);
  const roomUserName = env.chat.isRoom ? env.chat.userName : undefined;
  const shownName = safeCall(() => ctx.displayNameOf?.(env.senderUserName, roomUserName));
  const common = {
    id: env.id,
    createTime: env.createTime,
    chat: env.chat,
    sender: { userName: env.senderUserName, displayName: typeof shownName === 'string' ? shownName : '' },
    isSelf: env.isSelf,
    raw: wire,
  };

  // A verify message whose MsgType got lost (wcap-worker sample): From fmessage means 37.
  const fromFmessage = str(raw.FromUserName) === 'fmessage';
  if ((raw.MsgType === undefined || raw.MsgType === null) && !fromFmessage) {
    return unknownMessage('missing MsgType', common);
  }
  const msgType = raw.MsgType === undefined || raw.MsgType === null ? MSG_TYPE.friendRequest : env.msgType;
  const input: KindInput = { raw, body: env.body, msgType, common };
  switch (msgType) {
    case MSG_TYPE.text:
      if (env.subMsgType === SUB_MSG_TYPE_LOCATION) return decodeLocation(input);
      if (num(raw.AppMsgType) === APP_MSG_TYPE.redPacket) return decodeApp(input);
      return decodeText(env, common, ctx);
    case MSG_TYPE.image:
      return decodeImage(input);
    case MSG_TYPE.voice:
      return decodeVoice(input);
    case MSG_TYPE.video:
    case MSG_TYPE.microVideo:
      return decodeVideo(input, msgType === MSG_TYPE.microVideo);
    case MSG_TYPE.emoticon:
      return decodeEmoticon(input);
    case MSG_TYPE.card:
      return decodeCard(input);
    case MSG_TYPE.friendRequest:
      return decodeFriendRequest(input);
    case MSG_TYPE.location:
      return decodeLocation(input);
    case MSG_TYPE.app:
      return decodeApp(input);
    case MSG_TYPE.statusNotify:
      return decodeStatusNotify(input);
    case MSG_TYPE.voipMsg:
    case MSG_TYPE.voipNotify:
    case MSG_TYPE.voipInvite:
      return decodeVoip(input);
    case MSG_TYPE.system:
    case MSG_TYPE.sysNotice:
      return decodeSystem(input);
    case MSG_TYPE.recalled:
      return decodeRevoke(input) ?? unknownMessage('revoke without revokemsg', { ...common, msgType });
    default:
      return unknownMessage(`unsupported MsgType ${msgType}`, { ...common, msgType });
  }
}

function decodeText(env: Envelope, common: Common, ctx: DecodeContext): TextMessage {
  const text = wireTextToPlain(env.body);
  let mentions: string[] = [];
  let mentionsSelf = false;
  if (env.chat.isRoom) {
    const roomUserName = env.chat.userName;
    const own = safeCall(() => ctx.selfDisplayNames?.(roomUserName));
    const selfNames = Array.isArray(own)
      ? own.filter((n): n is string => typeof n === 'string' && n !== '')
      : [];
    mentions = extractMentions(text, selfNames.length > 0 ? selfNames : undefined);
    mentionsSelf = !env.isSelf && mentions.some((m) => selfNames.includes(m));
  }
  return { kind: 'text', ...common, text, mentions, mentionsSelf };
}

/** 10000 / 9999: a plain notice, or a `<sysmsg>` (a revokemsg inside becomes a revoke). */
function decodeSystem(input: KindInput): Message {
  const trimmed = input.body.trimStart();
  if (trimmed.startsWith('&lt;sysmsg') || trimmed.startsWith('<sysmsg')) {
    const root = parseWireXml(trimmed);
    if (root) {
      const revoke = decodeRevoke(input, root);
      if (revoke) return revoke;
      const { text, event } = decodeSysmsg(root);
      return { kind: 'system', ...plain(input.common, text), event, msgType: input.msgType };
    }
  }
  const text = wireTextToPlain(input.body);
  return {
    kind: 'system',
    ...plain(input.common, text),
    event: parseSystemText(text),
    msgType: input.msgType,
  };
}

/** Decode one AddMsgList entry. Pure; never throws. */
export function decodeMessage(raw: WireMessage, ctx: DecodeContext): Message {
  try {
    return decodeUnsafe(raw, ctx);
  } catch (error) {
    const what = safeCall(() => (error instanceof Error ? error.name : typeof error)) ?? 'error';
    return unknownMessage(`decode failed: ${what}`, {});
  }
}

/**
 * Decoders for the non-app kinds (§9.5): image, voice, video, emoticon, card, friend request, location,
 * revoke, status notify, VoIP. Each is pure and total: missing or malformed parts become '' / 0.
 */

import type { MediaRef, MessageBase } from './message-base.js';
import { wireNameToPlain, wireTextToPlain } from './message-text.js';
import type {
  CardInfo,
  CardMessage,
  EmoticonMessage,
  FriendRequestMessage,
  ImageMessage,
  LocationInfo,
  LocationMessage,
  RevokeMessage,
  StatusNotifyMessage,
  VideoMessage,
  VoiceMessage,
  VoipMessage,
} from './message-types.js';
import {
  MAX_XML_LENGTH,
  parseWireXml,
  parseXml,
  wireXmlText,
  type XmlNode,
  xmlAttr,
  xmlChild,
  xmlFloat,
  xmlInt,
  xmlPath,
  xmlText,
} from './message-xml.js';
import { num, str } from './wire-values.js';

/** The fields every decoder receives already decided. */
export type Common = Pick<MessageBase, 'id' | 'createTime' | 'chat' | 'sender' | 'isSelf' | 'raw'>;

export interface KindInput {
  /** The wire entry, fields untrusted. */
  raw: Readonly<Record<string, unknown>>;
  /** Content without the group prefix. */
  body: string;
  msgType: number;
  common: Common;
}

/** The base of a non-text message: no mentions. */
export function plain(common: Common, text: string): Omit<MessageBase, 'kind'> {
  return { ...common, text, mentions: [], mentionsSelf: false };
}

const ATTRIBUTE = /([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g;

/** The attributes of the first `<name …` opening tag of an unparseable payload (bounded by MAX_XML_LENGTH). */
function salvageAttributes(body: string, name: string): XmlNode | undefined {
  if (name === '' || body.length > MAX_XML_LENGTH) return undefined;
  const xml = wireXmlText(body);
  const start = xml.search(new RegExp(`<${name}[\\s/>]`));
  if (start < 0) return undefined;
  const end = xml.indexOf('>', start);
  const tag = xml.slice(start + name.length + 1, end < 0 ? undefined : end);
  const node: Record<string, string> = {};
  for (const m of tag.matchAll(ATTRIBUTE)) if (m[1] && !(`@${m[1]}` in node)) node[`@${m[1]}`] = m[2] ?? '';
  return Object.keys(node).length > 0 ? node : undefined;
}

/** Content that is legitimately not XML: empty (store emoticons) or an opaque `@…` token (2018 capture). */
function opaque(body: string): boolean {
  const b = body.trim();
  return b === '' || /^@[0-9a-zA-Z_]+$/.test(b);
}

/**
 * The element at `path` in the Content's XML, and the fallback note when it should be there and is not
 * (spread into the decoded message).
 */
export function payload(
  body: string,
  ...path: string[]
): { node: XmlNode | undefined; note: { fallback?: string } } {
  const root = parseWireXml(body);
  const node = xmlPath(root, ...path);
  if (node || opaque(body)) return { node, note: {} };
  if (!root) {
    // Truncated or broken XML: the attributes of the element's opening tag are still worth reading.
    const salvaged = salvageAttributes(body, path[path.length - 1] ?? '');
    if (salvaged)
      return { node: salvaged, note: { fallback: 'truncated XML in Content: attributes salvaged' } };
  }
  return {
    node,
    note: { fallback: root ? `no <${path.join('><')}> in Content` : 'unparseable XML in Content' },
  };
}

function record(v: unknown): Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A media reference with the entry's own fields; `extra` fills in what the XML says. */
export function mediaRef(input: KindInput, extra: Partial<MediaRef> = {}): MediaRef {
  const { raw } = input;
  const fileSize = num(raw.FileSize);
  return {
    msgId: input.common.id,
    mediaId: str(raw.MediaId),
    fileName: wireNameToPlain(str(raw.FileName)),
    encryFileName: str(raw.EncryFileName),
    md5: '',
    attachId: '',
    aesKey: '',
    ...extra,
    fileSize: fileSize > 0 ? fileSize : (extra.fileSize ?? 0),
  };
}

function size(raw: Readonly<Record<string, unknown>>, node: XmlNode | undefined, w: string, h: string) {
  const width = num(raw.ImgWidth);
  const height = num(raw.ImgHeight);
  return {
    width: width > 0 ? width : xmlInt(xmlAttr(node, w)),
    height: height > 0 ? height : xmlInt(xmlAttr(node, h)),
  };
}

export function decodeImage(input: KindInput): ImageMessage {
  const { node: img, note } = payload(input.body, 'msg', 'img');
  return {
    kind: 'image',
    ...plain(input.common, ''),
    ...note,
    media: mediaRef(input, {
      md5: xmlAttr(img, 'md5'),
      fileSize: xmlInt(xmlAttr(img, 'length')),
      aesKey: xmlAttr(img, 'aeskey'),
    }),
    ...size(input.raw, img, 'cdnthumbwidth', 'cdnthumbheight'),
    cdnThumbUrl: xmlAttr(img, 'cdnthumburl'),
    cdnMidImgUrl: xmlAttr(img, 'cdnmidimgurl'),
  };
}

export function decodeVoice(input: KindInput): VoiceMessage {
  const { node: voice, note } = payload(input.body, 'msg', 'voicemsg');
  const length = num(input.raw.VoiceLength);
  return {
    kind: 'voice',
    ...plain(input.common, ''),
    ...note,
    media: mediaRef(input, { fileSize: xmlInt(xmlAttr(voice, 'length')) }),
    voiceLength: length > 0 ? length : xmlInt(xmlAttr(voice, 'voicelength')),
  };
}

export function decodeVideo(input: KindInput, short: boolean): VideoMessage {
  const { node: video, note } = payload(input.body, 'msg', 'videomsg');
  const play = num(input.raw.PlayLength);
  return {
    kind: 'video',
    ...plain(input.common, ''),
    ...note,
    media: mediaRef(input, {
      md5: xmlAttr(video, 'md5'),
      fileSize: xmlInt(xmlAttr(video, 'length')),
      aesKey: xmlAttr(video, 'aeskey'),
    }),
    playLength: play > 0 ? play : xmlInt(xmlAttr(video, 'playlength')),
    ...size(input.raw, video, 'cdnthumbwidth', 'cdnthumbheight'),
    short,
    micro: short,
    cdnVideoUrl: xmlAttr(video, 'cdnvideourl'),
    cdnThumbUrl: xmlAttr(video, 'cdnthumburl'),
  };
}

export function decodeEmoticon(input: KindInput): EmoticonMessage {
  const { node: emoji, note } = payload(input.body, 'msg', 'emoji');
  const md5 = xmlAttr(emoji, 'md5');
  return {
    kind: 'emoticon',
    ...plain(input.common, ''),
    ...note,
    media: mediaRef(input, {
      md5,
      fileSize: xmlInt(xmlAttr(emoji, 'len')),
      aesKey: xmlAttr(emoji, 'aeskey'),
    }),
    emoticonMd5: md5,
    cdnUrl: xmlAttr(emoji, 'cdnurl'),
    ...size(input.raw, emoji, 'width', 'height'),
    isStore: num(input.raw.HasProductId) === 1,
    productId: xmlAttr(emoji, 'productid'),
  };
}

/** RecommendInfo field, else the XML attribute (plain text either way). */
function pick(
  info: Readonly<Record<string, unknown>>,
  field: string,
  node: XmlNode | undefined,
  attr: string,
) {
  const fromInfo = wireNameToPlain(str(info[field]));
  return fromInfo !== '' ? fromInfo : xmlAttr(node, attr);
}

function cardInfo(
  raw: Readonly<Record<string, unknown>>,
  node: XmlNode | undefined,
  idAttr: string,
): CardInfo {
  const info = record(raw.RecommendInfo);
  const id = xmlAttr(node, idAttr);
  const sex = num(info.Sex);
  const scene = num(info.Scene);
  return {
    userName: str(info.UserName),
    id,
    nickName: pick(info, 'NickName', node, idAttr === 'username' ? 'nickname' : 'fromnickname'),
    alias: pick(info, 'Alias', node, 'alias'),
    province: pick(info, 'Province', node, 'province'),
    city: pick(info, 'City', node, 'city'),
    sex: sex > 0 ? sex : xmlInt(xmlAttr(node, 'sex')),
    signature: pick(info, 'Signature', node, 'sign'),
    scene: scene > 0 ? scene : xmlInt(xmlAttr(node, 'scene')),
    headImgUrl: xmlAttr(node, 'bigheadimgurl') || xmlAttr(node, 'smallheadimgurl'),
    isOfficial: id.startsWith('gh_') || xmlInt(xmlAttr(node, 'certflag')) !== 0,
  };
}

export function decodeCard(input: KindInput): CardMessage {
  const { node, note } = payload(input.body, 'msg');
  const card = cardInfo(input.raw, node, 'username');
  return { kind: 'card', ...plain(input.common, card.nickName), ...note, card };
}

export function decodeFriendRequest(input: KindInput): FriendRequestMessage {
  const { node, note } = payload(input.body, 'msg');
  const info = record(input.raw.RecommendInfo);
  const contact = cardInfo(input.raw, node, 'fromusername');
  const greeting = pick(info, 'Content', node, 'content');
  const opCode = num(info.OpCode);
  return {
    kind: 'friend-request',
    ...plain(input.common, greeting),
    ...note,
    contact,
    greeting,
    ticket: str(info.Ticket) || xmlAttr(node, 'ticket'),
    opCode: opCode > 0 ? opCode : xmlInt(xmlAttr(node, 'opcode')),
    encryptUserName: xmlAttr(node, 'encryptusername'),
    roomId: xmlAttr(node, 'chatroomusername'),
  };
}

const COORD = /coord=(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/;
const IMAGE_PATH = '/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?';

/** `<label>:<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?…` (some relays drop the `<br/>`). Linear. */
function splitLocationBody(body: string): { label: string; imageUrl: string } | undefined {
  const at = body.lastIndexOf(IMAGE_PATH);
  if (at < 1) return undefined;
  let before = body.slice(0, at);
  if (before.endsWith('<br/>')) before = before.slice(0, -5);
  else if (before.endsWith('\n')) before = before.slice(0, -1);
  if (!before.endsWith(':')) return undefined;
  return { label: before.slice(0, -1), imageUrl: body.slice(at).split(/\s/, 1)[0] ?? '' };
}

/** Location: the type-1 map-link form (SubMsgType 48) or MsgType 48 with the location XML. */
export function decodeLocation(input: KindInput): LocationMessage {
  const { raw, body } = input;
  const oriContent = str(raw.OriContent);
  const loc =
    xmlPath(parseXml(oriContent), 'msg', 'location') ?? xmlPath(parseWireXml(body), 'msg', 'location');
  const mapUrl = str(raw.Url);
  const coord = COORD.exec(mapUrl);
  let label = xmlAttr(loc, 'label');
  let imageUrl = '';
  const image = splitLocationBody(body);
  if (image) {
    imageUrl = image.imageUrl;
    if (label === '') label = wireTextToPlain(image.label);
  }
  const x = xmlAttr(loc, 'x');
  const y = xmlAttr(loc, 'y');
  const location: LocationInfo = {
    label,
    poiName: xmlAttr(loc, 'poiname'),
    latitude: x !== '' ? xmlFloat(x) : xmlFloat(coord?.[1] ?? ''),
    longitude: y !== '' ? xmlFloat(y) : xmlFloat(coord?.[2] ?? ''),
    scale: xmlInt(xmlAttr(loc, 'scale')),
    mapUrl,
    imageUrl: wireTextToPlain(imageUrl),
  };
  return { kind: 'location', ...plain(input.common, label), location };
}

/** A `<sysmsg type="revokemsg">` root → the revoke, or undefined when it is not one. */
export function decodeRevoke(input: KindInput, root?: XmlNode): RevokeMessage | undefined {
  const revoke = xmlPath(root ?? parseWireXml(input.body), 'sysmsg', 'revokemsg');
  if (!revoke) return undefined;
  const replaceText = xmlText(revoke, 'replacemsg');
  return {
    kind: 'revoke',
    ...plain(input.common, replaceText),
    revokedId: xmlText(revoke, 'msgid') || xmlText(revoke, 'newmsgid'),
    replaceText,
    session: xmlText(revoke, 'session'),
  };
}

export function decodeStatusNotify(input: KindInput): StatusNotifyMessage {
  const op = xmlPath(parseWireXml(input.body), 'msg', 'op');
  const split = (s: string) =>
    s
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
  return {
    kind: 'status-notify',
    ...plain(input.common, ''),
    code: num(input.raw.StatusNotifyCode),
    userNames: split(str(input.raw.StatusNotifyUserName)),
    ids: split(xmlText(op, 'username')),
  };
}

/** VoIP (50 message, 52 notify, 53 invite): invitetype / room_type 0 is video, 1 audio. */
export function decodeVoip(input: KindInput): VoipMessage {
  const root = parseWireXml(input.body);
  const invite = xmlChild(root, 'voipinvitemsg');
  const bubble = xmlPath(root, 'voipmsg', 'VoIPBubbleMsg');
  const typeText = invite ? xmlText(invite, 'invitetype') : xmlText(bubble, 'room_type');
  const callType = typeText === '0' ? 'video' : typeText === '1' ? 'audio' : 'unknown';
  const text = xmlText(bubble, 'msg');
  return { kind: 'voip', ...plain(input.common, text), msgType: input.msgType, callType };
}

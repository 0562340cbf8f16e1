/**
 * The Message model's types: a discriminated union on `kind`, one interface per kind (PROTOCOL.md §9).
 * Every field is always present (empty string / 0 / false when the wire did not carry it), so consumers
 * never need optional chaining on a decoded message; only `fallback` is absent when all went well.
 */
import type { MediaRef, MessageBase } from './message-base.js';

/** A text message (MsgType 1): its content is `text`. */
export interface TextMessage extends MessageBase {
  kind: 'text';
}

/** An image (MsgType 3); the picture itself is downloaded through `media`. */
export interface ImageMessage extends MessageBase {
  kind: 'image';
  media: MediaRef;
  /** Thumbnail size (ImgWidth/ImgHeight, else the XML's cdnthumbwidth/height). */
  width: number;
  height: number;
  /** CDN references from the image XML ('' when the Content is the opaque `@…` form). */
  cdnThumbUrl: string;
  cdnMidImgUrl: string;
}

/** A voice message (MsgType 34). */
export interface VoiceMessage extends MessageBase {
  kind: 'voice';
  media: MediaRef;
  /** Duration in ms (VoiceLength, else the XML's voicelength). */
  voiceLength: number;
}

/** A video (MsgType 43) or a short video (MsgType 62). */
export interface VideoMessage extends MessageBase {
  kind: 'video';
  media: MediaRef;
  /** Duration in seconds (PlayLength, else the XML's playlength). */
  playLength: number;
  /** Thumbnail size. */
  width: number;
  height: number;
  /** A short (micro) video: MsgType 62 rather than 43. */
  short: boolean;
  /** The same as `short`. */
  micro: boolean;
  cdnVideoUrl: string;
  cdnThumbUrl: string;
}

/** A sticker (MsgType 47). */
export interface EmoticonMessage extends MessageBase {
  kind: 'emoticon';
  media: MediaRef;
  /** The emoji XML's md5 (what webwxsendemoticon's EMoticonMd5 takes). */
  emoticonMd5: string;
  /** The emoji XML's cdnurl ('' for store emoticons without XML). */
  cdnUrl: string;
  width: number;
  height: number;
  /** A store emoticon (HasProductId 1): cannot be re-sent. */
  isStore: boolean;
  productId: string;
}

/** A business card (42) or the person behind a friend request (37). */
export interface CardInfo {
  /** The session UserName (`@…`) from RecommendInfo, '' when absent. */
  userName: string;
  /** The XML's `username`: a wxid, a `gh_…` id or an opaque `v1_…@stranger`. */
  id: string;
  nickName: string;
  alias: string;
  province: string;
  city: string;
  /** 0 unknown, 1 male, 2 female. */
  sex: number;
  signature: string;
  /** 17 card, 14 via group, 30 QR, 6 search… */
  scene: number;
  /** bigheadimgurl, else smallheadimgurl. */
  headImgUrl: string;
  /** An official account (certflag ≠ 0 or a `gh_` id). */
  isOfficial: boolean;
}

/** A business card (MsgType 42): a contact shared by the sender. */
export interface CardMessage extends MessageBase {
  kind: 'card';
  card: CardInfo;
}

/** A shared location, from the message's XML. */
export interface LocationInfo {
  /** The place's label (address), '' when absent. */
  label: string;
  /** poiname (often `[位置]`). */
  poiName: string;
  /** Degrees (`x`), NaN-free: 0 when unknown. */
  latitude: number;
  /** Degrees (`y`). */
  longitude: number;
  scale: number;
  /** The map link (Url), e.g. http://apis.map.qq.com/uri/v1/geocoder?coord=lat,lng */
  mapUrl: string;
  /** The map image path (webwxgetpubliclinkimg…) of the type-1 form, '' otherwise. */
  imageUrl: string;
}

/** A shared location (MsgType 48, or 1 with SubMsgType 48). */
export interface LocationMessage extends MessageBase {
  kind: 'location';
  location: LocationInfo;
}

/** Fields every app message (MsgType 49) has. */
export interface AppFields {
  /** AppMsgType (§9.2). */
  appMsgType: number;
  title: string;
  description: string;
  url: string;
  thumbUrl: string;
  /** appmsg `appid`. */
  appId: string;
  /** appinfo `appname` (e.g. 'QQ音乐', '微信电脑版'). */
  appName: string;
  /** sourceusername / sourcedisplayname (articles shared from an official account, mini programs). */
  sourceUserName: string;
  sourceDisplayName: string;
}

/** A group invitation carried by a link message: who invites, and to which group (names as written). */
export interface RoomInvitation {
  inviter: string;
  topic: string;
}

/** A shared link or article (MsgType 49, AppMsgType 5), possibly a group invitation. */
export interface LinkMessage extends MessageBase, AppFields {
  kind: 'link';
  /** Set when the link is a group invitation ("邀请你加入群聊" / "Group Chat Invitation"). */
  roomInvitation: RoomInvitation | undefined;
}

/** Shared music (MsgType 49, AppMsgType 3). */
export interface MusicMessage extends MessageBase, AppFields {
  kind: 'music';
  /** The stream (dataurl), '' when absent. */
  dataUrl: string;
  lowUrl: string;
  lowDataUrl: string;
}

/** A file attachment (MsgType 49, AppMsgType 6), downloaded through `media`. */
export interface FileMessage extends MessageBase, AppFields {
  kind: 'file';
  media: MediaRef;
  /** fileext, lower-case, without a dot. */
  fileExt: string;
}

/** A shared mini program (MsgType 49, AppMsgType 33 or 36). */
export interface MiniProgramMessage extends MessageBase, AppFields {
  kind: 'mini-program';
  /** weappinfo `username` (`gh_…@app`). */
  weappUserName: string;
  /** weappinfo `appid` (`wx…`). */
  weappAppId: string;
  pagePath: string;
  iconUrl: string;
}

/** Any other app message (MsgType 49), e.g. a quote/reply (AppMsgType 57). */
export interface AppMessage extends MessageBase, AppFields {
  kind: 'app';
  /** refermsg of a quote/reply (57), when present. */
  quoted: QuotedMessage | undefined;
}

/** The message a quote/reply refers to (the appmsg's `refermsg`). */
export interface QuotedMessage {
  /** svrid: the MsgId of the quoted message. */
  msgId: string;
  /** displayname of the quoted sender. */
  displayName: string;
  /** The quoted content (plain, possibly XML for non-text quotes). */
  content: string;
  msgType: number;
}

/** A red packet (MsgType 49, AppMsgType 2001; also MsgType 1 carrying AppMsgType 2001). */
export interface RedPacketMessage extends MessageBase {
  kind: 'red-packet';
  /** The greeting (receivertitle/title), e.g. '恭喜发财，大吉大利'. */
  title: string;
  description: string;
}

/** A money transfer (MsgType 49, AppMsgType 2000). */
export interface TransferMessage extends MessageBase {
  kind: 'transfer';
  /** feedesc as written, e.g. '￥0.10'. */
  amountText: string;
  /** Parsed from feedesc, in yuan; 0 when unparseable. */
  amount: number;
  /** paysubtype: 1 sent, 3 received, 4 refunded… */
  paySubType: number;
  transferId: string;
  memo: string;
  title: string;
  description: string;
}

/** A system message's meaning (§9.6). Names are display names as written in the text. */
export type SystemEvent =
  | {
      type: 'room-join';
      /** The inviter (or the owner of the QR code) as written; 'You'/'you'/'你' when it is the user. */
      inviter: string;
      inviterIsSelf: boolean;
      /** Who joined, as written ('你'/'you' when the user joined). */
      members: string[];
      /** The user is one of those who joined. */
      selfJoined: boolean;
      via: 'invite' | 'qrcode';
    }
  | {
      type: 'room-leave';
      /** Who left; in 'you-were-removed' the user's own word ('你'/'You'). */
      members: string[];
      /** The remover as written ('你'/'You' when the user removed someone). */
      remover: string;
      by: 'removed' | 'you-removed' | 'you-were-removed';
    }
  | { type: 'room-topic'; topic: string; by: string; byIsSelf: boolean }
  | { type: 'friend-confirmed'; name: string; by: 'you' | 'them' }
  | { type: 'red-packet'; direction: 'received' | 'sent' | 'collection' }
  | { type: 'transfer'; direction: 'received' | 'sent' }
  | { type: 'pat'; from: string; patted: string; template: string }
  | { type: 'other' };

/** The `type` of a {@link SystemEvent}, e.g. 'room-join'. */
export type SystemEventType = SystemEvent['type'];

/** A system notice (MsgType 10000 or 9999), with its meaning decoded into `event`. */
export interface SystemMessage extends MessageBase {
  kind: 'system';
  event: SystemEvent;
  /** MsgType as received (10000, or 9999). */
  msgType: number;
}

/** A message was revoked (MsgType 10002, or a revokemsg sysmsg in 10000). */
export interface RevokeMessage extends MessageBase {
  kind: 'revoke';
  /** MsgId of the revoked message ('0' means "my last message" on the official page). */
  revokedId: string;
  /** The replacement text, e.g. '"张三" 撤回了一条消息'. */
  replaceText: string;
  /** The chat as a permanent id (`wxid_…` or `…@chatroom`), '' when absent. */
  session: string;
}

/** Someone asks to be added as a friend (MsgType 37, from `fmessage`). */
export interface FriendRequestMessage extends MessageBase {
  kind: 'friend-request';
  /** Who asks; `userName` is what webwxverifyuser takes. */
  contact: CardInfo;
  /** The greeting they wrote. */
  greeting: string;
  /** What webwxverifyuser needs (VerifyUserTicket). */
  ticket: string;
  /** RecommendInfo.OpCode (2 = asks to be added). */
  opCode: number;
  /** encryptusername (`v1_…@stranger`). */
  encryptUserName: string;
  /** chatroomusername when the request comes via a group, else ''. */
  roomId: string;
}

/** A status notification (MsgType 51): a chat entered, left or read, or the chat list synced (`code`). */
export interface StatusNotifyMessage extends MessageBase {
  kind: 'status-notify';
  /** StatusNotifyCode: 4 SYNC_CONV, 2 entered chat, 1 read, 5 left chat. */
  code: number;
  /** StatusNotifyUserName split on commas. */
  userNames: string[];
  /** Permanent ids of code 4's `<username>` list, in the same order as userNames. */
  ids: string[];
}

/** A voice or video call notice (MsgType 50, 52 or 53); `text` is the call bubble. */
export interface VoipMessage extends MessageBase {
  kind: 'voip';
  /** 50 message, 52 notify (call ended), 53 invite. */
  msgType: number;
  /** 'video' or 'audio' when the content says, else 'unknown'. */
  callType: 'video' | 'audio' | 'unknown';
}

/** A message of a type webwx does not decode; `reason` says why and `raw` holds the entry. */
export interface UnknownMessage extends MessageBase {
  kind: 'unknown';
  /** Why it was not decoded, e.g. 'unsupported MsgType 12' or 'content too large'. */
  reason: string;
  /** The MsgType as received (0 when missing). */
  msgType: number;
}

/**
 * A decoded message: a union discriminated by `kind` (see {@link MessageKind}). Every field is present
 * whatever the wire carried ('' / 0 / false when absent), so no optional chaining is needed.
 */
export type Message =
  | TextMessage
  | ImageMessage
  | VoiceMessage
  | VideoMessage
  | EmoticonMessage
  | CardMessage
  | LocationMessage
  | LinkMessage
  | MusicMessage
  | FileMessage
  | MiniProgramMessage
  | AppMessage
  | RedPacketMessage
  | TransferMessage
  | SystemMessage
  | RevokeMessage
  | FriendRequestMessage
  | StatusNotifyMessage
  | VoipMessage
  | UnknownMessage;

/** The `kind` of a {@link Message}, e.g. 'text', 'image' or 'system'. */
export type MessageKind = Message['kind'];

/** The message of a given kind: `MessageOf<'image'>` is ImageMessage. */
export type MessageOf<K extends MessageKind> = Extract<Message, { kind: K }>;

/** Kinds that carry a `media` reference. */
export type MediaMessage = ImageMessage | VoiceMessage | VideoMessage | EmoticonMessage | FileMessage;

/**
 * What `decodeMessage` needs to know about the session: the user's own UserName and, optionally, how to
 * name people (the client fills these from its contact directory).
 */
export interface DecodeContext {
  /** `User.UserName` from webwxinit. */
  selfUserName: string;
  /** The name to show for a user, in a group when `roomUserName` is given. */
  displayNameOf?(userName: string, roomUserName?: string): string | undefined;
  /** The user's own names (group display name, nickname) that others @-mention. */
  selfDisplayNames?(roomUserName?: string): string[];
}

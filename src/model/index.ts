export { APP_MSG_TYPE, parseAmount } from './app-message.js';
export type { Contact, ContactKind, ContactPinyin } from './contact-decoder.js';
export {
  CONTACT_FLAG,
  classifyUserName,
  contactDisplayName,
  isRoomUserName,
  isSpecialUserName,
  SPECIAL_USERNAMES,
  selfToContact,
  toContact,
  VERIFY_FLAG_OFFICIAL,
} from './contact-decoder.js';
export { MENTION_SEPARATOR, mentionText } from './mention-text.js';
export type { ChatRef, MediaRef, MessageBase, SenderRef } from './message-base.js';
export { decodeMessage, MAX_CONTENT_LENGTH, MSG_TYPE, SUB_MSG_TYPE_LOCATION } from './message-decoder.js';
export {
  decodeEmojiSpans,
  extractMentions,
  splitRoomPrefix,
  unescapeHtml,
  wireNameToPlain,
  wireTextToPlain,
} from './message-text.js';
export type {
  AppFields,
  AppMessage,
  CardInfo,
  CardMessage,
  DecodeContext,
  EmoticonMessage,
  FileMessage,
  FriendRequestMessage,
  ImageMessage,
  LinkMessage,
  LocationInfo,
  LocationMessage,
  MediaMessage,
  Message,
  MessageKind,
  MessageOf,
  MiniProgramMessage,
  MusicMessage,
  QuotedMessage,
  RedPacketMessage,
  RevokeMessage,
  RoomInvitation,
  StatusNotifyMessage,
  SystemEvent,
  SystemEventType,
  SystemMessage,
  TextMessage,
  TransferMessage,
  UnknownMessage,
  VideoMessage,
  VoiceMessage,
  VoipMessage,
} from './message-types.js';
export { MAX_XML_LENGTH, parseWireXml, parseXml, wireXmlText, type XmlNode } from './message-xml.js';
export type { Room, RoomMember } from './room.js';
export { memberDisplayName, strangerFromMember, toRoom, toRoomMember } from './room.js';
export { decodeSysmsg, parseSystemText } from './system-message.js';

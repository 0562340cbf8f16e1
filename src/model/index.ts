export type { Contact, ContactKind, ContactPinyin } from './contact.js';
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
} from './contact.js';
export type {
  ChatRef,
  DecodeContext,
  Message,
  MessageBase,
  MessageKind,
  SenderRef,
  TextMessage,
  UnknownMessage,
} from './message.js';
export { decodeMessage, MAX_CONTENT_LENGTH, MSG_TYPE, SUB_MSG_TYPE_LOCATION } from './message.js';
export {
  decodeEmojiSpans,
  extractMentions,
  splitRoomPrefix,
  unescapeHtml,
  wireNameToPlain,
  wireTextToPlain,
} from './message-text.js';
export type { Room, RoomMember } from './room.js';
export { memberDisplayName, toRoom, toRoomMember } from './room.js';

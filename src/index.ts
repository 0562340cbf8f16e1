/**
 * webwx: a Web WeChat client library. The package root exports the client, its types and errors,
 * the logger interface, the domain model and the wire types. The protocol builders and the emulator
 * have their own entry points ('webwx/protocol', 'webwx/emulator').
 */
export type {
  AvatarOptions,
  ClientEvents,
  ClientOptions,
  ClientState,
  ContactDirectory,
  ContactsEvent,
  DownloadOptions,
  DownloadResult,
  DownloadStreamResult,
  LogoutEvent,
  MediaInput,
  QrEvent,
  RevokeTarget,
  SendMediaOptions,
  SendTextResult,
  SentKind,
  SentMessage,
  WebWxClient,
} from './client/index.js';
export { createClient } from './client/index.js';
export type { LogoutReason, WebWxErrorCode } from './errors.js';
export {
  LoggedOutError,
  LoginRefusedError,
  logoutReasonFor,
  ParseError,
  ProtocolError,
  TransportError,
  WebWxError,
} from './errors.js';
export type { LogFn, Logger } from './logger.js';
export { silentLogger } from './logger.js';
export type {
  AppFields,
  AppMessage,
  CardInfo,
  CardMessage,
  ChatRef,
  Contact,
  ContactKind,
  DecodeContext,
  EmoticonMessage,
  FileMessage,
  FriendRequestMessage,
  ImageMessage,
  LinkMessage,
  LocationInfo,
  LocationMessage,
  MediaMessage,
  MediaRef,
  Message,
  MessageBase,
  MessageKind,
  MessageOf,
  MiniProgramMessage,
  MusicMessage,
  QuotedMessage,
  RedPacketMessage,
  RevokeMessage,
  Room,
  RoomInvitation,
  RoomMember,
  SenderRef,
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
} from './model/index.js';
export { decodeMessage } from './model/index.js';
export type { Credentials, Hosts } from './protocol/session-context.js';
export type * from './protocol/wire-types.js';
export type { RetryPolicy } from './transport/index.js';
export type {
  ContactCache,
  HistoryQuery,
  MessageDirection,
  MessageStore,
  NewStoredMessage,
  OutgoingStatus,
  RecordStore,
  SavedSession,
  SessionStore,
  StoredMessage,
  StoreErrorKind,
  SqliteStoreOptions,
} from './store/index.js';
export {
  FileSessionStore,
  MemoryStore,
  SAVED_SESSION_VERSION,
  SqliteStore,
  StoreError,
} from './store/index.js';

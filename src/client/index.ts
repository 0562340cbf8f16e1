export type { WebApp } from '../protocol/session-context.js';
export { createClient } from './client.js';
export type {
  ClientEvents,
  ClientState,
  ContactsEvent,
  LoginStep,
  LoginStepEvent,
  LogoutEvent,
  QrEvent,
  ReloginEvent,
  SendTextResult,
  WebWxClient,
} from './client-types.js';
export type { ContactDirectory } from './contacts/contact-directory.js';
export type {
  ContactChange,
  ContactRemoved,
  ContactService,
  FindOptions,
  FriendRequestInput,
  RoomAddResult,
  RoomChange,
  RoomMemberView,
  RoomService,
} from './contacts/contact-service-types.js';
export type {
  StableIdCollision,
  StableIdRecord,
  StableIdSource,
  StableIdStore,
} from './contacts/stable-id-types.js';
export { MemoryStableIdStore, StableIdCollisionError } from './contacts/stable-ids.js';
export type {
  AvatarOptions,
  DownloadOptions,
  DownloadResult,
  DownloadStreamResult,
  MediaInput,
  RevokeTarget,
  SendMediaOptions,
  SentKind,
  SentMessage,
} from './media/media-api-types.js';
export type { MediaErrorReason } from './media/media-errors.js';
export { MediaError } from './media/media-errors.js';
export type { ClientOptions } from './options.js';
export { DEFAULT_PACING } from './options.js';
export type { ResolvedPacing } from './send/pacing.js';
export { SEND_POLICY, type SendAction, type SendPolicyRow } from './send/send-policy.js';
export type {
  LinkCard,
  MiniProgramCard,
  MusicCard,
  Outbox,
  OutboxStats,
  PacingOptions,
  SendOptions,
  SendTextOptions,
} from './send/send-types.js';
export { DEFAULT_RATE_LIMIT } from './store-options.js';
export type {
  MessageEvents,
  RevokeEvent,
  RoomJoinEvent,
  RoomLeaveEvent,
  RoomTopicEvent,
} from './sync/message-events.js';

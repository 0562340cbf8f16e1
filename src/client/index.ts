export { createClient } from './client.js';
export type { ContactDirectory } from './contact-directory.js';
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
} from './media-types.js';
export type { ClientOptions } from './options.js';
export type {
  ClientEvents,
  ClientState,
  ContactsEvent,
  LogoutEvent,
  QrEvent,
  SendTextResult,
  WebWxClient,
} from './types.js';

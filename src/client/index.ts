export { createClient } from './client.js';
export type { ContactDirectory } from './contact-directory.js';
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

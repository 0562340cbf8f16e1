/**
 * The public shape of a client: its states, its events and the WebWxClient interface.
 */
import type { LoggedOutError, LogoutReason, WebWxError } from '../errors.js';
import type { Contact, Message } from '../model/index.js';
import type { ContactDirectory } from './contact-directory.js';

export type ClientState =
  | 'idle'
  | 'waiting-for-scan'
  | 'scanned'
  | 'logging-in'
  | 'loading'
  | 'ready'
  | 'logged-out'
  | 'stopped';

export interface QrEvent {
  uuid: string;
  /** The content of the QR code (https://login.weixin.qq.com/l/<uuid>). */
  url: string;
  /** Where the server serves the QR image (JPEG). */
  imageUrl: string;
  /** The QR code drawn for a terminal (qrcode's `toString({ type: 'terminal', small: true })`). */
  terminal: string;
}

export interface ContactsEvent {
  contacts: number;
  rooms: number;
  /** The members of every room, summed. */
  members: number;
}

export interface LogoutEvent {
  reason: LogoutReason;
  /** Present when the server ended the session. */
  error?: LoggedOutError;
}

export interface ClientEvents {
  state: ClientState;
  qr: QrEvent;
  scanned: { avatar?: string };
  login: { self: Contact };
  contacts: ContactsEvent;
  ready: { self: Contact };
  message: Message;
  logout: LogoutEvent;
  /** A failure the client recovered from (the sync loop goes on). Fatal ones reject start() or end in 'logout'. */
  error: WebWxError;
}

export interface SendTextResult {
  /** The server's MsgID (needed to revoke). */
  msgId: string;
  /** The LocalID/ClientMsgId the client generated. */
  localId: string;
}

export interface WebWxClient {
  readonly state: ClientState;
  readonly self: Contact | undefined;
  readonly contacts: ContactDirectory;
  /** Subscribe; returns the function that unsubscribes. */
  on<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): () => void;
  /** The next payload of `event`. */
  once<K extends keyof ClientEvents>(event: K): Promise<ClientEvents[K]>;
  /**
   * QR login, then init, status notify, every contact page and every room's members; resolves in
   * state 'ready' and keeps the sync loop running in the background. Rejects with LoginRefusedError,
   * LoggedOutError, TransportError… (the client is then 'stopped'), or with an AbortError after stop().
   */
  start(): Promise<void>;
  /** Sends a text to a UserName. ProtocolError on Ret ≠ 0; LoggedOutError when the session is over. */
  sendText(to: string, text: string): Promise<SendTextResult>;
  /** webwxlogout, then state 'logged-out' with reason 'logout-called'. */
  logout(): Promise<void>;
  /** Aborts everything: no timer, socket or listener is left behind. */
  stop(): Promise<void>;
}

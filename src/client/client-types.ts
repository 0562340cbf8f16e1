/**
 * The public shape of a client: its states, its events and the WebWxClient interface.
 */
import type { LoggedOutError, LogoutReason, WebWxError } from '../errors.js';
import type { Contact, Message } from '../model/index.js';
import type { WebApp } from '../protocol/session-context.js';
import type { SessionStore } from '../store/index.js';
import type {
  ContactChange,
  ContactRemoved,
  ContactService,
  RoomChange,
  RoomService,
} from './contacts/contact-service-types.js';
import type { StableIdCollision } from './contacts/stable-id-types.js';
import type {
  AvatarOptions,
  DownloadOptions,
  DownloadResult,
  DownloadStreamResult,
  MediaInput,
  RevokeTarget,
  SendMediaOptions,
  SentMessage,
} from './media/media-api-types.js';
import type {
  LinkCard,
  MiniProgramCard,
  MusicCard,
  Outbox,
  SendOptions,
  SendTextOptions,
} from './send/send-types.js';
import type { MessageEvents } from './sync/message-events.js';

/**
 * Where a client is in its life: 'idle' before start(); 'waiting-for-scan', 'scanned' and
 * 'logging-in' during the login; 'loading' the contacts; 'ready'; 'logged-out' once the session ended;
 * 'stopped' after stop() or a failed start. Every change is a 'state' event.
 */
export type ClientState =
  | 'idle'
  | 'waiting-for-scan'
  | 'scanned'
  | 'logging-in'
  | 'loading'
  | 'ready'
  | 'logged-out'
  | 'stopped';

/** The payload of the 'qr' event: a QR code to scan with the phone, in three forms. */
export interface QrEvent {
  /** The login uuid the QR code stands for. */
  uuid: string;
  /** The content of the QR code (https://login.weixin.qq.com/l/<uuid>). */
  url: string;
  /** Where the server serves the QR image (JPEG). */
  imageUrl: string;
  /** The QR code drawn for a terminal (qrcode's `toString({ type: 'terminal', small: true })`). */
  terminal: string;
}

/** The payload of the 'contacts' event: how much the initial load brought. */
export interface ContactsEvent {
  /** Contacts loaded. */
  contacts: number;
  /** Rooms loaded. */
  rooms: number;
  /** The members of every room, summed. */
  members: number;
}

/** How a start (or an automatic re-login) logs in, in order (docs/sessions.md). */
export type LoginStep = 'resume' | 'push' | 'qr';

/** The payload of the 'login-step' event: a way of logging in is tried, succeeded or failed. */
export interface LoginStepEvent {
  /** Which way: resume the saved session, push login, or a QR code. */
  step: LoginStep;
  /** How it went. */
  outcome: 'trying' | 'succeeded' | 'failed';
  /** Why a step failed (redacted). */
  reason?: string;
}

/** autoRelogin: the server ended the session and the client is logging in again. */
export interface ReloginEvent {
  /** Why the previous session ended. */
  reason: LogoutReason;
  /** The number of this attempt, from 1. */
  attempt: number;
}

/** The payload of the 'logout' event: the session is over, and why. */
export interface LogoutEvent {
  /** Why the session ended. */
  reason: LogoutReason;
  /** Present when the server ended the session. */
  error?: LoggedOutError;
}

/** Every event of a client, by name, with its payload: what {@link WebWxClient.on} listens to. */
export interface ClientEvents extends MessageEvents {
  /** The client's state changed. */
  state: ClientState;
  /** A QR code to scan (again after one expired). */
  qr: QrEvent;
  /** The QR code was scanned; `avatar` is the user's avatar (a data URI) when the server sent it. */
  scanned: { avatar?: string };
  /** Logged in: the user is known, the contacts are not loaded yet. */
  login: { self: Contact };
  /**
   * The contact list from the server is loaded: before 'ready' after a QR or push login, after it on a
   * resume that started from the store's contact cache (docs/sessions.md "Hot reload").
   */
  contacts: ContactsEvent;
  /** Messages flow; the contacts are loaded, or on a resume taken from the contact cache meanwhile. */
  ready: { self: Contact };
  /** A message arrived (or was sent from another device): every message, decoded. */
  message: Message;
  /** A contact appeared (ModContactList, batchgetcontact, an accepted friend request). */
  'contact-added': ContactChange;
  /** A known contact changed (remark, pin, nickname, …). */
  'contact-updated': ContactChange;
  /** A contact or room left the address book (DelContactList). */
  'contact-removed': ContactRemoved;
  /** A room appeared or changed: members joined or left, topic renamed (ModContactList, ModChatRoomMemberList, room operations). */
  'room-updated': RoomChange;
  /** Contacts of this session claim the same stable id; none of them gets it (docs/contacts.md). */
  'stable-id-collision': StableIdCollision;
  /** The session is over (the server ended it, or logout() was called). */
  logout: LogoutEvent;
  /** A login step (resume, push, qr) is tried, succeeded or failed (docs/sessions.md). */
  'login-step': LoginStepEvent;
  /** autoRelogin: logging in again after the server ended the session. */
  relogin: ReloginEvent;
  /** An outgoing message was rate limited (Ret 1205) and will be retried with the same ClientMsgId. */
  'send-retry': { clientMsgId: string; attempt: number; delayMs: number; ret?: number };
  /** A webwxsync round trip finished (`ms`: request to parsed reply); what a host's latency histogram counts. */
  'sync-round': { ms: number };
  /**
   * The sync watchdog found the loop quiet (no synccheck or webwxsync answer) for `quietMs`, past the
   * long poll's bounds: it dropped the request it waited for and polls again at once (docs/host.md).
   */
  'sync-stalled': { quietMs: number };
  /**
   * A failure the client recovered from (the sync loop goes on): a failed sync round, a malformed
   * entry of a webwxsync reply that was skipped (ParseError), a listener that threw or rejected
   * (ListenerError). Fatal ones reject start() or end in 'logout'. A throwing 'error' listener is
   * only logged.
   */
  error: WebWxError;
}

/** What sendText() resolves to: enough to revoke the message. */
export interface SendTextResult {
  /** The server's MsgID (needed to revoke). */
  msgId: string;
  /** The LocalID/ClientMsgId the client generated. */
  localId: string;
  /** The UserName it went to (with msgId and localId: what revoke() takes). */
  toUserName: string;
  /** The text as sent: with `mentions`, the U+2005 form (the client always sets it). */
  text?: string;
}

/**
 * A Web WeChat client, made by {@link createClient}: logs in, keeps the session in sync and emits
 * typed events ({@link ClientEvents}), sends and downloads messages and media, and manages contacts
 * and rooms.
 */
export interface WebWxClient {
  /** The web app this client logs in to: 'web' or 'filehelper' (the File Transfer web, docs/filehelper.md). */
  readonly app: WebApp;
  /** Where the client is in its life. */
  readonly state: ClientState;
  /** The logged-in user, once logged in. */
  readonly self: Contact | undefined;
  /**
   * The store given as `ClientOptions.store` (docs/sessions.md), or undefined. A Bot made on this
   * client takes it, so that it acknowledges a message only after its handler (docs/bot.md).
   */
  readonly store: SessionStore | undefined;
  /** Lookup (get, room, list, rooms, find, members, stable ids) and contact operations (docs/contacts.md). */
  readonly contacts: ContactService;
  /** Group operations: create, add, remove, rename, quit, members. */
  readonly rooms: RoomService;
  /**
   * The outbox every send goes through (docs/sessions.md "The outbox"): `logged(causedBy)` resolves
   * once the sends made with that `causedBy` are in the message log; `idle()`; `stats()`.
   */
  readonly outbox: Outbox;
  /** Subscribe; returns the function that unsubscribes. */
  on<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): () => void;
  /** The next payload of `event`. */
  once<K extends keyof ClientEvents>(event: K): Promise<ClientEvents[K]>;
  /**
   * QR login, then init, status notify, every contact page and every room's members; resolves in
   * state 'ready' and keeps the sync loop running in the background. A resume with the store's
   * contact cache resolves right after init, the contacts refreshing in the background
   * (`contacts.loaded()`; docs/sessions.md "Hot reload"). Rejects with LoginRefusedError,
   * LoggedOutError, TransportError… (the client is then 'stopped'), or with an AbortError after stop().
   */
  start(): Promise<void>;
  /**
   * Sends a text to a UserName through the outbox (in call order per chat, paced, logged, retried
   * under the send policy). Resolves once the server accepted it. ProtocolError on a final Ret;
   * LoggedOutError when the session is over; ClientStoppedError after stop(); RecipientGoneError when
   * a new login no longer has the recipient. `mentions` @-mentions room members (docs/messages.md).
   */
  sendText(to: string, text: string, options?: SendTextOptions): Promise<SendTextResult>;
  /** Uploads (chunked, streamed) and sends an image; a .gif goes as an emoticon (docs/media.md). */
  sendImage(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SentMessage>;
  /** Uploads and sends a file (appmsg type 6); .mp4 goes as a video, .gif as an emoticon. */
  sendFile(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SentMessage>;
  /**
   * Sends a link card (appmsg type 5 by webwxsendappmsg: title, description, URL, picture) through
   * the outbox (docs/messages.md "Sending: link cards"). InvalidArgumentError on a missing title or a URL that is
   * not http(s); NotAvailableError in a File Transfer session.
   */
  sendLink(to: string, link: LinkCard, options?: SendOptions): Promise<SentMessage>;
  /**
   * Sends a music card (appmsg type 3: title, description, page URL, stream URL, cover) through the
   * outbox (docs/messages.md "Sending: music"). InvalidArgumentError on a missing title or a URL that is not
   * http(s); NotAvailableError in a File Transfer session.
   */
  sendMusic(to: string, music: MusicCard, options?: SendOptions): Promise<SentMessage>;
  /**
   * Sends a mini program (appmsg type 33 by its app id and/or `gh_…@app` account, page path, icon)
   * through the outbox (docs/messages.md "Sending: mini programs"; whether the real server relays it
   * from the web is unverified). InvalidArgumentError on a missing title or name; NotAvailableError in a File
   * Transfer session.
   */
  sendMiniProgram(to: string, program: MiniProgramCard, options?: SendOptions): Promise<SentMessage>;
  /**
   * Shares a contact as a card (MsgType 42 by webwxsendmsg) through the outbox; `contact` is a
   * Contact, or a UserName or stable id of this session (docs/messages.md "Sending: contact cards").
   * Resolves with kind 'card'. InvalidArgumentError for a group or an unknown name; NotAvailableError in a File
   * Transfer session.
   */
  sendContactCard(to: string, contact: Contact | string, options?: SendOptions): Promise<SentMessage>;
  /** Uploads and sends a video (webwxsendvideomsg). */
  sendVideo(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SentMessage>;
  /** Uploads and sends an animated emoticon (webwxsendemoticon, EmojiFlag 2). */
  sendEmoticon(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SentMessage>;
  /** Forwards a received or sent message (text or media) with Scene 2, reusing its MediaId. */
  forward(message: Message, to: string, options?: SendOptions): Promise<SentMessage>;
  /** webwxrevokemsg with SvrMsgId and ClientMsgId (within two minutes of sending). */
  revoke(sent: RevokeTarget, options?: SendOptions): Promise<void>;
  /** Streams a message's media (image, voice, video, file, emoticon) into a directory, under a safe name. */
  download(message: Message, options?: DownloadOptions): Promise<DownloadResult>;
  /** The media of a message as a stream. */
  downloadStream(message: Message, options?: DownloadOptions): Promise<DownloadStreamResult>;
  /** A contact's (webwxgeticon) or a group's (webwxgetheadimg) avatar into a directory. */
  downloadAvatar(userName: string, options?: AvatarOptions): Promise<DownloadResult>;
  /** webwxlogout, then state 'logged-out' with reason 'logout-called'. */
  logout(): Promise<void>;
  /** Aborts everything: no timer, socket or listener is left behind. */
  stop(): Promise<void>;
}

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

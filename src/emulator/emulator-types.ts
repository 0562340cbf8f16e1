/**
 * Public types of the emulator: options and the records the phone keeps (the Emulator and Phone
 * handles are in emulator-handle.ts).
 */
import type { Logger } from '../logger.js';
import type { WebApp } from '../protocol/session-context.js';
import type { MediaView, RevokeRecord } from './phone-media-types.js';
import type { ProxyOption } from './proxy/proxy-setup.js';
import type { MultiWorldSpec } from './world-accounts.js';
import type { GenerateWorldOptions } from './world-generator.js';
import type { WorldSpec } from './world-types.js';

/** How long the emulator holds long polls and keeps QR codes; tests shorten them (`timing` option). */
export interface EmulatorTiming {
  /** How long a login poll is held when nothing changes (then `window.code=408;`). */
  loginPollHoldMs: number;
  /** How long a synccheck is held when nothing is pending (then `selector:"0"`). */
  syncCheckHoldMs: number;
  /** A QR code not confirmed within this time expires (its polls answer 400). */
  qrExpiryMs: number;
}

/** The real server's timing: polls held 25 s, QR codes valid 2 minutes. */
export const DEFAULT_TIMING: EmulatorTiming = {
  loginPollHoldMs: 25_000,
  syncCheckHoldMs: 25_000,
  qrExpiryMs: 120_000,
};

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /**
   * Default 'demo'. A MultiWorldSpec (`{ accounts: [...] }`, e.g. `multiAccountWorld({ accounts: 3 })`)
   * serves several accounts, each with its own phone (docs/emulator.md "Several accounts").
   */
  world?: WorldSpec | MultiWorldSpec | 'demo' | 'big' | { generate: GenerateWorldOptions };
  /** Overrides of {@link DEFAULT_TIMING}. */
  timing?: Partial<EmulatorTiming>;
  /**
   * Answer webwxnewloginpage with the 1203 refusal XML (§2.4) instead of credentials: every login
   * (`{ ret?, message? }`), or `'non-uos'`, the 2025 server: main web logins without the UOS/desktop
   * headers (`extspam` and `client-version`, §2.5) are refused, those with them pass.
   */
  refuseLogin?: false | 'non-uos' | { ret?: number; message?: string };
  /**
   * Sessions end on a timer, `sessionExpiryMs` after their login: synccheck answers `retcode:"1102"`,
   * the JSON endpoints `Ret 1102` (§13, 2025). Default: never.
   */
  sessionExpiryMs?: number;
  /**
   * The phone API (`/__phone/…`) answers only requests with `Authorization: Bearer <phoneToken>`.
   * Required when `host` is not a loopback address.
   */
  phoneToken?: string;
  /**
   * A directory whose regular files `POST /__phone/media` may name by `path` (relative to it, or
   * absolute inside it); without it the phone API takes media only as bytes in the request.
   */
  mediaDir?: string;
  logger?: Logger;
  /** webwxgetcontact page size. Default 800. */
  contactPageSize?: number;
  /** Most messages delivered by one webwxsync (ContinueFlag says when more remain). Default 50. */
  syncBatchSize?: number;
  /**
   * A new login of the account ends its previous sessions with 1101 ("logged in elsewhere"), as the
   * real server does. Default true.
   */
  kickPreviousSession?: boolean;
  /**
   * Proxy mode (docs/emulator.md): also be an HTTP/HTTPS forward proxy for the real service's hosts,
   * terminating TLS with a local CA kept in `caDir` (`true`: a temporary directory). Default false.
   */
  proxy?: ProxyOption;
}

/**
 * The web app a QR code and a session belong to: the main Web WeChat page, or the File Transfer web
 * (appid `wx_webfilehelper`, PROTOCOL.md §14). The protocol's own type.
 */
export type { WebApp };

/**
 * Where a QR code stands: waiting for a scan, scanned, confirmed, cancelled on the phone, or expired
 * (its polls answer 408, 201, 200, 202 and 400).
 */
export type QrState = 'waiting' | 'scanned' | 'confirmed' | 'cancelled' | 'expired';

/** A QR code the emulator handed out (jslogin or push login), as `phone.qrCodes()` lists it. */
export interface QrInfo {
  /** The login uuid. */
  uuid: string;
  state: QrState;
  /** ms since the epoch. */
  createdAt: number;
  /** Created by webwxpushloginurl (no scan needed: the phone confirms). */
  push: boolean;
  /** jslogin's redirect_uri carried mod=desktop. */
  desktop: boolean;
  /** The app the QR logs into, from jslogin's appid (docs/emulator.md "File Transfer web"). */
  app: WebApp;
  /**
   * The stable id of the account whose phone scanned or confirmed it (a push login: its uin's account);
   * absent while no phone has. The login is that account's ("Several accounts").
   */
  account?: string;
}

/** What `phone.sendText()` answers: the message's id and how many sessions got it. */
export interface InjectedMessage {
  /** 19-digit MsgId, the same in every session that receives it. */
  msgId: string;
  /** unix seconds. */
  createTime: number;
  /** Stable id of the sender. */
  from: string;
  /** Stable id of the room for a group message. */
  room?: string;
  /** The text as sent. */
  text: string;
  /** How many active sessions queued it (0 when nobody is logged in: the message is dropped). */
  deliveredTo: number;
}

/** A message a client sent, as the emulator recorded it (`phone.sent()`, the 'sent' event). */
export interface SentRecord {
  /** The MsgID the server answered with (19 digits). */
  msgId: string;
  /** As received (numbers kept digit-exact). */
  localId: string;
  clientMsgId: string;
  type: number;
  fromUserName: string;
  toUserName: string;
  /** Stable id of the recipient (contact or room). */
  to: string;
  /** Exactly as received. */
  content: string;
  /** ms since the epoch. */
  time: number;
  /** Opaque id of the session that sent it (see sessions()). */
  sessionId: string;
  /** Media sends (image, video, emoticon, file): the bytes the server received, readable here. */
  media?: MediaView;
  /** Scene of the send: 2 for forwards (§5.4). Set by the media endpoints. */
  scene?: number;
}

/** A webwxstatusnotify a client posted (`phone.statusNotifications()`, the 'statusnotify' event). */
export interface StatusNotifyRecord {
  /** Its Code: 1 read, 3 inited… */
  code: number;
  fromUserName: string;
  toUserName: string;
  /** Stable id of ToUserName when known. */
  to: string | undefined;
  time: number;
  sessionId: string;
}

/** 'expired': an injected session-expiry fault (docs/emulator.md). */
export type SessionEndReason = 'phone' | 'client-logout' | 'kicked' | 'expired';

/** A client session, without its credentials (`phone.sessions()`, the 'login' event). */
export interface SessionInfo {
  /** Opaque, not a secret: 's1', 's2', … */
  id: string;
  state: 'active' | 'ended';
  /** The Ret/retcode a dead session answers with. */
  endCode: number | undefined;
  endReason: SessionEndReason | undefined;
  desktop: boolean;
  /** 'filehelper': a File Transfer web session, which sees only the File Transfer chat. */
  app: WebApp;
  /** ms since the epoch. */
  createdAt: number;
  selfUserName: string;
  /** Messages queued and not yet acknowledged by a later SyncKey. */
  pendingMessages: number;
  initialized: boolean;
}

/** The payload of the phone's 'logout' event: a session ended. */
export interface LogoutEvent {
  /** The session's id (see {@link SessionInfo}). */
  sessionId: string;
  /** The Ret/retcode the session now answers with (1100, 1101, 1102). */
  code: number;
  /** Why it ended. */
  reason: SessionEndReason;
}

/** The phone's events, by name, with their payloads: what {@link Phone.on} listens to. */
export interface PhoneEvents {
  /** A client sent a message. */
  sent: SentRecord;
  /** A QR code was created. */
  qr: QrInfo;
  /** A client logged in: a new session. */
  login: SessionInfo;
  /** A session ended. */
  logout: LogoutEvent;
  /** A client posted a webwxstatusnotify. */
  statusnotify: StatusNotifyRecord;
  /** A client revoked one of its messages (webwxrevokemsg). */
  revoke: RevokeRecord;
}

/** The name of a phone event. */
export type PhoneEventName = keyof PhoneEvents;

/** What `phone.sendText()` sends: a text from a contact, in a private chat or in a room. */
export interface SendTextInput {
  /** A contact's stable id, nickname or remark name. */
  from: string;
  /** The text, plain (it is encoded as the server encodes it). */
  text: string;
  /** Stable id or topic of a room: the message is from that member, in that group. */
  room?: string;
}

/**
 * What the phone writes into its File Transfer chat (as the account itself): a text, or an image or a
 * file with its bytes.
 */
export type FileHelperInput =
  | { text: string }
  | { kind: 'image' | 'file'; bytes: Uint8Array; fileName?: string };

/** What `phone.writeToFileHelper()` answers: the message's id and how many sessions got it. */
export interface FileHelperWriteResult {
  /** 19 digits, the same in every session. */
  msgId: string;
  /** unix seconds. */
  createTime: number;
  /** How many active sessions (File Transfer and main web) queued it. */
  deliveredTo: number;
}

/**
 * Public types of the emulator: options, the Emulator handle, the scriptable Phone and its records.
 */
import type { Logger } from '../logger.js';
import type { WebApp } from '../protocol/session-context.js';
import type { Faults } from './faults.js';
import type { MediaView, PhoneMedia, RevokeRecord } from './media-types.js';
import type { PhoneMessageInput } from './message-kinds.js';
import type { PhoneMessageResult } from './phone-messages.js';
import type { PhoneWorld } from './phone-world.js';
import type { EmulatorProxyInfo, ProxyOption } from './proxy/proxy-setup.js';
import type { World, WorldSpec } from './world.js';
import type { GenerateWorldOptions } from './world-generator.js';

export interface EmulatorTiming {
  /** How long a login poll is held when nothing changes (then `window.code=408;`). */
  loginPollHoldMs: number;
  /** How long a synccheck is held when nothing is pending (then `selector:"0"`). */
  syncCheckHoldMs: number;
  /** A QR code not confirmed within this time expires (its polls answer 400). */
  qrExpiryMs: number;
}

export const DEFAULT_TIMING: EmulatorTiming = {
  loginPollHoldMs: 25_000,
  syncCheckHoldMs: 25_000,
  qrExpiryMs: 120_000,
};

export interface EmulatorOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 'demo'. */
  world?: WorldSpec | 'demo' | 'big' | { generate: GenerateWorldOptions };
  timing?: Partial<EmulatorTiming>;
  /** Answer webwxnewloginpage with the 1203 refusal XML (§2.4) instead of credentials. */
  refuseLogin?: false | { ret?: number; message?: string };
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

export interface Emulator {
  /** 'http://127.0.0.1:PORT' */
  readonly baseUrl: string;
  readonly phone: Phone;
  readonly world: World;
  readonly faults: Faults;
  /** Proxy mode only: the proxy URL and the CA certificate to trust. */
  readonly proxy?: EmulatorProxyInfo;
  /** Closes the server, ends held long-polls, clears every timer. */
  close(): Promise<void>;
}

/**
 * The web app a QR code and a session belong to: the main Web WeChat page, or the File Transfer web
 * (appid `wx_webfilehelper`, PROTOCOL.md §14). The protocol's own type.
 */
export type { WebApp };

export type QrState = 'waiting' | 'scanned' | 'confirmed' | 'cancelled' | 'expired';

export interface QrInfo {
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
}

export interface InjectedMessage {
  /** 19-digit MsgId, the same in every session that receives it. */
  msgId: string;
  /** unix seconds. */
  createTime: number;
  /** Stable id of the sender. */
  from: string;
  /** Stable id of the room for a group message. */
  room?: string;
  text: string;
  /** How many active sessions queued it (0 when nobody is logged in: the message is dropped). */
  deliveredTo: number;
}

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

export interface StatusNotifyRecord {
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

export interface LogoutEvent {
  sessionId: string;
  code: number;
  reason: SessionEndReason;
}

export interface PhoneEvents {
  sent: SentRecord;
  qr: QrInfo;
  login: SessionInfo;
  logout: LogoutEvent;
  statusnotify: StatusNotifyRecord;
  /** A client revoked one of its messages (webwxrevokemsg). */
  revoke: RevokeRecord;
}

export type PhoneEventName = keyof PhoneEvents;

export interface SendTextInput {
  /** A contact's stable id, nickname or remark name. */
  from: string;
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

export interface FileHelperWriteResult {
  /** 19 digits, the same in every session. */
  msgId: string;
  /** unix seconds. */
  createTime: number;
  /** How many active sessions (File Transfer and main web) queued it. */
  deliveredTo: number;
}

/** The phone: QR codes, messages, sessions, and world changes (PhoneWorld, phone-world.ts). */
export interface Phone extends PhoneWorld, PhoneMedia {
  qrCodes(): QrInfo[];
  /** Resolves with the next QR in 'waiting' state (one already waiting counts). */
  waitForQr(options?: { timeoutMs?: number; after?: string }): Promise<QrInfo>;
  scan(uuid: string): void;
  confirm(uuid: string): void;
  cancel(uuid: string): void;
  expire(uuid: string): void;
  sendText(input: SendTextInput): InjectedMessage;
  /** Any non-media kind: card, location, link, music, mini-program, app, red-packet, transfer, friend-request, revoke, system, voip. */
  sendMessage(input: PhoneMessageInput): PhoneMessageResult;
  /**
   * Writes into the File Transfer chat as the account on the phone (From the session's own UserName,
   * To 'filehelper'): text (MsgType 1), image (3) or file (49/6), media downloadable. Every active
   * session of the account gets it, File Transfer and main web alike.
   */
  writeToFileHelper(input: FileHelperInput): Promise<FileHelperWriteResult>;
  sent(): SentRecord[];
  /** The first record matching predicate not returned by an earlier waitForSent; waits if none. */
  waitForSent(predicate?: (r: SentRecord) => boolean, options?: { timeoutMs?: number }): Promise<SentRecord>;
  /** Every webwxstatusnotify a client posted, in order. */
  statusNotifications(): StatusNotifyRecord[];
  logout(code?: 1100 | 1101 | 1102): void;
  sessions(): SessionInfo[];
  on<E extends PhoneEventName>(event: E, listener: (payload: PhoneEvents[E]) => void): () => void;
}

/**
 * The handles a test holds: the running Emulator and its scriptable Phone. Apart from emulator-types.ts so
 * that the records and options there do not depend on the phone's parts (no import circle).
 */

import type {
  FileHelperInput,
  FileHelperWriteResult,
  InjectedMessage,
  PhoneEventName,
  PhoneEvents,
  QrInfo,
  SendTextInput,
  SentRecord,
  SessionInfo,
  StatusNotifyRecord,
} from './emulator-types.js';
import type { Faults } from './faults.js';
import type { PhoneActivity } from './phone-activity.js';
import type { PhoneMedia } from './phone-media-types.js';
import type { PhoneMessageInput } from './phone-message-types.js';
import type { PhoneMessageResult } from './phone-messages.js';
import type { PhoneWorld } from './phone-world.js';
import type { EmulatorProxyInfo } from './proxy/proxy-setup.js';
import type { World } from './world-types.js';

/** One account of an emulator: its stable id, its world and its phone ("Several accounts"). */
export interface EmulatorAccount {
  /** The account's stable id (`world.self.id`). */
  readonly id: string;
  /** The account's world: its contacts and rooms. */
  readonly world: World;
  /** The account's phone: its QR scans, messages into its sessions, what its clients sent. */
  readonly phone: Phone;
}

/** A running emulator: its address, the scriptable phone, the world it serves, and fault injection. */
export interface Emulator {
  /** 'http://127.0.0.1:PORT' */
  readonly baseUrl: string;
  /** The phone side of the first account: QR codes, messages, sessions, world changes. */
  readonly phone: Phone;
  /** The first account's contacts and rooms. */
  readonly world: World;
  /** Every account, in the world's order (one unless the world is a MultiWorldSpec). */
  readonly accounts: readonly EmulatorAccount[];
  /** The phone of an account, by its stable id; throws for an unknown account. */
  phoneOf(accountId: string): Phone;
  /** Faults to inject into the endpoints (docs/emulator.md). */
  readonly faults: Faults;
  /** Proxy mode only: the proxy URL and the CA certificate to trust. */
  readonly proxy?: EmulatorProxyInfo;
  /** Closes the server, ends held long-polls, clears every timer. */
  close(): Promise<void>;
}

/**
 * The phone: QR codes, messages, sessions, world changes (PhoneWorld, phone-world.ts), media
 * (phone-media.ts) and activity such as opening a chat (PhoneActivity, phone-activity.ts).
 */
export interface Phone extends PhoneWorld, PhoneMedia, PhoneActivity {
  /** Every QR code so far, oldest first. */
  qrCodes(): QrInfo[];
  /** Resolves with the next QR in 'waiting' state (one already waiting counts). */
  waitForQr(options?: { timeoutMs?: number; after?: string }): Promise<QrInfo>;
  /** Scans a waiting QR code (a held poll answers 201 at once); throws unless the code is waiting. */
  scan(uuid: string): void;
  /** Confirms a scanned QR code (a waiting one too, as push logins need no scan): the poll answers 200. */
  confirm(uuid: string): void;
  /** Cancels a waiting or scanned QR code on the phone: the poll answers 202. */
  cancel(uuid: string): void;
  /** Expires a QR code that is not confirmed: the poll answers 400. */
  expire(uuid: string): void;
  /**
   * Sends a text from a contact into every active session; throws when the sender or room is unknown
   * or the sender is not in the room.
   */
  sendText(input: SendTextInput): InjectedMessage;
  /** Any non-media kind: card, location, link, music, mini-program, app, red-packet, transfer, friend-request, revoke, system, voip. */
  sendMessage(input: PhoneMessageInput): PhoneMessageResult;
  /**
   * Writes into the File Transfer chat as the account on the phone (From the session's own UserName,
   * To 'filehelper'): text (MsgType 1), image (3) or file (49/6), media downloadable. Every active
   * session of the account gets it, File Transfer and main web alike.
   */
  writeToFileHelper(input: FileHelperInput): Promise<FileHelperWriteResult>;
  /** Every message a client sent, in order. */
  sent(): SentRecord[];
  /** The first record matching predicate not returned by an earlier waitForSent; waits if none. */
  waitForSent(predicate?: (r: SentRecord) => boolean, options?: { timeoutMs?: number }): Promise<SentRecord>;
  /** Every webwxstatusnotify a client posted, in order. */
  statusNotifications(): StatusNotifyRecord[];
  /** Ends every active session with `code` (default 1100, "logged out on the phone"). */
  logout(code?: 1100 | 1101 | 1102): void;
  /** Every session, active and ended. */
  sessions(): SessionInfo[];
  /** Listens to a phone event; returns the function that stops listening. */
  on<E extends PhoneEventName>(event: E, listener: (payload: PhoneEvents[E]) => void): () => void;
}

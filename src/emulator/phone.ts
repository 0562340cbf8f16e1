/**
 * The phone side, in process: scan and confirm QR codes, send messages to the logged-in clients,
 * watch what they send, log them out.
 */

import { InvalidStateError } from '../errors.js';
import type { Phone } from './emulator-handle.js';
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
import { writeToFileHelper } from './filehelper-chat.js';
import { createPhoneActivity, type PhoneActivity } from './phone-activity.js';
import { createPhoneMedia } from './phone-media.js';
import type { PhoneMedia } from './phone-media-types.js';
import type { PhoneMessageInput } from './phone-message-types.js';
import { type PhoneMessageResult, sendPhoneMessage, sendPhoneText } from './phone-messages.js';
import { createPhoneWorld, type PhoneWorld } from './phone-world.js';
import type { QrEntry } from './qr-store.js';
import { type EmulatorContext, endSession } from './route-context.js';

const DEFAULT_WAIT_MS = 10_000;

function timeoutError(what: string, ms: number): Error {
  return new InvalidStateError(`emulator phone: timed out after ${ms} ms waiting for ${what}`);
}

// The world-changing, media and activity methods (phone-world.ts, phone-media.ts, phone-activity.ts)
// are mixed in by the constructor.
export interface EmulatorPhone extends PhoneWorld, PhoneMedia, PhoneActivity {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class EmulatorPhone implements Phone {
  private readonly returned = new Set<SentRecord>();
  private readonly waits = new Set<(err: Error) => void>();

  constructor(private readonly ctx: EmulatorContext) {
    Object.assign(this, createPhoneWorld(ctx));
    Object.assign(this, createPhoneMedia(ctx));
    Object.assign(this, createPhoneActivity(ctx));
  }

  qrCodes(): QrInfo[] {
    return this.ctx.qrs.list();
  }

  waitForQr(options: { timeoutMs?: number; after?: string } = {}): Promise<QrInfo> {
    const after = options.after === undefined ? undefined : this.ctx.qrs.get(options.after);
    const eligible = (q: QrInfo) =>
      q.state === 'waiting' &&
      (q.account === undefined || q.account === this.ctx.accountId) &&
      q.uuid !== options.after &&
      (after === undefined || q.createdAt >= after.createdAt);
    const existing = this.qrCodes().filter(eligible);
    if (existing.length > 0) return Promise.resolve(existing[existing.length - 1]!);
    return this.wait<QrInfo>('a QR code', options.timeoutMs, (done) =>
      this.ctx.qrs.onCreate((q) => {
        if (eligible(q)) done(q);
      }),
    );
  }

  /** The account of this phone takes the QR; another account's phone cannot (several accounts). */
  private claim(e: QrEntry): void {
    if (e.account !== undefined && e.account !== this.ctx.accountId)
      throw new InvalidStateError(`cannot use QR ${e.uuid}: it is account "${e.account}"'s`);
    e.account = this.ctx.accountId;
  }

  scan(uuid: string): void {
    const e = this.ctx.qrs.require(uuid);
    if (e.state !== 'waiting') throw new InvalidStateError(`cannot scan QR ${uuid}: it is ${e.state}`);
    this.claim(e);
    this.ctx.qrs.set(e, 'scanned');
  }

  /** Confirms a scanned QR (a waiting one is scanned and confirmed at once, as push logins are). */
  confirm(uuid: string): void {
    const e = this.ctx.qrs.require(uuid);
    if (e.state !== 'waiting' && e.state !== 'scanned')
      throw new InvalidStateError(`cannot confirm QR ${uuid}: it is ${e.state}`);
    this.claim(e);
    this.ctx.qrs.set(e, 'confirmed');
  }

  cancel(uuid: string): void {
    const e = this.ctx.qrs.require(uuid);
    if (e.state !== 'waiting' && e.state !== 'scanned')
      throw new InvalidStateError(`cannot cancel QR ${uuid}: it is ${e.state}`);
    this.claim(e);
    this.ctx.qrs.set(e, 'cancelled');
  }

  expire(uuid: string): void {
    const e = this.ctx.qrs.require(uuid);
    if (e.state === 'confirmed') throw new InvalidStateError(`cannot expire QR ${uuid}: it is confirmed`);
    this.ctx.qrs.set(e, 'expired');
  }

  sendText(input: SendTextInput): InjectedMessage {
    return sendPhoneText(this.ctx, input);
  }

  sendMessage(input: PhoneMessageInput): PhoneMessageResult {
    return sendPhoneMessage(this.ctx, input);
  }

  writeToFileHelper(input: FileHelperInput): Promise<FileHelperWriteResult> {
    return writeToFileHelper(this.ctx, input);
  }

  sent(): SentRecord[] {
    return [...this.ctx.sent];
  }

  waitForSent(
    predicate: (r: SentRecord) => boolean = () => true,
    options: { timeoutMs?: number } = {},
  ): Promise<SentRecord> {
    const take = (r: SentRecord) => !this.returned.has(r) && predicate(r);
    const found = this.ctx.sent.find(take);
    if (found !== undefined) {
      this.returned.add(found);
      return Promise.resolve(found);
    }
    return this.wait<SentRecord>('a sent message', options.timeoutMs, (done) =>
      this.ctx.events.on('sent', (r) => {
        if (!take(r)) return;
        this.returned.add(r);
        done(r);
      }),
    );
  }

  /** Reject every pending wait (the emulator is closing). */
  closeWaits(): void {
    for (const w of [...this.waits]) w(new InvalidStateError('emulator phone: the emulator was closed'));
  }

  private wait<T>(
    what: string,
    timeoutMs: number | undefined,
    subscribe: (done: (value: T) => void) => () => void,
  ): Promise<T> {
    const ms = timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise<T>((resolve, reject) => {
      let off: () => void = () => {};
      const finish = (err: Error | undefined, value?: T) => {
        clearTimeout(timer);
        off();
        this.waits.delete(fail);
        if (err) reject(err);
        else resolve(value as T);
      };
      const fail = (err: Error) => finish(err);
      const timer = setTimeout(() => finish(timeoutError(what, ms)), ms);
      this.waits.add(fail);
      off = subscribe((value) => finish(undefined, value));
    });
  }

  statusNotifications(): StatusNotifyRecord[] {
    return [...this.ctx.notifications];
  }

  logout(code: 1100 | 1101 | 1102 = 1100): void {
    for (const s of this.ctx.sessions.active()) endSession(this.ctx, s, code, 'phone');
  }

  sessions(): SessionInfo[] {
    return this.ctx.sessions.all().map((s) => s.info());
  }

  on<E extends PhoneEventName>(event: E, listener: (payload: PhoneEvents[E]) => void): () => void {
    return this.ctx.events.on(event, listener);
  }
}

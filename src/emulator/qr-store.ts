/**
 * QR codes (login uuids) and their states: waiting → scanned → confirmed, or cancelled / expired.
 * Each state change wakes the login polls held on that uuid.
 */

import { InvalidArgumentError } from '../errors.js';
import type { QrInfo, QrState, WebApp } from './emulator-types.js';
import { newTicket, newUuid } from './ids.js';

/** A QR code as the store keeps it: what `phone.qrCodes()` lists (QrInfo), and its login's state. */
export interface QrEntry extends Omit<QrInfo, 'account'> {
  /** File Transfer QRs: the entry host jslogin's redirect_uri named, if one of §14's (proxy mode). */
  entryHost: string | undefined;
  /**
   * The stable id of the account whose phone scanned or confirmed it (a push login's: the account of
   * its uin); the login is that account's.
   */
  account: string | undefined;
  /** Single-use login ticket, minted on confirmation. */
  ticket: string | undefined;
  ticketUsed: boolean;
  /** unix seconds of the scan (the redirect_uri's `scan`). */
  scanTime: number;
  /** The last state a poll was told, so a poll answers at once only when something changed. */
  reported: QrState;
  expiryTimer: NodeJS.Timeout | undefined;
  waiters: Set<() => void>;
}

export class QrStore {
  private readonly entries = new Map<string, QrEntry>();
  private readonly listeners = new Set<(qr: QrInfo) => void>();

  constructor(private readonly expiryMs: () => number) {}

  create(options: {
    push: boolean;
    desktop: boolean;
    app?: WebApp;
    entryHost?: string;
    account?: string;
  }): QrEntry {
    let uuid = newUuid();
    while (this.entries.has(uuid)) uuid = newUuid();
    const e: QrEntry = {
      uuid,
      state: 'waiting',
      createdAt: Date.now(),
      push: options.push,
      desktop: options.desktop,
      app: options.app ?? 'web',
      entryHost: options.entryHost,
      account: options.account,
      ticket: undefined,
      ticketUsed: false,
      scanTime: 0,
      reported: 'waiting',
      expiryTimer: undefined,
      waiters: new Set(),
    };
    e.expiryTimer = setTimeout(() => this.set(e, 'expired'), this.expiryMs());
    e.expiryTimer.unref();
    this.entries.set(uuid, e);
    for (const l of [...this.listeners]) l(info(e));
    return e;
  }

  get(uuid: string | null | undefined): QrEntry | undefined {
    return uuid ? this.entries.get(uuid) : undefined;
  }

  /** Throws for an unknown uuid (phone-side misuse). */
  require(uuid: string): QrEntry {
    const e = this.entries.get(uuid);
    if (e === undefined) throw new InvalidArgumentError('', `unknown QR uuid "${uuid}"`);
    return e;
  }

  byTicket(ticket: string): QrEntry | undefined {
    for (const e of this.entries.values()) if (e.ticket === ticket) return e;
    return undefined;
  }

  set(e: QrEntry, state: QrState): void {
    if (e.state === state) return;
    e.state = state;
    if (state === 'confirmed') {
      e.ticket = newTicket();
      if (e.scanTime === 0) e.scanTime = Math.floor(Date.now() / 1000);
    }
    if (state === 'scanned') e.scanTime = Math.floor(Date.now() / 1000);
    if (state !== 'waiting' && state !== 'scanned' && e.expiryTimer !== undefined) {
      clearTimeout(e.expiryTimer);
      e.expiryTimer = undefined;
    }
    for (const w of [...e.waiters]) w();
  }

  list(): QrInfo[] {
    return [...this.entries.values()].map(info);
  }

  onCreate(listener: (qr: QrInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const e of this.entries.values()) {
      if (e.expiryTimer !== undefined) clearTimeout(e.expiryTimer);
      e.expiryTimer = undefined;
    }
  }
}

export function info(e: QrEntry): QrInfo {
  const qr: QrInfo = {
    uuid: e.uuid,
    state: e.state,
    createdAt: e.createdAt,
    push: e.push,
    desktop: e.desktop,
    app: e.app,
  };
  if (e.account !== undefined) qr.account = e.account;
  return qr;
}

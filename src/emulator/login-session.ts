/**
 * Per-login session state: credentials, per-session UserNames, the message queue and SyncKey.
 *
 * Queue rule: every queued message has a sequence number; SyncKey key 1 carries (base + the last
 * sequence a sync delivered). A webwxsync acknowledges everything up to the sequence its SyncKey
 * names, and delivers what follows; so a client that re-syncs with an old SyncKey gets the
 * unacknowledged messages again.
 */
import type { SyncKey, WireMessage } from '../protocol/wire-types.js';
import type { SessionEndReason, SessionInfo, WebApp } from './emulator-types.js';
import { isFileHelperMessage } from './filehelper-app.js';
import { newAuthTicket, newDataTicket, newRawPassTicket, newSid, newSkey, newUvid } from './ids.js';
import { SessionNames } from './session-names.js';
import type { World } from './world-types.js';

/** How many acknowledged messages a session remembers for the 'redeliver' fault. */
const ACKED_KEPT = 500;

interface Queued {
  seq: number;
  msg: WireMessage;
  /** The synccheck selector it is announced with: 2 (a message), 7 (phone activity, §4.5). */
  selector: 2 | 7;
}

export class Session {
  readonly sid = newSid();
  readonly skey = newSkey();
  readonly passTicketRaw = newRawPassTicket();
  readonly passTicketEncoded = encodeURIComponent(this.passTicketRaw);
  readonly dataTicket = newDataTicket();
  readonly authTicket = newAuthTicket();
  readonly uvid = newUvid();
  readonly loadTime = Math.floor(Date.now() / 1000);
  readonly createdAt = Date.now();
  readonly names: SessionNames;
  state: 'active' | 'ended' = 'active';
  endCode: number | undefined;
  endReason: SessionEndReason | undefined;
  initialized = false;
  lastSyncAt = 0;
  /**
   * A selector of no content (3, 5, 6: phone-activity.ts) that synccheck answers until the session's
   * next webwxsync, as the real server repeats selector 3 until then (§4.5).
   */
  signalled: number | undefined;

  private readonly base1 = 698_000_000 + Math.floor(Math.random() * 300_000);
  private readonly base2 = this.base1 + 4;
  private readonly base3 = this.base1 - 54;
  private readonly key11 = this.base1 - 2697;
  private readonly key1000 = this.loadTime - 859;
  private readonly key1001 = this.loadTime - 786;
  private lastMessageTime = this.loadTime;
  private queue: Queued[] = [];
  private lastSeq = 0;
  private acked = 0;
  /** Recently acknowledged messages, for the 'redeliver' fault. */
  private ackedRecent: WireMessage[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly uin: number,
    readonly desktop: boolean,
    private readonly world: World,
    /** 'filehelper': a File Transfer web session (filehelper-app.ts), which queues only that chat. */
    readonly app: WebApp = 'web',
  ) {
    this.names = new SessionNames(world);
  }

  /** The stable id of the account the session is logged in as. */
  get accountId(): string {
    return this.world.self.id;
  }

  get selfUserName(): string {
    return this.names.userName(this.world.self.id);
  }

  /** The SyncKey of webwxinit: keys 1, 2, 3, 1000. */
  initSyncKey(): SyncKey {
    return keyOf([
      [1, this.base1],
      [2, this.base2],
      [3, this.base3],
      [1000, this.key1000],
    ]);
  }

  /** The SyncKey (and SyncCheckKey) after a sync that delivered up to seq: 7 keys as in the capture. */
  syncKeyAt(seq: number): SyncKey {
    return keyOf([
      [1, this.base1 + seq],
      [2, this.base2],
      [3, this.base3],
      [11, this.key11],
      [201, this.lastMessageTime],
      [1000, this.key1000],
      [1001, this.key1001],
    ]);
  }

  get pluginKey(): number {
    return this.key1000;
  }

  /** The delivered sequence a client's key-1 value names (0 when absent or nonsense). */
  seqOfKey1(val: number | undefined): number {
    if (val === undefined || !Number.isFinite(val)) return 0;
    const seq = val - this.base1;
    return seq < 0 ? 0 : Math.min(seq, this.lastSeq);
  }

  /**
   * Queues a message; false when the session does not take it: a File Transfer session takes only
   * messages From or To filehelper, whichever phone path queues them.
   */
  enqueue(msg: WireMessage, selector: 2 | 7 = 2): boolean {
    if (this.app === 'filehelper' && !isFileHelperMessage(msg.FromUserName, msg.ToUserName)) return false;
    this.lastSeq += 1;
    this.queue.push({ seq: this.lastSeq, msg, selector });
    this.lastMessageTime = Math.max(this.lastMessageTime, msg.CreateTime);
    this.wake();
    return true;
  }

  /** Is anything queued beyond what a client holding this key-1 sequence has? */
  hasPendingAfter(clientSeq: number): boolean {
    return this.lastSeq > Math.max(clientSeq, this.acked);
  }

  /** The selector announcing what is queued beyond clientSeq: 7 when it is only phone activity, else 2. */
  pendingSelector(clientSeq: number): 2 | 7 {
    const from = Math.max(clientSeq, this.acked);
    return this.queue.some((q) => q.seq > from && q.selector === 2) ? 2 : 7;
  }

  /** Acknowledge up to clientSeq, then take up to limit messages after it. */
  take(clientSeq: number, limit: number): { messages: WireMessage[]; deliveredSeq: number; more: boolean } {
    if (clientSeq > this.acked) {
      this.acked = clientSeq;
      for (const q of this.queue) if (q.seq <= clientSeq) this.ackedRecent.push(q.msg);
      if (this.ackedRecent.length > ACKED_KEPT)
        this.ackedRecent.splice(0, this.ackedRecent.length - ACKED_KEPT);
      this.queue = this.queue.filter((q) => q.seq > clientSeq);
    }
    const from = Math.max(clientSeq, this.acked);
    const pending = this.queue.filter((q) => q.seq > from);
    const batch = pending.slice(0, limit);
    const deliveredSeq = batch.length > 0 ? batch[batch.length - 1]!.seq : from;
    return { messages: batch.map((q) => q.msg), deliveredSeq, more: pending.length > batch.length };
  }

  /**
   * Queues the acknowledged messages still remembered (the last ACKED_KEPT) again, same MsgIds: the
   * 'redeliver' fault. Returns how many.
   */
  redeliverAcked(): number {
    const again = this.ackedRecent.splice(0);
    for (const msg of again) this.enqueue(msg);
    return again.length;
  }

  get pendingCount(): number {
    return this.queue.length;
  }

  /** Register a wake-up for a held synccheck; returns its remover. */
  onChange(listener: () => void): () => void {
    this.waiters.add(listener);
    return () => this.waiters.delete(listener);
  }

  wake(): void {
    for (const w of [...this.waiters]) w();
  }

  end(code: number, reason: SessionEndReason): boolean {
    if (this.state === 'ended') return false;
    this.state = 'ended';
    this.endCode = code;
    this.endReason = reason;
    this.wake();
    return true;
  }

  info(): SessionInfo {
    return {
      id: this.id,
      state: this.state,
      endCode: this.endCode,
      endReason: this.endReason,
      desktop: this.desktop,
      app: this.app,
      createdAt: this.createdAt,
      selfUserName: this.selfUserName,
      pendingMessages: this.queue.length,
      initialized: this.initialized,
    };
  }
}

function keyOf(pairs: [number, number][]): SyncKey {
  return { Count: pairs.length, List: pairs.map(([Key, Val]) => ({ Key, Val })) };
}

/** What every account's SessionStore shares: the lookup by sid and skey, session ids, known uins. */
export class SessionIndex {
  readonly bySid = new Map<string, Session>();
  readonly bySkey = new Map<string, Session>();
  counter = 0;
  /** uins that completed a login: webwxpushloginurl accepts them. */
  readonly knownUins = new Set<number>();
}

/**
 * The sessions of one account (`all`, `active`); `bySidValue`/`bySkeyValue` find any account's session
 * through the shared SessionIndex.
 */
export class SessionStore {
  private readonly order: Session[] = [];

  constructor(private readonly index: SessionIndex = new SessionIndex()) {}

  /** uins that completed a login, on any account (shared). */
  get knownUins(): Set<number> {
    return this.index.knownUins;
  }

  create(uin: number, desktop: boolean, world: World, app: WebApp = 'web'): Session {
    this.index.counter += 1;
    const s = new Session(`s${this.index.counter}`, uin, desktop, world, app);
    this.index.bySid.set(s.sid, s);
    this.index.bySkey.set(s.skey, s);
    this.order.push(s);
    this.index.knownUins.add(uin);
    return s;
  }

  bySidValue(sid: string | undefined): Session | undefined {
    return sid ? this.index.bySid.get(sid) : undefined;
  }

  bySkeyValue(skey: string | undefined): Session | undefined {
    return skey ? this.index.bySkey.get(skey) : undefined;
  }

  all(): Session[] {
    return [...this.order];
  }

  active(): Session[] {
    return this.order.filter((s) => s.state === 'active');
  }
}

/**
 * Stable ids: a handle for a contact or room that survives re-logins, although every login hands out
 * new UserNames (PROTOCOL.md §10.3). Derivation, strongest first (docs/contacts.md):
 *   1. the permanent id (wxid_…, gh_…, <n>@chatroom) learned from the MsgType 51 / Code 4 pairing (§9.4);
 *   2. Alias, when non-empty;
 *   3. a fingerprint: sha256 of kind, remark name, nickname, sex, province and city (rooms: topic, or
 *      the sorted member nicknames of an unnamed room), first 16 hex; when two contacts of a session
 *      share it, the avatar seq (HeadImgUrl's seq=) is mixed in to tell them apart.
 * Once given, an id never changes: a later login finds the record through any of the three keys and
 * reuses its id. Two contacts of one session that still claim the same id are a collision: neither
 * gets the id, and the collision is reported, never merged. What is known of each contact and room
 * (alias, fingerprints) is made in stable-id-entries.ts.
 */
import { WebWxError } from '../../errors.js';
import type { StableIdEntry } from './stable-id-entries.js';
import { StableIdRecords } from './stable-id-records.js';
import type { StableIdCollision, StableIdRecord, StableIdSource, StableIdStore } from './stable-id-types.js';

export type { StableIdCollision, StableIdRecord, StableIdSource, StableIdStore } from './stable-id-types.js';

/** byStableId() of an id that several contacts of this session claim. */
export class StableIdCollisionError extends WebWxError {
  readonly code = 'stable-id-collision' as const;
  readonly id: string;
  readonly userNames: string[];
  constructor(collision: StableIdCollision) {
    super(
      `stable id ${collision.id} is claimed by ${collision.userNames.length} contacts (${collision.source})`,
    );
    this.id = collision.id;
    this.userNames = [...collision.userNames];
  }
}

/** The default store: keeps records for the life of the process. */
export class MemoryStableIdStore implements StableIdStore {
  #records: StableIdRecord[] = [];
  load(): StableIdRecord[] {
    return this.#records.map((r) => ({ ...r }));
  }
  save(records: StableIdRecord[]): void {
    this.#records = records.map((r) => ({ ...r }));
  }
}

/** How assign() takes its entries. */
export interface AssignOptions {
  /**
   * The entries come from the login that last bound the records: a resume reading back the contact
   * cache its own login wrote (contact-phase.ts). UserNames belong to one login (PROTOCOL.md §10.3),
   * so an entry whose UserName is a record's `lastUserName` is that record's contact: it takes the
   * record's id at once, with no fingerprint hashed or looked up, and the record is not rewritten. What
   * changed while the process was down refreshes the record when the server's list comes in (its
   * changes are assigned again). A UserName that two records name, or none, takes the usual way.
   *
   * Gain: a restart of the big account (5,000 contacts, 200 rooms) spent about 160 ms giving ids before
   * its first message (bench row "restart with a saved session, big account: process start → first
   * reply").
   */
  sameLogin?: boolean;
}

type Claim = { entry: StableIdEntry; id: string; source: StableIdSource; fromRecord: boolean };

export interface StableIdRegistryOptions {
  store: StableIdStore;
  now: () => number;
  /** Store failures (logged by the caller; they never end the session). */
  onStoreError: (error: unknown) => void;
  onCollision: (collision: StableIdCollision) => void;
}

/** The stable ids of one client: records across logins, bindings for the current session. */
export class StableIdRegistry {
  readonly #o: StableIdRegistryOptions;
  readonly #records: StableIdRecords;
  /** Session UserName → id, and back. */
  readonly #byUserName = new Map<string, string>();
  readonly #holder = new Map<string, string>();
  /** Ids in collision this session → the UserNames claiming them. */
  readonly #collided = new Map<string, StableIdCollision>();
  /** UserName → permanent id learned this session. */
  readonly #permanent = new Map<string, string>();
  /** The last entry seen per UserName (to refresh a record when a binding moves). */
  readonly #entries = new Map<string, StableIdEntry>();
  /** Ids minted this session (they may be given up for an older one the pairing reveals). */
  readonly #minted = new Set<string>();
  /**
   * While the records are partial (read by name): the entries that need a lookup, and the permanent
   * ids learned, in order; given once the full read is in.
   */
  #waiting: (
    | { entries: readonly StableIdEntry[]; options: AssignOptions }
    | { pairs: readonly (readonly [string, string])[] }
  )[] = [];

  constructor(options: StableIdRegistryOptions) {
    this.#o = options;
    this.#records = new StableIdRecords({
      store: options.store,
      onStoreError: options.onStoreError,
      onFull: () => this.#afterFullRead(),
    });
  }

  /** The store reads records by name (StableIdStore.loadNamed). */
  get readsByName(): boolean {
    return typeof this.#o.store.loadNamed === 'function';
  }

  /** Reads every record from the store, once (then gives what waited for it). */
  load(): Promise<void> {
    return this.#records.load();
  }

  /**
   * Reads only the records last seen with these UserNames, when the store can (StableIdStore.loadNamed)
   * and nothing has been read in full; else the full read. Until the full read, an entry whose id
   * needs a lookup waits for it (decides()).
   */
  loadNamed(userNames: readonly string[]): Promise<void> {
    return this.#records.loadNamed(userNames);
  }

  /**
   * Whether every one of these UserNames gets its id now: it holds one, or the records in hand decide
   * it as the full set would. A caller that needs the ids at once awaits load() otherwise.
   */
  decides(userNames: readonly string[]): boolean {
    return userNames.every((name) => this.#byUserName.has(name) || this.#records.decides(name));
  }

  /**
   * Reads what gives these UserNames their ids at once: their records by name (loadNamed), then all
   * of them when those do not decide every name.
   */
  async loadFor(userNames: readonly string[]): Promise<void> {
    await this.loadNamed(userNames);
    if (!this.decides(userNames)) await this.load();
  }

  /** Forgets the bindings of the previous session (UserNames are session-scoped); records stay. */
  newSession(): void {
    this.#byUserName.clear();
    this.#holder.clear();
    this.#collided.clear();
    this.#permanent.clear();
    this.#minted.clear();
    this.#entries.clear();
    this.#waiting = [];
  }

  idOf(userName: string): string | undefined {
    return this.#byUserName.get(userName);
  }

  /** The UserName holding `id`; throws StableIdCollisionError for an id in collision. */
  userNameOf(id: string): string | undefined {
    const collision = this.#collided.get(id);
    if (collision) throw new StableIdCollisionError(collision);
    return this.#holder.get(id);
  }

  records(): StableIdRecord[] {
    return this.#records.all();
  }

  collisions(): StableIdCollision[] {
    return [...this.#collided.values()];
  }

  /** Gives ids to entries of this session (known ones keep theirs and refresh their record). */
  assign(entries: readonly StableIdEntry[], options: AssignOptions = {}): void {
    const fresh: Claim[] = [];
    const lastSeen = options.sameLogin ? this.#records.lastSeen() : undefined;
    const partial = this.#records.partial;
    const waiting: StableIdEntry[] = [];
    for (const entry of entries) {
      this.#entries.set(entry.userName, entry);
      const id = this.#byUserName.get(entry.userName);
      if (id !== undefined) this.#refresh(id, entry);
      else if (this.#inCollision(entry.userName)) continue;
      else {
        const seen = lastSeen?.get(entry.userName);
        if (seen !== undefined && !this.#holder.has(seen) && !this.#collided.has(seen)) {
          this.#byUserName.set(entry.userName, seen);
          this.#holder.set(seen, entry.userName);
        } else if (partial) waiting.push(entry);
        else fresh.push(this.#claim(entry));
      }
    }
    if (waiting.length > 0) this.#waiting.push({ entries: waiting, options });
    if (fresh.length === 0) {
      this.#records.save();
      return;
    }
    // Group the claims by id, counting the current holders too.
    const byId = new Map<string, Claim[]>();
    for (const c of fresh) {
      const claims = byId.get(c.id);
      if (claims === undefined) byId.set(c.id, [c]);
      else claims.push(c);
    }
    for (const [id, claims] of byId) {
      const holder = this.#holder.get(id);
      if (this.#collided.has(id)) {
        this.#extendCollision(id, claims);
        continue;
      }
      if (claims.length === 1 && holder === undefined) {
        this.#bind(claims[0] as Claim);
        continue;
      }
      if (!this.#separateBySeq(claims, holder)) this.#collide(id, claims, holder);
    }
    this.#records.save();
  }

  /** Forgets a UserName of this session (the contact was deleted); its record stays. */
  release(userName: string): void {
    this.#entries.delete(userName);
    for (const w of this.#waiting)
      if ('entries' in w) w.entries = w.entries.filter((e) => e.userName !== userName);
    const id = this.#byUserName.get(userName);
    if (id === undefined) return;
    this.#byUserName.delete(userName);
    this.#holder.delete(id);
  }

  /**
   * Permanent ids revealed by the protocol (§9.4). A UserName bound to an id minted this session
   * moves to the older record that holds the same permanent id; otherwise the record learns it.
   */
  learnPermanent(pairs: readonly (readonly [string, string])[]): void {
    if (this.#records.partial) {
      // The owner of a permanent id may be a record not read yet.
      this.#waiting.push({ pairs });
      return;
    }
    for (const [userName, permanentId] of pairs) {
      if (!userName || !permanentId) continue;
      this.#permanent.set(userName, permanentId);
      const current = this.#byUserName.get(userName);
      const owner = this.#records.lookup(`p\0${permanentId}`);
      if (current === undefined) continue;
      if (owner && owner.id !== current && this.#minted.has(current) && !this.#holder.has(owner.id)) {
        this.#records.delete(current);
        this.#minted.delete(current);
        this.#holder.delete(current);
        this.#byUserName.set(userName, owner.id);
        this.#holder.set(owner.id, userName);
        const entry = this.#entries.get(userName);
        if (entry) this.#refresh(owner.id, entry);
        continue;
      }
      const record = this.#records.get(current);
      if (record && record.permanentId !== permanentId && (!owner || owner.id === current)) {
        this.#records.unindex(record);
        record.permanentId = permanentId;
        this.#records.index(record);
        this.#records.markDirty();
      }
    }
    this.#records.save();
  }

  /** Resolves when every save scheduled so far has run. */
  flush(): Promise<void> {
    return this.#records.flush();
  }

  /** The full read is in: what waited for it, in order, then the save it held back. */
  #afterFullRead(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) {
      if ('pairs' in w) this.learnPermanent(w.pairs);
      else if (w.entries.length > 0) this.assign(w.entries, w.options);
    }
    this.#records.save();
  }

  #claim(entry: StableIdEntry): Claim {
    const permanentId = this.#permanent.get(entry.userName) ?? '';
    // No records (a first login): every lookup would miss; no key is built, no seq fingerprint hashed.
    const record =
      this.#records.size === 0
        ? undefined
        : ((permanentId ? this.#records.lookup(`p\0${permanentId}`) : undefined) ??
          (entry.alias ? this.#records.lookup(`a\0${entry.kind}\0${entry.alias}`) : undefined) ??
          this.#records.lookup(`f\0${entry.kind}\0${entry.fingerprint}`) ??
          (entry.fingerprintWithSeq
            ? this.#records.lookup(`f\0${entry.kind}\0${entry.fingerprintWithSeq}`)
            : undefined));
    if (record) return { entry, id: record.id, source: record.source, fromRecord: true };
    if (permanentId) return { entry, id: `p:${permanentId}`, source: 'permanent', fromRecord: false };
    if (entry.alias) return { entry, id: `a:${entry.alias}`, source: 'alias', fromRecord: false };
    return { entry, id: `f:${entry.fingerprint}`, source: 'fingerprint', fromRecord: false };
  }

  /**
   * Each record's last UserName → its id, leaving out UserNames that several records name. Every
   * record's: records read by name only are completed first (at once for a store that reads
   * synchronously, as SqliteStore; otherwise what is in hand).
   */
  lastUserNames(): Map<string, string> {
    if (this.#records.partial) void this.#records.load();
    return this.#records.lastSeen();
  }

  /**
   * Binds a claim; `fingerprint` is the one to keep when the caller decided it (the avatar seq told
   * namesakes apart). Otherwise an existing record keeps the seq form it was given (#refresh), so a
   * namesake's record does not flip between the two forms with every login.
   */
  #bind(claim: Claim, fingerprint?: string): void {
    const { entry, id } = claim;
    this.#byUserName.set(entry.userName, id);
    this.#holder.set(id, entry.userName);
    const existing = this.#records.get(id);
    if (existing) {
      this.#refresh(id, entry, fingerprint);
      return;
    }
    this.#minted.add(id);
    this.#records.add({
      id,
      source: claim.source,
      kind: entry.kind,
      permanentId: this.#permanent.get(entry.userName) ?? '',
      alias: entry.alias,
      fingerprint: fingerprint ?? entry.fingerprint,
      lastUserName: entry.userName,
      name: entry.name,
      seenAt: this.#o.now(),
    });
  }

  #refresh(id: string, entry: StableIdEntry, fingerprint?: string): void {
    const r = this.#records.get(id);
    if (!r) return;
    const fp =
      fingerprint ??
      (r.fingerprint !== entry.fingerprint && r.fingerprint === entry.fingerprintWithSeq
        ? r.fingerprint
        : entry.fingerprint);
    const keysChanged = r.alias !== entry.alias || r.fingerprint !== fp;
    if (keysChanged || r.lastUserName !== entry.userName || r.name !== entry.name) this.#records.markDirty();
    if (keysChanged) this.#records.unindex(r);
    r.alias = entry.alias;
    r.fingerprint = fp;
    r.lastUserName = entry.userName;
    r.name = entry.name;
    r.seenAt = this.#o.now();
    // Same keys or new ones: it takes those of them no record holds now.
    this.#records.index(r);
  }

  /** Fingerprint claims that the avatar seq tells apart each get an id of their own. */
  #separateBySeq(claims: Claim[], holder: string | undefined): boolean {
    if (holder !== undefined) return false;
    if (claims.some((c) => c.source !== 'fingerprint' || c.fromRecord || c.entry.fingerprintWithSeq === ''))
      return false;
    const seqIds = new Set(claims.map((c) => c.entry.fingerprintWithSeq));
    if (seqIds.size !== claims.length) return false;
    for (const c of claims) {
      const id = `f:${c.entry.fingerprintWithSeq}`;
      const record = this.#records.get(id);
      if (this.#holder.has(id) || this.#collided.has(id)) return false;
      this.#bind({ ...c, id, fromRecord: record !== undefined }, c.entry.fingerprintWithSeq);
    }
    return true;
  }

  #collide(id: string, claims: Claim[], holder: string | undefined): void {
    const userNames = claims.map((c) => c.entry.userName);
    if (holder !== undefined) {
      userNames.unshift(holder);
      this.#byUserName.delete(holder);
      this.#holder.delete(id);
    }
    const collision: StableIdCollision = { id, userNames, source: claims[0]?.source ?? 'fingerprint' };
    this.#collided.set(id, collision);
    this.#o.onCollision({ ...collision, userNames: [...userNames] });
  }

  #extendCollision(id: string, claims: Claim[]): void {
    const collision = this.#collided.get(id) as StableIdCollision;
    for (const c of claims)
      if (!collision.userNames.includes(c.entry.userName)) collision.userNames.push(c.entry.userName);
    this.#o.onCollision({ ...collision, userNames: [...collision.userNames] });
  }

  #inCollision(userName: string): boolean {
    for (const c of this.#collided.values()) if (c.userNames.includes(userName)) return true;
    return false;
  }
}

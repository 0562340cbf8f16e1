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
  readonly #records = new Map<string, StableIdRecord>();
  /** Session UserName → id, and back. */
  readonly #byUserName = new Map<string, string>();
  readonly #holder = new Map<string, string>();
  /** Ids in collision this session → the UserNames claiming them. */
  readonly #collided = new Map<string, StableIdCollision>();
  /** UserName → permanent id learned this session. */
  readonly #permanent = new Map<string, string>();
  /**
   * Lookup keys ('p\0perm', 'a\0kind\0alias', 'f\0kind\0fingerprint') → record id. A record's keys
   * are made from its fields when needed (keysOf), not kept: a map less per account of a host.
   */
  readonly #index = new Map<string, string>();
  /**
   * Whether #index holds every record's keys: built on first use (#idx), which a resume of the same
   * login never needs (building it for 5,201 records: 4–12 ms of a restart's 0.5 s; bench row "restart
   * with a saved session, big account").
   */
  #indexed = false;
  /** The last entry seen per UserName (to refresh a record when a binding moves). */
  readonly #entries = new Map<string, StableIdEntry>();
  /** Ids minted this session (they may be given up for an older one the pairing reveals). */
  readonly #minted = new Set<string>();
  #loaded: Promise<void> | undefined;
  #saving: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(options: StableIdRegistryOptions) {
    this.#o = options;
  }

  /** Loads the store once. */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      try {
        for (const r of await this.#o.store.load()) {
          if (!r || typeof r.id !== 'string' || !r.id) continue;
          const record = { ...r };
          const earlier = this.#records.get(r.id);
          if (earlier && this.#indexed) this.#unindexKeys(earlier);
          this.#records.set(r.id, record);
          if (this.#indexed) this.#indexKeys(record);
        }
      } catch (error) {
        this.#o.onStoreError(error);
      }
    })();
    return this.#loaded;
  }

  /** Forgets the bindings of the previous session (UserNames are session-scoped); records stay. */
  newSession(): void {
    this.#byUserName.clear();
    this.#holder.clear();
    this.#collided.clear();
    this.#permanent.clear();
    this.#minted.clear();
    this.#entries.clear();
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
    return [...this.#records.values()].map((r) => ({ ...r }));
  }

  collisions(): StableIdCollision[] {
    return [...this.#collided.values()];
  }

  /** Gives ids to entries of this session (known ones keep theirs and refresh their record). */
  assign(entries: readonly StableIdEntry[], options: AssignOptions = {}): void {
    const fresh: Claim[] = [];
    const lastSeen = options.sameLogin ? this.#lastSeen() : undefined;
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
        } else fresh.push(this.#claim(entry));
      }
    }
    if (fresh.length === 0) {
      this.#scheduleSave();
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
    this.#scheduleSave();
  }

  /** Forgets a UserName of this session (the contact was deleted); its record stays. */
  release(userName: string): void {
    this.#entries.delete(userName);
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
    for (const [userName, permanentId] of pairs) {
      if (!userName || !permanentId) continue;
      this.#permanent.set(userName, permanentId);
      const current = this.#byUserName.get(userName);
      const owner = this.#lookup(`p\0${permanentId}`);
      if (current === undefined) continue;
      if (owner && owner.id !== current && this.#minted.has(current) && !this.#holder.has(owner.id)) {
        const dropped = this.#records.get(current);
        if (dropped) this.#unindexKeys(dropped);
        this.#records.delete(current);
        this.#minted.delete(current);
        this.#holder.delete(current);
        this.#byUserName.set(userName, owner.id);
        this.#holder.set(owner.id, userName);
        const entry = this.#entries.get(userName);
        if (entry) this.#refresh(owner.id, entry);
        this.#dirty = true;
        continue;
      }
      const record = this.#records.get(current);
      if (record && record.permanentId !== permanentId && (!owner || owner.id === current)) {
        this.#unindexKeys(record);
        record.permanentId = permanentId;
        this.#indexKeys(record);
        this.#dirty = true;
      }
    }
    this.#scheduleSave();
  }

  /** Resolves when every save scheduled so far has run. */
  flush(): Promise<void> {
    return this.#saving;
  }

  #claim(entry: StableIdEntry): Claim {
    const permanentId = this.#permanent.get(entry.userName) ?? '';
    // No records (a first login): every lookup would miss; no key is built, no seq fingerprint hashed.
    const record =
      this.#records.size === 0
        ? undefined
        : ((permanentId ? this.#lookup(`p\0${permanentId}`) : undefined) ??
          (entry.alias ? this.#lookup(`a\0${entry.kind}\0${entry.alias}`) : undefined) ??
          this.#lookup(`f\0${entry.kind}\0${entry.fingerprint}`) ??
          (entry.fingerprintWithSeq
            ? this.#lookup(`f\0${entry.kind}\0${entry.fingerprintWithSeq}`)
            : undefined));
    if (record) return { entry, id: record.id, source: record.source, fromRecord: true };
    if (permanentId) return { entry, id: `p:${permanentId}`, source: 'permanent', fromRecord: false };
    if (entry.alias) return { entry, id: `a:${entry.alias}`, source: 'alias', fromRecord: false };
    return { entry, id: `f:${entry.fingerprint}`, source: 'fingerprint', fromRecord: false };
  }

  /** Each record's last UserName → its id, leaving out UserNames that several records name. */
  lastUserNames(): Map<string, string> {
    return this.#lastSeen();
  }

  /** lastUserName → record id, leaving out UserNames that several records name. */
  #lastSeen(): Map<string, string> {
    const out = new Map<string, string>();
    const ambiguous = new Set<string>();
    for (const r of this.#records.values()) {
      const name = r.lastUserName;
      if (!name) continue;
      if (out.has(name)) ambiguous.add(name);
      else out.set(name, r.id);
    }
    for (const name of ambiguous) out.delete(name);
    return out;
  }

  #lookup(key: string): StableIdRecord | undefined {
    const id = this.#idx().get(key);
    return id === undefined ? undefined : this.#records.get(id);
  }

  /** The lookup index, built from every record the first time it is needed. */
  #idx(): Map<string, string> {
    if (!this.#indexed) {
      this.#indexed = true;
      for (const r of this.#records.values()) this.#indexKeys(r);
    }
    return this.#index;
  }

  /** Indexes a record's keys; the first record to claim a key keeps it. */
  #indexKeys(r: StableIdRecord): void {
    const index = this.#idx();
    for (const k of keysOf(r)) if (!index.has(k)) index.set(k, r.id);
  }

  /** Takes a record's keys out of the index (before its fields change, or it is deleted). */
  #unindexKeys(r: StableIdRecord): void {
    const index = this.#idx();
    for (const k of keysOf(r)) if (index.get(k) === r.id) index.delete(k);
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
    this.#records.set(id, {
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
    this.#indexKeys(this.#records.get(id) as StableIdRecord);
    this.#dirty = true;
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
    if (keysChanged || r.lastUserName !== entry.userName || r.name !== entry.name) this.#dirty = true;
    if (keysChanged) this.#unindexKeys(r);
    r.alias = entry.alias;
    r.fingerprint = fp;
    r.lastUserName = entry.userName;
    r.name = entry.name;
    r.seenAt = this.#o.now();
    // Same keys or new ones: it takes those of them no record holds now.
    this.#indexKeys(r);
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

  #scheduleSave(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#saving = this.#saving.then(async () => {
      try {
        await this.#o.store.save(this.records());
      } catch (error) {
        this.#o.onStoreError(error);
      }
    });
  }
}

/** A record's lookup keys, strongest first. */
function keysOf(r: StableIdRecord): string[] {
  const keys: string[] = [];
  if (r.permanentId) keys.push(`p\0${r.permanentId}`);
  if (r.alias) keys.push(`a\0${r.kind}\0${r.alias}`);
  if (r.fingerprint) keys.push(`f\0${r.kind}\0${r.fingerprint}`);
  return keys;
}

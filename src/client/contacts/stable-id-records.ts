/**
 * The stable-id records of one client (stable-ids.ts gives the ids): what the store kept, read once
 * in full or, on a resume of the same login, first only the records its first replies name; the
 * lookup index over their keys; and the write-back of the complete set.
 *
 * Read by name (StableIdStore.loadNamed): a resume of the big account (5,200 records, 1.3 MB of JSON)
 * read and parsed every record while its webwxinit was on the wire and held the answer up by 20–35 ms
 * of CPU and collection; now it reads the few records of the contacts its first sync reply names, and
 * the rest after that reply (bench row "restart with a saved session, big account: process start →
 * first reply"). Until the full read the set is partial: nothing is saved (a save replaces the complete
 * set), and the registry gives no id that needs a lookup (it waits for the full read).
 */
import type { StableIdRecord, StableIdStore } from './stable-id-types.js';

export interface StableIdRecordsOptions {
  store: StableIdStore;
  /** Store failures (logged by the caller; they never end the session). */
  onStoreError: (error: unknown) => void;
  /** Runs once the full read is in (the registry assigns what waited for it). */
  onFull: () => void;
}

export class StableIdRecords {
  readonly #o: StableIdRecordsOptions;
  readonly #records = new Map<string, StableIdRecord>();
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
  /** The full read, once started (a synchronous store's is done when this is set). */
  #loading: Promise<void> | undefined;
  /**
   * Records were read by name and the full read is not in: the set in hand is part of the stored one
   * (before any read at all, the set is whatever was added, as with a store never loaded).
   */
  #partial = false;
  /** UserNames read by name so far, and the ids of the records that read brought. */
  readonly #askedNames = new Set<string>();
  readonly #namedIds = new Set<string>();
  #saving: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(options: StableIdRecordsOptions) {
    this.#o = options;
  }

  /** Records were read by name and the rest are not in yet: nothing is saved, and no lookup is made. */
  get partial(): boolean {
    return this.#partial;
  }

  get size(): number {
    return this.#records.size;
  }

  /**
   * Reads every record, once. A store that answers synchronously (SqliteStore) is merged before this
   * returns; records already read by name are kept as they are now (they may have been refreshed).
   */
  load(): Promise<void> {
    if (this.#loading) return this.#loading;
    let read: Promise<StableIdRecord[]> | StableIdRecord[];
    try {
      read = this.#o.store.load();
    } catch (error) {
      this.#o.onStoreError(error);
      read = [];
    }
    if (Array.isArray(read)) {
      this.#merge(read);
      this.#loading = Promise.resolve();
    } else {
      this.#loading = Promise.resolve(read).then(
        (records) => this.#merge(records),
        (error: unknown) => {
          this.#o.onStoreError(error);
          this.#merge([]);
        },
      );
    }
    return this.#loading;
  }

  /**
   * Reads the records last seen with these UserNames (all of them per name), when the store can and
   * the full read has not been done; otherwise the full read. From the first call the set is partial
   * (even with no names, or while the answer is awaited). A failing read is reported and leaves the
   * names to the full read (they are not decided).
   */
  async loadNamed(userNames: readonly string[]): Promise<void> {
    const store = this.#o.store;
    if (this.#loading || typeof store.loadNamed !== 'function') return this.load();
    // Partial from now on, even before (or without) an answer: an entry given its id meanwhile would
    // be looked up among records that are not all here.
    this.#partial = true;
    const wanted = userNames.filter((name) => name !== '' && !this.#askedNames.has(name));
    if (wanted.length === 0) return;
    let records: StableIdRecord[];
    try {
      records = await store.loadNamed(wanted);
    } catch (error) {
      this.#o.onStoreError(error);
      return;
    }
    if (!this.#partial) return; // the full read came meanwhile, with these records in it
    for (const name of wanted) this.#askedNames.add(name);
    for (const r of Array.isArray(records) ? records : []) {
      if (!isRecord(r) || this.#records.has(r.id)) continue;
      this.#namedIds.add(r.id);
      this.#add({ ...r });
    }
  }

  /**
   * Whether the records in hand give `userName` its id as the full set would: the set is not partial,
   * or the name was read by name and one record was last seen with it (its id is taken at once; none,
   * or two, need the lookup over every record).
   */
  decides(userName: string): boolean {
    if (!this.#partial) return true;
    if (!this.#askedNames.has(userName)) return false;
    let named = 0;
    for (const id of this.#namedIds) if (this.#records.get(id)?.lastUserName === userName) named++;
    return named === 1;
  }

  get(id: string): StableIdRecord | undefined {
    return this.#records.get(id);
  }

  /** A new record (its keys indexed). */
  add(record: StableIdRecord): void {
    this.#add(record);
    this.#dirty = true;
  }

  /** Deletes a record and its keys. */
  delete(id: string): void {
    const r = this.#records.get(id);
    if (!r) return;
    this.unindex(r);
    this.#records.delete(id);
    this.#dirty = true;
  }

  /** The record that holds `key`. */
  lookup(key: string): StableIdRecord | undefined {
    const id = this.#idx().get(key);
    return id === undefined ? undefined : this.#records.get(id);
  }

  /** Indexes a record's keys; the first record to claim a key keeps it. */
  index(r: StableIdRecord): void {
    const index = this.#idx();
    for (const k of keysOf(r)) if (!index.has(k)) index.set(k, r.id);
  }

  /** Takes a record's keys out of the index (before its fields change, or it is deleted). */
  unindex(r: StableIdRecord): void {
    const index = this.#idx();
    for (const k of keysOf(r)) if (index.get(k) === r.id) index.delete(k);
  }

  /** lastUserName → record id over the records in hand, leaving out UserNames that several records name. */
  lastSeen(): Map<string, string> {
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

  /** Copies of every record in hand. */
  all(): StableIdRecord[] {
    return [...this.#records.values()].map((r) => ({ ...r }));
  }

  /** Something changed: the next save() writes the set. */
  markDirty(): void {
    this.#dirty = true;
  }

  /** Writes the complete set when it changed; a partial set waits for the full read. */
  save(): void {
    if (!this.#dirty || this.#partial) return;
    this.#dirty = false;
    this.#saving = this.#saving.then(async () => {
      try {
        await this.#o.store.save(this.all());
      } catch (error) {
        this.#o.onStoreError(error);
      }
    });
  }

  /** Resolves when every save scheduled so far has run. */
  flush(): Promise<void> {
    return this.#saving;
  }

  /** The full read's records, once: those read by name are kept as they are now. */
  #merge(records: readonly StableIdRecord[]): void {
    for (const r of Array.isArray(records) ? records : []) {
      if (!isRecord(r) || this.#namedIds.has(r.id)) continue;
      const earlier = this.#records.get(r.id);
      if (earlier && this.#indexed) this.unindex(earlier);
      this.#add({ ...r });
    }
    this.#partial = false;
    this.#namedIds.clear();
    this.#askedNames.clear();
    this.#o.onFull();
  }

  #add(record: StableIdRecord): void {
    this.#records.set(record.id, record);
    if (this.#indexed) this.index(record);
  }

  /** The lookup index, built from every record the first time it is needed. */
  #idx(): Map<string, string> {
    if (!this.#indexed) {
      this.#indexed = true;
      for (const r of this.#records.values()) this.index(r);
    }
    return this.#index;
  }
}

function isRecord(r: unknown): r is StableIdRecord {
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof (r as { id?: unknown }).id === 'string' &&
    (r as { id: string }).id !== ''
  );
}

/** A record's lookup keys, strongest first. */
function keysOf(r: StableIdRecord): string[] {
  const keys: string[] = [];
  if (r.permanentId) keys.push(`p\0${r.permanentId}`);
  if (r.alias) keys.push(`a\0${r.kind}\0${r.alias}`);
  if (r.fingerprint) keys.push(`f\0${r.kind}\0${r.fingerprint}`);
  return keys;
}

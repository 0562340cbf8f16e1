/**
 * The public types of stable ids (docs/contacts.md): what a store keeps and how it is plugged in.
 * The logic is in stable-ids.ts.
 */

/** Where a stable id came from, strongest first. */
export type StableIdSource = 'permanent' | 'alias' | 'fingerprint';

/**
 * One contact or room as the stable-id registry remembers it across logins. Every field is plain
 * JSON (strings and numbers), so a store may serialise the record as it is.
 */
export interface StableIdRecord {
  /** The stable id itself: 'p:<permanent id>', 'a:<alias>' or 'f:<16 hex>'. Never changes once given. */
  id: string;
  /** What the id was derived from when it was first given. */
  source: StableIdSource;
  /** 'contact' for people, official and special accounts; 'room' for groups. */
  kind: 'contact' | 'room';
  /** The permanent id (wxid_…, gh_…, a custom WeChat ID, <n>@chatroom) once the protocol revealed it; '' otherwise. */
  permanentId: string;
  /** Alias (WeChat ID) at the last sighting; '' when unset. */
  alias: string;
  /** The fingerprint at the last sighting (16 hex; see fingerprintOf in stable-ids.ts). */
  fingerprint: string;
  /** The session-scoped UserName at the last sighting (changes with every login). */
  lastUserName: string;
  /** A name for humans at the last sighting (remark name, nickname or topic). */
  name: string;
  /** Unix ms of the last sighting. */
  seenAt: number;
}

/**
 * Where stable ids are kept between logins. `load()` is called once, before the first contacts are
 * registered; `save(records)` receives the complete set every time (replace everything, never
 * append), at most once per batch of changes. Either may be synchronous or return a promise; a
 * failing store is logged and never ends the session.
 */
export interface StableIdStore {
  /** Every record kept so far ([] the first time). */
  load(): Promise<StableIdRecord[]> | StableIdRecord[];
  /**
   * Optional: every record whose `lastUserName` is one of `userNames` (all of them, when several
   * records name one UserName). With it, a resume of the same login reads only the records its first
   * replies name before answering them, and the rest soon after (SqliteStore has it; see
   * StableIdRegistry.loadNamed).
   */
  loadNamed?(userNames: readonly string[]): Promise<StableIdRecord[]> | StableIdRecord[];
  /** Replace everything kept with `records`, the complete set. */
  save(records: StableIdRecord[]): Promise<void> | void;
}

/** Two or more contacts of this session claim the same stable id: none of them gets it. */
export interface StableIdCollision {
  id: string;
  /** The session UserNames involved (two or more). */
  userNames: string[];
  /** Which key collided. */
  source: StableIdSource;
}

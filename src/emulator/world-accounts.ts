/**
 * Worlds of several accounts (docs/emulator.md "Several accounts"): each account sees its own world
 * (its self, contacts and rooms); other accounts appear in it as people with the account's id, and a
 * room several accounts are in is in each of their worlds under one id. `buildWorlds` expands a
 * {@link MultiWorldSpec} into one validated World per account.
 */
import { buildWorld, WorldValidationError } from './world.js';
import type { ContactSpec, RoomSpec, World, WorldSpec } from './world-types.js';

/**
 * A world file of several accounts: `accounts` are single-account world specs (another account is
 * named among contacts by its id alone: its nickName, sex, signature and alias come from its `self`);
 * `rooms` are shared rooms, each put into the world of every account among its members (members an
 * account has no contact entry for become strangers of its world).
 */
export interface MultiWorldSpec {
  accounts: AccountWorldSpec[];
  /** Rooms several accounts are members of. */
  rooms?: RoomSpec[];
}

/** One account's world in a {@link MultiWorldSpec}: another account may be named by its id alone. */
export interface AccountWorldSpec extends Omit<WorldSpec, 'contacts'> {
  contacts: (ContactSpec | (Partial<ContactSpec> & { id: string }))[];
}

/** A world file's content: one account's world, or several accounts'. */
export type AnyWorldSpec = WorldSpec | MultiWorldSpec;

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(field: string, message: string): never {
  throw new WorldValidationError(field, message);
}

/** Is this spec a world of several accounts (it has `accounts`)? */
export function isMultiWorldSpec(spec: unknown): spec is MultiWorldSpec {
  return isObject(spec) && 'accounts' in spec;
}

/** The fields of an account's self that other accounts see of it. */
function personOf(self: Raw): Raw {
  const p: Raw = { id: self.id, nickName: self.nickName };
  for (const k of ['sex', 'signature', 'alias', 'pinyin']) if (self[k] !== undefined) p[k] = self[k];
  return p;
}

function idsOf(members: unknown): string[] {
  if (!Array.isArray(members)) return [];
  return members.map((m) =>
    typeof m === 'string' ? m : isObject(m) && typeof m.id === 'string' ? m.id : '',
  );
}

/** Each account's spec with other accounts filled in and the shared rooms added. */
function expand(spec: Raw): Raw[] {
  const raw = spec.accounts;
  if (!Array.isArray(raw) || raw.length === 0) fail('accounts', 'expected a non-empty array of worlds');
  const accounts = raw.map((a: unknown, i: number) => {
    if (!isObject(a)) fail(`accounts[${i}]`, 'expected an object (a world: self, contacts, rooms)');
    if (!isObject(a.self) || typeof a.self.id !== 'string')
      fail(`accounts[${i}].self.id`, 'expected a string');
    if (!Array.isArray(a.contacts)) fail(`accounts[${i}].contacts`, 'expected an array');
    const copy: Raw & { contacts: unknown[]; rooms: unknown[] } = {
      ...a,
      contacts: [...(a.contacts as unknown[])],
      rooms: [...((a.rooms as unknown[] | undefined) ?? [])],
    };
    return copy;
  });
  const selves = new Map<string, Raw>();
  accounts.forEach((a, i) => {
    const self = a.self as Raw;
    if (selves.has(self.id as string)) fail(`accounts[${i}].self.id`, `duplicate account "${self.id}"`);
    selves.set(self.id as string, self);
  });
  // Another account named by id: the rest of its entry comes from its self.
  for (const a of accounts) {
    a.contacts = a.contacts.map((c) => {
      if (!isObject(c) || typeof c.id !== 'string') return c;
      const other = selves.get(c.id);
      return other === undefined ? c : { ...personOf(other), ...c };
    });
  }
  const shared = spec.rooms ?? [];
  if (!Array.isArray(shared)) fail('rooms', 'expected an array');
  const byId = (id: string) => accounts.find((a) => (a.self as Raw).id === id);
  const anyContact = (id: string): Raw | undefined => {
    for (const a of accounts) for (const c of a.contacts) if (isObject(c) && c.id === id) return c;
    return undefined;
  };
  shared.forEach((room: unknown, r: number) => {
    const field = `rooms[${r}]`;
    if (!isObject(room) || !Array.isArray(room.members)) fail(`${field}.members`, 'expected an array');
    const members = idsOf(room.members);
    const inRoom = members.filter((m) => selves.has(m));
    if (inRoom.length === 0)
      fail(`${field}.members`, 'a shared room needs at least one account among its members');
    for (const accountId of inRoom) {
      const a = byId(accountId)!;
      const known = new Set(a.contacts.map((c) => (isObject(c) ? c.id : undefined)));
      members.forEach((m, j) => {
        if (m === accountId || known.has(m)) return;
        const self = selves.get(m);
        const found = self === undefined ? anyContact(m) : personOf(self);
        if (found === undefined)
          fail(`${field}.members[${j}]`, `unknown person "${m}" (no account lists it among its contacts)`);
        const { remarkName: _r, remarkPinyin: _p, starred: _s, ...person } = found;
        a.contacts.push({ ...person, kind: 'stranger' });
        known.add(m);
      });
      a.rooms.push(room);
    }
  });
  return accounts;
}

/**
 * Validates a world of several accounts and builds each account's World, in order (throws
 * WorldValidationError naming the field, e.g. 'accounts[1].contacts[0].nickName').
 */
export function buildWorlds(spec: unknown): World[] {
  if (!isMultiWorldSpec(spec)) return [buildWorld(spec)];
  const worlds = expand(spec as unknown as Raw).map((a, i) => {
    try {
      return buildWorld(a);
    } catch (error) {
      if (error instanceof WorldValidationError) fail(`accounts[${i}].${error.field}`, error.reason);
      throw error;
    }
  });
  const uins = new Map<number, string>();
  worlds.forEach((w, i) => {
    const other = uins.get(w.self.uin);
    if (other !== undefined) fail(`accounts[${i}].self.uin`, `${w.self.uin} is account "${other}"'s too`);
    uins.set(w.self.uin, w.self.id);
  });
  return worlds;
}

/** Options of {@link multiAccountWorld}. */
export interface MultiAccountWorldOptions {
  /** How many accounts (1 to 10,000). */
  accounts: number;
  /** Friends of each account that are no account ('wxid_a001_f01'…). Default 3. */
  friendsEach?: number;
  /**
   * Every account is every other's friend. Default: true up to {@link SMALL_WORLD_ACCOUNTS} accounts
   * (the contacts grow as N²).
   */
  mutualFriends?: boolean;
  /**
   * One room of every account ('9000000001@chatroom', "All accounts"). Default: true up to
   * {@link SMALL_WORLD_ACCOUNTS} accounts (each world holds every other account as a member: N²).
   */
  sharedRoom?: boolean;
}

/** Up to this many accounts, multiAccountWorld makes them mutual friends in one room by default. */
export const SMALL_WORLD_ACCOUNTS = 100;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * A world of `accounts` accounts 'wxid_account001'… ("Account 1"…), each with its own friends, every
 * account friends with every other and all in one shared room (by default, up to 100 accounts): for tests of bots that
 * talk to bots and of hosting many accounts (`startEmulator({ world: multiAccountWorld({ accounts: 3 }) })`).
 */
export function multiAccountWorld(options: MultiAccountWorldOptions): MultiWorldSpec {
  const n = options.accounts;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) fail('accounts', 'expected an integer from 1 to 10000');
  const friendsEach = options.friendsEach ?? 3;
  const small = n <= SMALL_WORLD_ACCOUNTS;
  const ids = Array.from({ length: n }, (_, i) => `wxid_account${pad(i + 1, 3)}`);
  const accounts: AccountWorldSpec[] = ids.map((id, i) => {
    const own: ContactSpec[] = Array.from({ length: friendsEach }, (_, f) => ({
      id: `wxid_a${pad(i + 1, 3)}_f${pad(f + 1, 2)}`,
      nickName: `Friend ${f + 1} of account ${i + 1}`,
    }));
    const others = !(options.mutualFriends ?? small)
      ? []
      : ids.filter((o) => o !== id).map((o) => ({ id: o }));
    return { self: { id, nickName: `Account ${i + 1}` }, contacts: [...others, ...own] };
  });
  const spec: MultiWorldSpec = { accounts };
  if ((options.sharedRoom ?? small) && n > 1)
    spec.rooms = [{ id: '9000000001@chatroom', topic: 'All accounts', owner: ids[0]!, members: ids }];
  return spec;
}

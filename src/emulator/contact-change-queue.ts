/**
 * The contact changes each session has yet to sync: the stable ids of changed contacts and rooms for
 * its next webwxsync's ModContactList, and of deleted ones for its DelContactList (world-changes.ts
 * marks them, sync-routes.ts takes them).
 */
import type { WireContact } from '../protocol/wire-types.js';
import { FILEHELPER } from './filehelper-app.js';
import type { Session, SessionStore } from './login-session.js';
import { wirePerson, wireRoom } from './wire-objects.js';
import type { World } from './world-types.js';

interface Pending {
  mod: Set<string>;
  del: Set<string>;
}

/** The changed ids a session hears of: a File Transfer session knows filehelper alone (§14). */
function seenBy(s: Session, ids: readonly string[]): readonly string[] {
  return s.app === 'filehelper' ? ids.filter((id) => id === FILEHELPER) : ids;
}

/** Per session, the changed and deleted ids not yet synced. */
export class ContactChangeQueue {
  readonly #pending = new WeakMap<Session, Pending>();

  constructor(private readonly deps: { readonly world: World; readonly sessions: SessionStore }) {}

  /** Queue contacts/rooms (stable ids) for every active session's next ModContactList. */
  markChanged(ids: readonly string[]): void {
    this.#mark(ids, 'mod', 'del');
  }

  /** Queue contacts/rooms for every active session's next DelContactList. */
  markDeleted(ids: readonly string[]): void {
    this.#mark(ids, 'del', 'mod');
  }

  /** Moves `ids` into one list of every active session (out of the other) and wakes its poll. */
  #mark(ids: readonly string[], into: keyof Pending, outOf: keyof Pending): void {
    for (const s of this.deps.sessions.active()) {
      const p = this.#pendingOf(s);
      for (const id of seenBy(s, ids)) {
        p[outOf].delete(id);
        p[into].add(id);
      }
      s.wake();
    }
  }

  has(s: Session): boolean {
    const p = this.#pending.get(s);
    return p !== undefined && (p.mod.size > 0 || p.del.size > 0);
  }

  /** The ModContactList/DelContactList for one webwxsync of `s` (and forget them). */
  take(s: Session): { mod: WireContact[]; del: WireContact[] } {
    const p = this.#pending.get(s);
    if (!p || (p.mod.size === 0 && p.del.size === 0)) return { mod: [], del: [] };
    const { world } = this.deps;
    const mod: WireContact[] = [];
    for (const id of p.mod) {
      const room = world.room(id);
      if (room) {
        if (room.memberIds.includes(world.self.id))
          mod.push(wireRoom(world, room, s.names, s.skey, { members: 'full' }));
        continue;
      }
      const person = world.person(id);
      if (person) mod.push(wirePerson(person, s.names, s.skey));
    }
    const del = [...p.del].map((id) => ({ UserName: s.names.userName(id) }) as WireContact);
    p.mod.clear();
    p.del.clear();
    return { mod, del };
  }

  #pendingOf(s: Session): Pending {
    let p = this.#pending.get(s);
    if (!p) {
      p = { mod: new Set(), del: new Set() };
      this.#pending.set(s, p);
    }
    return p;
  }
}

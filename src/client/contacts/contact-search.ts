/**
 * Contact search (docs/contacts.md): remark name, nickname, alias, room topic, group display names
 * and the pinyin the wire carries, ranked exact → prefix → partial. Pure.
 */
import type { Contact, ContactKind, Room, RoomMember } from '../../model/index.js';
import type { FindOptions } from './contact-service-types.js';

/** Case, width and compatibility folding (NFKC, lower case). */
export const foldName = (s: string): string => s.normalize('NFKC').toLocaleLowerCase();

/** Pinyin folds further: no spaces, so 'zhang wei', 'ZhangWei' and 'zhangwei' all match. */
const foldPinyin = (s: string): string => foldName(s).replace(/\s+/g, '');

/** Every searchable name of an entry (plain names, then pinyin). */
export function searchNamesOf(entry: Contact | Room): { names: string[]; pinyin: string[] } {
  if ('topic' in entry) return { names: [entry.topic].filter(Boolean), pinyin: [] };
  const p = entry.pinyin;
  return {
    names: [entry.remarkName, entry.nickName, entry.alias].filter(Boolean),
    pinyin: [p.remark, p.remarkInitials, p.nick, p.nickInitials].filter(Boolean),
  };
}

/** 0 exact, 1 prefix, 2 partial, undefined no match. */
function rank(
  query: string,
  names: readonly string[],
  pinyinQuery: string,
  pinyin: readonly string[],
): number | undefined {
  let best: number | undefined;
  const consider = (q: string, candidate: string): void => {
    if (!q || !candidate) return;
    const r = candidate === q ? 0 : candidate.startsWith(q) ? 1 : candidate.includes(q) ? 2 : undefined;
    if (r !== undefined && (best === undefined || r < best)) best = r;
  };
  for (const n of names) consider(query, foldName(n));
  for (const n of pinyin) consider(pinyinQuery, foldPinyin(n));
  return best;
}

export interface SearchSource {
  contacts: Iterable<Contact>;
  rooms: Iterable<Room>;
  /** Members of rooms that are in no other list, as strangers (for display-name matches). */
  strangerOf(member: RoomMember, room: Room): Contact | undefined;
  isKnown(userName: string): boolean;
}

/** The entries matching `query`, best first, filtered by `options`. */
export function searchContacts(
  source: SearchSource,
  query: string,
  options: FindOptions = {},
): (Contact | Room)[] {
  const q = foldName(query.trim());
  if (!q) return [];
  const pq = foldPinyin(query);
  const kinds = options.kinds ? new Set<ContactKind>(options.kinds) : undefined;
  const buckets: (Contact | Room)[][] = [[], [], []];
  const seen = new Set<string>();
  const consider = (entry: Contact | Room, r: number | undefined): void => {
    if (r === undefined || seen.has(entry.userName)) return;
    if (options.exact && r !== 0) return;
    const kind: ContactKind = 'topic' in entry ? 'room' : entry.kind;
    if (kinds && !kinds.has(kind)) return;
    seen.add(entry.userName);
    buckets[r]?.push(entry);
  };
  // Group display names of known contacts raise them too, so collect those ranks first.
  const memberRank = new Map<string, number>();
  const strangers = new Map<string, { member: RoomMember; room: Room; rank: number }>();
  for (const room of source.rooms) {
    for (const member of room.members) {
      const r = rank(q, [member.displayName, member.nickName], pq, []);
      if (r === undefined) continue;
      if (source.isKnown(member.userName)) {
        const prev = memberRank.get(member.userName);
        if (prev === undefined || r < prev) memberRank.set(member.userName, r);
      } else {
        const prev = strangers.get(member.userName);
        if (!prev || r < prev.rank) strangers.set(member.userName, { member, room, rank: r });
      }
    }
  }
  for (const contact of source.contacts) {
    const { names, pinyin } = searchNamesOf(contact);
    const own = rank(q, names, pq, pinyin);
    const viaRoom = memberRank.get(contact.userName);
    consider(contact, own === undefined ? viaRoom : viaRoom === undefined ? own : Math.min(own, viaRoom));
  }
  for (const room of source.rooms) {
    const { names, pinyin } = searchNamesOf(room);
    consider(room, rank(q, names, pq, pinyin));
  }
  for (const { member, room, rank: r } of strangers.values()) {
    const stranger = source.strangerOf(member, room);
    if (stranger) consider(stranger, r);
  }
  const all = buckets.flat();
  return options.limit !== undefined && options.limit >= 0 ? all.slice(0, options.limit) : all;
}

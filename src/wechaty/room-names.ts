/**
 * People named in room notices and mentions, found by name: the room's members (group display name,
 * then nickname, then the name the page shows), the members who just left (a removal's notice may come
 * after the member list changed), then the address book. Only unambiguous names resolve. Also keeps the
 * topic each room had before its last rename, for room-topic's `oldTopic`.
 */
import type { RoomChange, WebWxClient } from '../client/index.js';
import type { Contact, Room, RoomMember } from '../model/index.js';

/** Rooms whose departed members and previous topics are kept. */
const MAX_ROOMS = 500;

function unique<T>(items: readonly T[], pick: (item: T) => string, name: string): T | undefined | null {
  const found = items.filter((item) => pick(item) === name);
  if (found.length === 1) return found[0];
  return found.length > 1 ? null : undefined;
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ROOMS) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

export class RoomNames {
  readonly #client: () => WebWxClient | undefined;
  readonly #departed = new Map<string, RoomMember[]>();
  readonly #renamedFrom = new Map<string, string>();

  constructor(client: () => WebWxClient | undefined) {
    this.#client = client;
  }

  /** Records what a 'room-updated' change tells: who left, and the topic before a rename. */
  noteChange(change: RoomChange): void {
    const room = change.room.userName;
    if (change.left.length > 0) remember(this.#departed, room, [...change.left]);
    if (change.renamed && change.previous) remember(this.#renamedFrom, room, change.previous.topic);
  }

  /** The topic before the room's last rename, '' when unknown. */
  previousTopic(roomUserName: string): string {
    return this.#renamedFrom.get(roomUserName) ?? '';
  }

  /** The UserName of the one person called `name` in the room (or the address book), '' otherwise. */
  userNameByName(roomUserName: string, name: string): string {
    const client = this.#client();
    if (!client || name === '') return '';
    const members = client.contacts.members(roomUserName);
    for (const pick of [
      (m: (typeof members)[number]) => m.displayName,
      (m: (typeof members)[number]) => m.nickName,
      (m: (typeof members)[number]) => m.name,
    ]) {
      const found = unique(members, pick, name);
      if (found) return found.userName;
      if (found === null) return '';
    }
    const departed = this.#departed.get(roomUserName) ?? [];
    for (const pick of [(m: RoomMember) => m.displayName, (m: RoomMember) => m.nickName]) {
      const found = unique(departed, pick, name);
      if (found) return found.userName;
      if (found === null) return '';
    }
    const self = client.self;
    if (self && (self.nickName === name || self.remarkName === name)) return self.userName;
    const people = client.contacts
      .find(name, { exact: true })
      .filter((entry): entry is Contact => !('topic' in (entry as Room)));
    return people.length === 1 ? (people[0]?.userName ?? '') : '';
  }

  /** The UserName of a room member a mention names ('' when nobody or several). */
  memberByName(roomUserName: string, name: string): string {
    return this.userNameByName(roomUserName, name);
  }
}

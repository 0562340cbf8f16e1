/**
 * The world the emulator serves: the logged-in account, its contacts (with permanent stable ids),
 * rooms and their members. `buildWorld` validates a spec (the JSON file format, docs/emulator.md) and
 * indexes it into a `World`; the types of both are in world-types.ts.
 */
import { InvalidArgumentError } from '../errors.js';
import { uinFor } from './ids.js';
import type { ContactKind, World, WorldPerson, WorldRoom, WorldSelf } from './world-types.js';

/** A world spec or file that does not validate; `field` names the bad field. */
export class WorldValidationError extends InvalidArgumentError {
  /** The offending field, e.g. 'contacts[3].nickName'. */
  readonly field: string;
  /** What is wrong with it. */
  readonly reason: string;
  constructor(field: string, message: string) {
    super(field, `invalid world: ${field}: ${message}`);
    this.field = field;
    this.reason = message;
  }
}

const KINDS: readonly ContactKind[] = ['friend', 'official', 'special', 'stranger'];
const PERSON_ID = /^[A-Za-z][A-Za-z0-9_-]{1,39}$/;
const ROOM_ID = /^\d+@chatroom$/;

function fail(field: string, message: string): never {
  throw new WorldValidationError(field, message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(obj: Record<string, unknown>, key: string, field: string, required: boolean): string {
  const v = obj[key];
  if (v === undefined && !required) return '';
  if (typeof v !== 'string') fail(`${field}.${key}`, `expected a string, got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `"${v}"` : typeof v;
}

function sexOf(obj: Record<string, unknown>, field: string): 0 | 1 | 2 {
  const v = obj.sex;
  if (v === undefined) return 0;
  if (v !== 0 && v !== 1 && v !== 2) fail(`${field}.sex`, `expected 0, 1 or 2, got ${describe(v)}`);
  return v;
}

/** Pinyin fields: 'zhang wei' → ['ZW', 'zhangwei']; ASCII names derive their own. */
export function pinyinFields(name: string, pinyin: string): { initial: string; full: string } {
  const source = pinyin || (/^[\x20-\x7e]*$/.test(name) ? name : '');
  const words = source
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return {
    initial: words.map((w) => w[0]!.toUpperCase()).join(''),
    full: words.join(''),
  };
}

function checkPersonId(id: string, field: string, kind: ContactKind): void {
  if (!PERSON_ID.test(id))
    fail(field, `"${id}" is not a valid id (letter first, then letters, digits, _ or -)`);
  if (kind === 'official' && !id.startsWith('gh_'))
    fail(field, `official account ids start with "gh_", got "${id}"`);
}

function validateContact(raw: unknown, field: string): WorldPerson {
  if (!isObject(raw)) fail(field, `expected an object, got ${describe(raw)}`);
  const id = str(raw, 'id', field, true);
  const kind = raw.kind === undefined ? 'friend' : raw.kind;
  if (!KINDS.includes(kind as ContactKind)) {
    fail(`${field}.kind`, `expected one of ${KINDS.join(', ')}, got ${describe(kind)}`);
  }
  checkPersonId(id, `${field}.id`, kind as ContactKind);
  const verifyFlag = raw.verifyFlag ?? (kind === 'official' ? 24 : 0);
  if (typeof verifyFlag !== 'number' || !Number.isInteger(verifyFlag) || verifyFlag < 0) {
    fail(`${field}.verifyFlag`, `expected a non-negative integer, got ${describe(verifyFlag)}`);
  }
  if (raw.starred !== undefined && typeof raw.starred !== 'boolean') {
    fail(`${field}.starred`, `expected a boolean, got ${describe(raw.starred)}`);
  }
  const nickName = str(raw, 'nickName', field, true);
  if (nickName === '') fail(`${field}.nickName`, 'must not be empty');
  return {
    id,
    nickName,
    kind: kind as ContactKind,
    remarkName: str(raw, 'remarkName', field, false),
    alias: str(raw, 'alias', field, false),
    sex: sexOf(raw, field),
    signature: str(raw, 'signature', field, false),
    province: str(raw, 'province', field, false),
    city: str(raw, 'city', field, false),
    verifyFlag,
    starred: raw.starred === true,
    pinyin: str(raw, 'pinyin', field, false),
    remarkPinyin: str(raw, 'remarkPinyin', field, false),
  };
}

function validateSelf(raw: unknown): WorldSelf {
  if (!isObject(raw)) fail('self', `expected an object, got ${describe(raw)}`);
  const id = str(raw, 'id', 'self', true);
  checkPersonId(id, 'self.id', 'friend');
  const uin = raw.uin ?? uinFor(id);
  if (typeof uin !== 'number' || !Number.isInteger(uin) || uin <= 0) {
    fail('self.uin', `expected a positive integer, got ${describe(uin)}`);
  }
  const nickName = str(raw, 'nickName', 'self', true);
  if (nickName === '') fail('self.nickName', 'must not be empty');
  return {
    id,
    nickName,
    sex: sexOf(raw, 'self'),
    signature: str(raw, 'signature', 'self', false),
    alias: str(raw, 'alias', 'self', false),
    uin,
    pinyin: str(raw, 'pinyin', 'self', false),
  };
}

function validateRoom(
  raw: unknown,
  field: string,
  isPerson: (id: string) => boolean,
  selfId: string,
): WorldRoom {
  if (!isObject(raw)) fail(field, `expected an object, got ${describe(raw)}`);
  const id = str(raw, 'id', field, true);
  if (!ROOM_ID.test(id)) fail(`${field}.id`, `room ids look like "<digits>@chatroom", got "${id}"`);
  const topic = str(raw, 'topic', field, true);
  const owner = str(raw, 'owner', field, true);
  if (!Array.isArray(raw.members))
    fail(`${field}.members`, `expected an array, got ${describe(raw.members)}`);
  const memberIds: string[] = [];
  const displayNames = new Map<string, string>();
  const seen = new Set<string>();
  raw.members.forEach((m: unknown, i: number) => {
    const mf = `${field}.members[${i}]`;
    let mid: string;
    if (typeof m === 'string') mid = m;
    else if (isObject(m)) {
      mid = str(m, 'id', mf, true);
      const dn = str(m, 'displayName', mf, false);
      if (dn) displayNames.set(mid, dn);
    } else fail(mf, `expected a stable id or {id, displayName}, got ${describe(m)}`);
    if (mid !== selfId && !isPerson(mid))
      fail(mf, `unknown contact "${mid}" (add it to contacts, kind "stranger" for non-friends)`);
    if (seen.has(mid)) fail(mf, `duplicate member "${mid}"`);
    seen.add(mid);
    memberIds.push(mid);
  });
  if (!seen.has(selfId)) memberIds.unshift(selfId);
  if (!seen.has(owner) && owner !== selfId) fail(`${field}.owner`, `"${owner}" is not a member of the room`);
  if (raw.saved !== undefined && typeof raw.saved !== 'boolean') {
    fail(`${field}.saved`, `expected a boolean, got ${describe(raw.saved)}`);
  }
  return {
    id,
    topic,
    owner,
    memberIds,
    displayNames,
    saved: raw.saved !== false,
    pinyin: str(raw, 'pinyin', field, false),
  };
}

const FILEHELPER: WorldPerson = {
  id: 'filehelper',
  nickName: '文件传输助手',
  kind: 'special',
  remarkName: '',
  alias: '',
  sex: 0,
  signature: '',
  province: '',
  city: '',
  verifyFlag: 0,
  starred: false,
  pinyin: 'wen jian chuan shu zhu shou',
  remarkPinyin: '',
};

/** Validate a spec (throws WorldValidationError naming the bad field) and index it. */
export function buildWorld(spec: unknown): World {
  if (!isObject(spec)) fail('(root)', `expected an object, got ${describe(spec)}`);
  const self = validateSelf(spec.self);
  if (!Array.isArray(spec.contacts)) fail('contacts', `expected an array, got ${describe(spec.contacts)}`);
  const contacts: WorldPerson[] = [];
  const byId = new Map<string, WorldPerson>();
  spec.contacts.forEach((raw: unknown, i: number) => {
    const c = validateContact(raw, `contacts[${i}]`);
    if (c.id === self.id) fail(`contacts[${i}].id`, `"${c.id}" is the self's id`);
    if (byId.has(c.id)) fail(`contacts[${i}].id`, `duplicate id "${c.id}"`);
    byId.set(c.id, c);
    contacts.push(c);
  });
  if (!byId.has('filehelper')) {
    byId.set('filehelper', FILEHELPER);
    contacts.push(FILEHELPER);
  }
  const roomsRaw = spec.rooms ?? [];
  if (!Array.isArray(roomsRaw)) fail('rooms', `expected an array, got ${describe(roomsRaw)}`);
  const rooms: WorldRoom[] = [];
  const roomById = new Map<string, WorldRoom>();
  roomsRaw.forEach((raw: unknown, i: number) => {
    const r = validateRoom(raw, `rooms[${i}]`, (id) => byId.has(id), self.id);
    if (roomById.has(r.id)) fail(`rooms[${i}].id`, `duplicate id "${r.id}"`);
    roomById.set(r.id, r);
    rooms.push(r);
  });
  const recentRaw = spec.recent;
  let recent: string[];
  if (recentRaw === undefined) recent = defaultRecent(contacts, rooms);
  else {
    if (!Array.isArray(recentRaw)) fail('recent', `expected an array, got ${describe(recentRaw)}`);
    recent = recentRaw.map((id: unknown, i: number) => {
      if (typeof id !== 'string' || !(byId.has(id) || roomById.has(id))) {
        fail(`recent[${i}]`, `unknown contact or room ${describe(id)}`);
      }
      return id;
    });
  }
  return makeWorld(self, contacts, rooms, recent, byId, roomById);
}

function defaultRecent(contacts: WorldPerson[], rooms: WorldRoom[]): string[] {
  const friends = contacts.filter((c) => c.kind === 'friend').slice(0, 5);
  const official = contacts.find((c) => c.kind === 'official');
  return [
    'filehelper',
    ...friends.slice(0, 3).map((c) => c.id),
    ...rooms.slice(0, 3).map((r) => r.id),
    ...friends.slice(3).map((c) => c.id),
    ...(official ? [official.id] : []),
  ];
}

function makeWorld(
  self: WorldSelf,
  contacts: WorldPerson[],
  rooms: WorldRoom[],
  recent: string[],
  byId: Map<string, WorldPerson>,
  roomById: Map<string, WorldRoom>,
): World {
  // Recomputed only after a person was added or changed kind (world-changes.ts calls addPerson or
  // mutates `kind`, so the cache is keyed on a cheap signature).
  let listed = contacts.filter((c) => c.kind !== 'stranger');
  let listedKey = '';
  const listedSignature = () =>
    `${contacts.length}:${contacts.reduce((n, c) => n + (c.kind === 'stranger' ? 1 : 0), 0)}`;
  return {
    self,
    contacts,
    rooms,
    recent,
    person: (id) => byId.get(id),
    room: (id) => roomById.get(id),
    findPerson: (q) =>
      byId.get(q) ??
      contacts.find((c) => c.nickName === q) ??
      contacts.find((c) => c.remarkName !== '' && c.remarkName === q),
    findRoom: (q) => roomById.get(q) ?? rooms.find((r) => r.topic === q),
    listedContacts: () => {
      const key = listedSignature();
      if (key !== listedKey) {
        listed = contacts.filter((c) => c.kind !== 'stranger');
        listedKey = key;
      }
      return listed;
    },
    addRoom: (room) => {
      if (roomById.has(room.id)) throw new WorldValidationError('rooms', `duplicate id "${room.id}"`);
      roomById.set(room.id, room);
      rooms.push(room);
    },
    addPerson: (person) => {
      if (byId.has(person.id) || person.id === self.id)
        throw new WorldValidationError('contacts', `duplicate id "${person.id}"`);
      byId.set(person.id, person);
      contacts.push(person);
    },
  };
}

/**
 * Contacts (§4.3, §4.4, §6.3): webwxgetcontact (paged by seq), webwxbatchgetcontact (at most 50
 * per call), and the avatar endpoints webwxgeticon / webwxgetheadimg.
 */
import type {
  BatchGetContactReply,
  GetContactReply,
  WireContact,
  WireMember,
} from '../../protocol/wire-types.js';
import { FILEHELPER } from '../filehelper-app.js';
import type { Session } from '../login-session.js';
import { authenticate, type EmulatorContext } from '../route-context.js';
import { type EmuRequest, jsonReply, type Reply, type Router, textReply } from '../served-request.js';
import { emojiToSpan, TINY_JPEG_BASE64 } from '../wire-format.js';
import { baseResponse, stringifyWire, wireMember, wirePerson, wireRoom } from '../wire-objects.js';
import type { World, WorldPerson, WorldRoom } from '../world-types.js';

export const BATCH_LIMIT = 50;

/** What webwxgetcontact lists: every listed contact and saved room, or filehelper alone (§14). */
function contactsOf(
  ctx: EmulatorContext,
  s: Session,
): { people: readonly WorldPerson[]; rooms: WorldRoom[] } {
  if (s.app === 'filehelper') {
    const fileHelper = ctx.world.person(FILEHELPER);
    return { people: fileHelper === undefined ? [] : [fileHelper], rooms: [] };
  }
  return { people: ctx.world.listedContacts(), rooms: ctx.world.rooms.filter((r) => r.saved) };
}

function getContact(ctx: EmulatorContext, req: EmuRequest, s: Session): Reply {
  const { people, rooms } = contactsOf(ctx, s);
  const total = people.length + rooms.length;
  const body = req.json() as Record<string, unknown> | undefined;
  const seqRaw = req.param('seq') ?? (body && body.Seq !== undefined ? String(body.Seq) : '0');
  const start = Math.min(Math.max(0, Math.floor(Number(seqRaw) || 0)), total);
  const end = Math.min(start + ctx.contactPageSize, total);
  const list: WireContact[] = [];
  for (let i = start; i < end; i++) {
    if (i < people.length) list.push(wirePerson(people[i]!, s.names, s.skey));
    else list.push(wireRoom(ctx.world, rooms[i - people.length]!, s.names, s.skey, { members: 'none' }));
  }
  const reply: GetContactReply = {
    BaseResponse: baseResponse(),
    MemberCount: list.length,
    MemberList: list,
    Seq: end < total ? end : 0,
  };
  return jsonReply(stringifyWire(reply));
}

interface BatchItem {
  UserName?: unknown;
  EncryChatRoomId?: unknown;
  ChatRoomId?: unknown;
}

/**
 * Pushes one batchgetcontact entry's JSON text onto `out`; false when the name is unknown. A room's
 * member list, the bulk of a big reply (a 500-member room is about 120 kB), is written straight as text
 * (pushRoom); everything else goes through the wire objects and stringifyWire.
 */
function lookup(ctx: EmulatorContext, s: Session, item: BatchItem, out: Pieces): boolean {
  if (typeof item.UserName !== 'string') return false;
  const { world } = ctx;
  const id = s.names.idOf(item.UserName);
  if (id === undefined) return false;
  // A File Transfer session knows filehelper and the self, nobody else.
  if (s.app === 'filehelper' && id !== FILEHELPER && id !== world.self.id) return false;
  const room = world.room(id);
  if (room !== undefined) {
    pushRoom(out, world, room, s);
    return true;
  }
  const inRoomRef = [item.EncryChatRoomId, item.ChatRoomId].find((v) => typeof v === 'string' && v !== '') as
    | string
    | undefined;
  const context = inRoomRef === undefined ? undefined : world.room(s.names.roomIdOf(inRoomRef) ?? '');
  const person = world.person(id);
  let contact: WireContact | undefined;
  if (person !== undefined) contact = wirePerson(person, s.names, s.skey);
  else if (id === world.self.id) {
    contact = wirePerson(
      {
        ...world.self,
        kind: 'friend',
        remarkName: '',
        province: '',
        city: '',
        verifyFlag: 0,
        starred: false,
        remarkPinyin: '',
      },
      s.names,
      s.skey,
    );
    contact.Uin = world.self.uin;
    contact.ContactFlag = 0;
  }
  if (contact !== undefined && context !== undefined) {
    contact.DisplayName = emojiToSpan(context.displayNames.get(id) ?? '');
    contact.EncryChatRoomId = s.names.encryChatRoomId(context.id);
  }
  if (contact === undefined) return false;
  out.push(stringifyWire(contact));
  return true;
}

/** Stands for a list in a stringified object, to be replaced by the list's text. */
const LIST_MARK = '\u0000LIST\u0000';
const LIST_MARK_JSON = JSON.stringify(LIST_MARK);

/** `stringifyWire(value)` split around the one place where `value` holds LIST_MARK. */
function splitAtList(value: unknown): [string, string] {
  const text = stringifyWire(value);
  const at = text.indexOf(LIST_MARK_JSON);
  return [text.slice(0, at), text.slice(at + LIST_MARK_JSON.length)];
}

/** Reply text in pieces: Buffers (UTF-8) and strings, assembled into one Buffer at the end. */
type Pieces = (string | Buffer)[];

function assemble(pieces: Pieces): Buffer {
  let size = 0;
  for (const p of pieces) size += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of pieces) {
    if (typeof p === 'string') at += out.write(p, at, 'utf8');
    else {
      out.set(p, at);
      at += p.length;
    }
  }
  return out;
}

/**
 * Names and display names as JSON string literals in the server's form (emoji as spans), UTF-8, by
 * the world's text: members repeat across rooms, so each name is converted once.
 */
const nameLiterals = new WeakMap<World, Map<string, Buffer>>();

function nameLiteralOf(world: World): (text: string) => Buffer {
  let memo = nameLiterals.get(world);
  if (memo === undefined) {
    memo = new Map();
    nameLiterals.set(world, memo);
  }
  const cache = memo;
  return (text) => {
    let literal = cache.get(text);
    if (literal === undefined) {
      literal = Buffer.from(JSON.stringify(emojiToSpan(text)), 'utf8');
      cache.set(text, literal);
    }
    return literal;
  };
}

const MEMBER_FIRST = Buffer.from('{"Uin":0,"UserName":"');
const MEMBER_NEXT = Buffer.from(',"KeyWord":""},{"Uin":0,"UserName":"');
const MEMBER_NICK = Buffer.from('","NickName":');
/** UserNames as minted (`@…` hex, special ids): nothing to escape in JSON. */
const PLAIN_USER_NAME = /^[\w@.-]*$/;
const MEMBER_MIDDLE = Buffer.from(
  ',"AttrStatus":0,"PYInitial":"","PYQuanPin":"","RemarkPYInitial":"","RemarkPYQuanPin":"","MemberStatus":0,"DisplayName":',
);
const MEMBER_LAST = Buffer.from(',"KeyWord":""}');

/** A member's bytes up to its DisplayName value, with the nickname they were made of. */
interface MemberHead {
  nick: string;
  /** MEMBER_NEXT, UserName, MEMBER_NICK, the nickname's literal, MEMBER_MIDDLE. */
  bytes: Buffer;
}

/** MEMBER_FIRST is the end of MEMBER_NEXT: a room's first member is its head from there on. */
const FIRST_AT = MEMBER_NEXT.length - MEMBER_FIRST.length;

/**
 * Per session (UserNames are the session's), each member's head, made once: a member of several rooms
 * (about half of them in a generated world) and every later login's batchgetcontact reuse it. Made
 * again when the person's nickname changed.
 */
const memberHeads = new WeakMap<Session, Map<string, MemberHead>>();

function memberHeadsOf(s: Session): Map<string, MemberHead> {
  let heads = memberHeads.get(s);
  if (heads === undefined) {
    heads = new Map();
    memberHeads.set(s, heads);
  }
  return heads;
}

/**
 * Pushes a member entry's pieces onto `out` (without its closing `,"KeyWord":""}`, which starts the
 * next member's pieces or is MEMBER_LAST). Together they are byte for byte what
 * `stringifyWire(wireMember(...))` gives (the key order and values of wire-objects.ts#wireMember;
 * pushRoom checks one member of every room against it, test/emulator/batchgetcontact-text.test.ts
 * whole worlds).
 */
function pushMember(
  out: Pieces,
  first: boolean,
  world: World,
  room: WorldRoom,
  id: string,
  s: Session,
  literal: (t: string) => Buffer,
  heads: Map<string, MemberHead>,
): void {
  const nick = id === world.self.id ? world.self.nickName : (world.person(id)?.nickName ?? '');
  let head = heads.get(id);
  if (head === undefined || head.nick !== nick) {
    const userName = s.names.userName(id);
    head = {
      nick,
      bytes: Buffer.concat([
        MEMBER_NEXT,
        Buffer.from(
          PLAIN_USER_NAME.test(userName) ? userName : JSON.stringify(userName).slice(1, -1),
          'utf8',
        ),
        MEMBER_NICK,
        literal(nick),
        MEMBER_MIDDLE,
      ]),
    };
    heads.set(id, head);
  }
  out.push(first ? head.bytes.subarray(FIRST_AT) : head.bytes, literal(room.displayNames.get(id) ?? ''));
}

/**
 * Pushes the pieces of `stringifyWire(wireRoom(world, room, names, skey, { members: 'full' }))` onto
 * `out`, the member list written piece by piece.
 */
function pushRoom(out: Pieces, world: World, room: WorldRoom, s: Session): void {
  // The room's own fields from wireRoom itself; only MemberCount depends on the members.
  const entry = wireRoom(world, { ...room, memberIds: [] }, s.names, s.skey, { members: 'full' });
  entry.MemberCount = room.memberIds.length;
  entry.MemberList = LIST_MARK as unknown as WireMember[];
  const [head, tail] = splitAtList(entry);
  const literal = nameLiteralOf(world);
  const heads = memberHeadsOf(s);
  const ids = room.memberIds;
  const first = ids[0];
  if (first !== undefined) {
    const probe: Pieces = [];
    pushMember(probe, true, world, room, first, s, literal, heads);
    probe.push(MEMBER_LAST);
    if (assemble(probe).toString('utf8') !== stringifyWire(wireMember(world, room, first, s.names))) {
      // wireMember has changed shape: serialise its objects (slower, never wrong).
      out.push(head, stringifyWire(ids.map((id) => wireMember(world, room, id, s.names))), tail);
      return;
    }
  }
  out.push(`${head}[`);
  for (let i = 0; i < ids.length; i++)
    pushMember(out, i === 0, world, room, ids[i] as string, s, literal, heads);
  if (ids.length > 0) out.push(MEMBER_LAST);
  out.push(`]${tail}`);
}

function batchGetContact(ctx: EmulatorContext, req: EmuRequest, s: Session): Reply {
  const body = (req.json() ?? {}) as { List?: unknown };
  const items = Array.isArray(body.List) ? (body.List as BatchItem[]) : [];
  if (items.length > BATCH_LIMIT) {
    const reply: BatchGetContactReply = { BaseResponse: baseResponse(1), Count: 0, ContactList: [] };
    return jsonReply(stringifyWire(reply));
  }
  const pieces: Pieces = [];
  let count = 0;
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const before = pieces.length;
    if (count > 0) pieces.push(',');
    if (lookup(ctx, s, item, pieces)) count++;
    else pieces.length = before;
  }
  const [head, tail] = splitAtList({ BaseResponse: baseResponse(), Count: count, ContactList: LIST_MARK });
  // The bytes are assembled here; jsonReply's Content-Type (text/plain, §3.6).
  return textReply(200, 'text/plain', assemble([`${head}[`, ...pieces, `]${tail}`]));
}

function failure(ret: number, extra: Record<string, unknown>): Reply {
  return jsonReply(stringifyWire({ BaseResponse: baseResponse(ret), ...extra }));
}

const AVATAR = Buffer.from(TINY_JPEG_BASE64, 'base64');

export function registerContactRoutes(router: Router, ctx: EmulatorContext): void {
  const empty = { MemberCount: 0, MemberList: [], Seq: 0 };
  router.api('webwxgetcontact', {
    methods: ['GET', 'POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      return auth.ok ? getContact(auth.ctx, req, auth.session) : failure(auth.ret, empty);
    },
    retReply: (ret) => failure(ret, empty),
  });
  const emptyBatch = { Count: 0, ContactList: [] };
  router.api('webwxbatchgetcontact', {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      return auth.ok ? batchGetContact(auth.ctx, req, auth.session) : failure(auth.ret, emptyBatch);
    },
    retReply: (ret) => failure(ret, emptyBatch),
  });
  const icon = { methods: ['GET'] as const, handler: () => textReply(200, 'image/jpeg', AVATAR) };
  router.api('webwxgeticon', icon);
  router.api('webwxgetheadimg', icon);
}

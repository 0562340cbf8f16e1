/**
 * Contacts (§4.3, §4.4, §6.3): webwxgetcontact (paged by seq), webwxbatchgetcontact (at most 50
 * per call), and the avatar endpoints webwxgeticon / webwxgetheadimg.
 */
import type { BatchGetContactReply, GetContactReply, WireContact } from '../../protocol/wire-types.js';
import { authenticate, type EmulatorContext } from '../context.js';
import { type EmuRequest, jsonReply, type Reply, type Router, textReply } from '../server.js';
import type { Session } from '../session.js';
import { emojiToSpan, TINY_JPEG_BASE64 } from '../wire-format.js';
import { baseResponse, stringifyWire, wirePerson, wireRoom } from '../wire-objects.js';

export const BATCH_LIMIT = 50;

function getContact(ctx: EmulatorContext, req: EmuRequest, s: Session): Reply {
  const people = ctx.world.listedContacts();
  const rooms = ctx.world.rooms.filter((r) => r.saved);
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

function lookup(ctx: EmulatorContext, s: Session, item: BatchItem): WireContact | undefined {
  if (typeof item.UserName !== 'string') return undefined;
  const { world } = ctx;
  const id = s.names.idOf(item.UserName);
  if (id === undefined) return undefined;
  const room = world.room(id);
  if (room !== undefined) return wireRoom(world, room, s.names, s.skey, { members: 'full' });
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
  return contact;
}

function batchGetContact(ctx: EmulatorContext, req: EmuRequest, s: Session): Reply {
  const body = (req.json() ?? {}) as { List?: unknown };
  const items = Array.isArray(body.List) ? (body.List as BatchItem[]) : [];
  if (items.length > BATCH_LIMIT) {
    const reply: BatchGetContactReply = { BaseResponse: baseResponse(1), Count: 0, ContactList: [] };
    return jsonReply(stringifyWire(reply));
  }
  const list: WireContact[] = [];
  for (const item of items) {
    const c = typeof item === 'object' && item !== null ? lookup(ctx, s, item) : undefined;
    if (c !== undefined) list.push(c);
  }
  const reply: BatchGetContactReply = { BaseResponse: baseResponse(), Count: list.length, ContactList: list };
  return jsonReply(stringifyWire(reply));
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
      return auth.ok ? getContact(ctx, req, auth.session) : failure(auth.ret, empty);
    },
    retReply: (ret) => failure(ret, empty),
  });
  const emptyBatch = { Count: 0, ContactList: [] };
  router.api('webwxbatchgetcontact', {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      return auth.ok ? batchGetContact(ctx, req, auth.session) : failure(auth.ret, emptyBatch);
    },
    retReply: (ret) => failure(ret, emptyBatch),
  });
  const icon = { methods: ['GET'] as const, handler: () => textReply(200, 'image/jpeg', AVATAR) };
  router.api('webwxgeticon', icon);
  router.api('webwxgetheadimg', icon);
}

/**
 * phone.sendMessage(): every non-media kind, queued in every active session as the real server would
 * deliver it (the wire shapes are in message-encoders.ts). Also remembers what the phone sent, so a revoke
 * names an earlier message of the same sender in the same chat, and the tickets of friend requests.
 */

import { InvalidArgumentError } from '../errors.js';
import type { InjectedMessage, SendTextInput } from './emulator-types.js';
import { hex } from './ids.js';
import { kindEntry } from './message-encoders.js';
import type { KindContext, KindPerson, PhoneMessageInput, PhoneMessageKind } from './phone-message-types.js';
import type { EmulatorContext } from './route-context.js';
import { encodeMessageText, groupContent } from './wire-format.js';
import { wireMessage, wireTextMessage } from './wire-objects.js';
import type { WorldPerson, WorldRoom } from './world-types.js';

/** What `phone.sendMessage()` answers: the message's id and wire type, and how many sessions got it. */
export interface PhoneMessageResult {
  /** 19 digits, the same in every session. */
  msgId: string;
  /** unix seconds. */
  createTime: number;
  kind: PhoneMessageKind;
  /** The MsgType on the wire (1 for a map-link location, 10000 for notices…). */
  msgType: number;
  /** Stable id of the sender. */
  from: string;
  /** Stable id of the room, for group messages (and friend requests found in a group). */
  room?: string;
  /** How many active sessions queued it (0 when nobody is logged in). */
  deliveredTo: number;
  /** Friend requests: the ticket webwxverifyuser must present. */
  ticket?: string;
}

/** A friend request the phone sent, by ticket. */
export interface PhoneFriendRequest {
  ticket: string;
  /** Stable id of the requester. */
  from: string;
  nickName: string;
  greeting: string;
  room?: string;
  msgId: string;
}

interface Sent {
  from: string;
  room: string | undefined;
}

/** Most phone messages remembered for revokes. */
const MAX_REMEMBERED = 10_000;

interface PhoneLog {
  messages: Map<string, Sent>;
  requests: Map<string, PhoneFriendRequest>;
}

const logs = new WeakMap<EmulatorContext, PhoneLog>();

function logOf(ctx: EmulatorContext): PhoneLog {
  let log = logs.get(ctx);
  if (!log) {
    log = { messages: new Map(), requests: new Map() };
    logs.set(ctx, log);
  }
  return log;
}

/**
 * Record a message the phone sent (sendText calls this too), so it can be revoked later.
 * @internal
 */
export function rememberPhoneMessage(ctx: EmulatorContext, msgId: string, from: string, room?: string): void {
  const { messages } = logOf(ctx);
  messages.set(msgId, { from, room });
  if (messages.size > MAX_REMEMBERED) {
    const oldest = messages.keys().next().value;
    if (oldest !== undefined) messages.delete(oldest);
  }
}

/**
 * The friend request the phone sent with this ticket (for webwxverifyuser), if any.
 * @internal
 */
export function phoneFriendRequest(ctx: EmulatorContext, ticket: string): PhoneFriendRequest | undefined {
  return logOf(ctx).requests.get(ticket);
}

function fail(message: string): never {
  throw new InvalidArgumentError('', `emulator phone: ${message}`);
}

const AD_HOC_ID = /^[A-Za-z][A-Za-z0-9_-]{1,39}$/;

function asKindPerson(p: WorldPerson): KindPerson {
  return {
    id: p.id,
    nickName: p.nickName,
    alias: p.alias,
    sex: p.sex,
    province: p.province,
    city: p.city,
    signature: p.signature,
    official: p.kind === 'official',
  };
}

function resolveSender(ctx: EmulatorContext, input: PhoneMessageInput): KindPerson {
  const found = ctx.world.findPerson(input.from);
  if (found) return asKindPerson(found);
  if (input.kind === 'friend-request' && input.nickName !== undefined) {
    if (!AD_HOC_ID.test(input.from)) fail(`"${input.from}" is not a valid WeChat id for a new requester`);
    return { id: input.from, nickName: input.nickName };
  }
  return fail(`unknown sender "${input.from}"`);
}

function resolveRoom(
  ctx: EmulatorContext,
  input: PhoneMessageInput,
  sender: KindPerson,
): WorldRoom | undefined {
  if (input.room === undefined) return undefined;
  const room = ctx.world.findRoom(input.room);
  if (room === undefined) return fail(`unknown room "${input.room}"`);
  if (input.kind !== 'friend-request' && !room.memberIds.includes(sender.id)) {
    fail(`"${sender.id}" is not a member of ${room.id}`);
  }
  return room;
}

function checkInput(
  ctx: EmulatorContext,
  input: PhoneMessageInput,
  sender: KindPerson,
  room: WorldRoom | undefined,
) {
  const person = ctx.world.person(sender.id);
  if (input.kind === 'friend-request') {
    if (person !== undefined && person.kind !== 'stranger') fail(`"${sender.id}" is already a contact`);
    return;
  }
  if (room === undefined && person?.kind === 'stranger') {
    fail(`"${sender.id}" is not a friend; strangers can only speak in rooms`);
  }
  if (input.kind === 'revoke') {
    const earlier = logOf(ctx).messages.get(input.msgId);
    if (earlier === undefined) fail(`no earlier phone message ${input.msgId} to revoke`);
    if (earlier.from !== sender.id || earlier.room !== room?.id) {
      fail(`message ${input.msgId} was not sent by "${sender.id}" in this chat`);
    }
  }
  if (input.kind === 'location' && !(Number.isFinite(input.latitude) && Number.isFinite(input.longitude))) {
    fail('latitude and longitude must be finite numbers');
  }
  if (input.kind === 'transfer' && !(Number.isFinite(input.amount) && input.amount > 0)) {
    fail('amount must be a positive number');
  }
}

/**
 * phone.sendText(): a text from a contact (in a room: from that member) into every active session of
 * the account. `msgId` is given when another account's client sent it (account-delivery.ts).
 */
export function sendPhoneText(ctx: EmulatorContext, input: SendTextInput, msgId?: string): InjectedMessage {
  const { world } = ctx;
  const sender = world.findPerson(input.from);
  if (sender === undefined) fail(`unknown sender "${input.from}"`);
  const room = input.room === undefined ? undefined : world.findRoom(input.room);
  if (input.room !== undefined && room === undefined) fail(`unknown room "${input.room}"`);
  if (room !== undefined && !room.memberIds.includes(sender.id))
    fail(`"${sender.id}" is not a member of ${room.id}`);
  if (room === undefined && sender.kind === 'stranger')
    fail(`"${sender.id}" is not a friend; strangers can only speak in rooms`);
  const id = msgId ?? ctx.msgIds.take();
  const createTime = Math.floor(Date.now() / 1000);
  const text = encodeMessageText(input.text);
  let deliveredTo = 0;
  for (const s of ctx.sessions.active()) {
    const queued = s.enqueue(
      wireTextMessage({
        msgId: id,
        from: s.names.userName(room?.id ?? sender.id),
        to: s.selfUserName,
        type: 1,
        content: room ? groupContent(s.names.userName(sender.id), text) : text,
        createTime,
      }),
    );
    if (queued) deliveredTo += 1;
  }
  rememberPhoneMessage(ctx, id, sender.id, room?.id);
  const injected: InjectedMessage = { msgId: id, createTime, from: sender.id, text: input.text, deliveredTo };
  if (room !== undefined) injected.room = room.id;
  return injected;
}

/** A context for what does not depend on a session (the MsgType). */
function placeholderContext(msgId: string, createTime: number, sender: KindPerson): KindContext {
  return {
    msgId,
    createTime,
    userName: (id) => id,
    senderName: sender.nickName,
    sender,
    sessionId: sender.id,
    roomId: undefined,
  };
}

/** Queue `input` in every active session; throws (with a clear message) on an impossible input. */
export function sendPhoneMessage(ctx: EmulatorContext, input: PhoneMessageInput): PhoneMessageResult {
  if (typeof input !== 'object' || input === null || typeof input.from !== 'string')
    fail('input needs "from"');
  const sender = resolveSender(ctx, input);
  const room = resolveRoom(ctx, input, sender);
  checkInput(ctx, input, sender, room);
  let card: KindPerson | undefined;
  if (input.kind === 'card') {
    const shared = ctx.world.findPerson(input.card);
    if (shared === undefined) fail(`unknown card "${input.card}"`);
    card = asKindPerson(shared);
  }
  const msgId = ctx.msgIds.take();
  const createTime = Math.floor(Date.now() / 1000);
  const ticket = input.kind === 'friend-request' ? `v2_${hex(32)}@stranger` : undefined;
  const displayName = room?.displayNames.get(sender.id) || sender.nickName;
  let deliveredTo = 0;
  const msgType = kindEntry(input, {
    ...placeholderContext(msgId, createTime, sender),
    card,
    ticket,
  }).msgType;
  for (const s of ctx.sessions.active()) {
    const k: KindContext = {
      msgId,
      createTime,
      userName: (id) => s.names.userName(id),
      senderName: displayName,
      sender,
      sessionId: room?.id ?? sender.id,
      roomId: room?.id,
      card,
      ticket,
    };
    const entry = kindEntry(input, k);
    const inRoom = room !== undefined && input.kind !== 'friend-request';
    const content =
      inRoom && entry.prefixed ? groupContent(s.names.userName(sender.id), entry.content) : entry.content;
    const queued = s.enqueue({
      ...wireMessage({
        msgId,
        from: inRoom ? s.names.userName(room.id) : s.names.userName(sender.id),
        to: s.selfUserName,
        type: entry.msgType,
        content,
        createTime,
      }),
      ...entry.fields,
    });
    if (queued) deliveredTo += 1;
  }
  if (input.kind !== 'friend-request' && input.kind !== 'revoke')
    rememberPhoneMessage(ctx, msgId, sender.id, room?.id);
  const result: PhoneMessageResult = {
    msgId,
    createTime,
    kind: input.kind,
    msgType,
    from: sender.id,
    deliveredTo,
  };
  if (room !== undefined) result.room = room.id;
  if (ticket !== undefined) {
    result.ticket = ticket;
    const request: PhoneFriendRequest = {
      ticket,
      from: sender.id,
      nickName: sender.nickName,
      greeting: input.kind === 'friend-request' ? (input.greeting ?? `我是${sender.nickName}`) : '',
      msgId,
    };
    if (room !== undefined) request.room = room.id;
    logOf(ctx).requests.set(ticket, request);
    // A stranger of the world: webwxverifyuser (world-changes.ts) accepts this ticket like its own.
    if (ctx.world.person(sender.id) !== undefined) {
      ctx.changes.friendRequests.push({
        from: sender.id,
        to: ctx.world.self.id,
        greeting: request.greeting,
        ticket,
        state: 'pending',
        time: Date.now(),
      });
    }
  }
  return result;
}

/** Validates a JSON body for POST /__phone/message (the in-process checks do the rest). */
export function phoneMessageFromJson(body: unknown): PhoneMessageInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.kind !== 'string') fail('"kind" is required');
  if (typeof b.from !== 'string') fail('"from" is required');
  if (b.room !== undefined && typeof b.room !== 'string') fail('"room" must be a string');
  const need: Record<string, Record<string, 'string' | 'number'>> = {
    card: { card: 'string' },
    location: { label: 'string', latitude: 'number', longitude: 'number' },
    link: { title: 'string', url: 'string' },
    music: { title: 'string', url: 'string', dataUrl: 'string' },
    'mini-program': { title: 'string', appId: 'string' },
    app: { appMsgType: 'number', title: 'string' },
    'red-packet': {},
    transfer: { amount: 'number' },
    'friend-request': {},
    revoke: { msgId: 'string' },
    system: { text: 'string' },
    voip: {},
  };
  const fields = need[b.kind];
  if (fields === undefined) fail(`unknown kind "${b.kind}" (one of ${Object.keys(need).join(', ')})`);
  for (const [name, type] of Object.entries(fields)) {
    if (typeof b[name] !== type) fail(`"${name}" must be a ${type} for kind "${b.kind}"`);
  }
  return b as unknown as PhoneMessageInput;
}

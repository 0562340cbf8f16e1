/**
 * Every knob of the phone and the world over HTTP, by the same names as in process: one table of
 * `POST /__phone/<name>` (a JSON object of named arguments) and `GET /__phone/<name>` (lists), each
 * with its fields. The table validates the input (an error names the field) and is what the OpenAPI
 * document (phone-openapi.ts) describes.
 */

import type { EmulatorTiming } from './emulator-types.js';
import type { Faults } from './faults.js';
import type { EmulatorPhone } from './phone.js';
import { faultKnobs } from './phone-fault-knobs.js';
import { FieldError, type FieldType, type Knob, type KnobField, roomView } from './phone-json.js';
import { phoneMessageFromJson } from './phone-messages.js';
import type { EmulatorContext } from './route-context.js';

function typeOk(type: FieldType, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
  }
}

const TYPE_WORDS: Record<FieldType, string> = {
  string: 'a string',
  'string[]': 'an array of strings',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

/** The arguments of a knob, checked against its fields; throws FieldError naming the first bad one. */
export function knobArgs(knob: Knob, body: unknown): Record<string, unknown> {
  if (body === undefined) body = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new FieldError('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  const known = new Set(knob.fields.map((f) => f.name));
  for (const name of Object.keys(b))
    if (!knob.open && !known.has(name)) throw new FieldError(name, `is not a field of ${knob.name}`);
  for (const f of knob.fields) {
    const v = b[f.name];
    if (v === undefined) {
      if (f.required) throw new FieldError(f.name, `is required (${TYPE_WORDS[f.type]})`);
      continue;
    }
    if (!typeOk(f.type, v)) throw new FieldError(f.name, `must be ${TYPE_WORDS[f.type]}`);
    if (f.enum !== undefined && !f.enum.includes(v as string | number))
      throw new FieldError(f.name, `must be one of ${f.enum.join(', ')}`);
  }
  return b;
}

const str = (name: string, description: string, required = true): KnobField => ({
  name,
  type: 'string',
  required,
  description,
});
const BY = str('by', 'who does it (stable id or name); default: the room owner', false);
const ROOM = str('room', 'stable id or topic of the room');
const MEMBERS: KnobField = {
  name: 'members',
  type: 'string[]',
  required: true,
  description: 'stable ids or names',
};

const TIMING_FIELDS = ['loginPollHoldMs', 'syncCheckHoldMs', 'qrExpiryMs'] as const;

/** The knobs of one emulator. */
export function phoneKnobs(ctx: EmulatorContext, phone: EmulatorPhone, faults: Faults): Knob[] {
  const s = (v: unknown) => v as string;
  const ss = (v: unknown) => v as string[];
  return [
    {
      name: 'renameRoom',
      method: 'POST',
      summary: 'rename a room; the clients get the system message',
      fields: [ROOM, str('topic', 'the new topic'), BY],
      run: (a) => roomView(phone.renameRoom(s(a.room), s(a.topic), by(a))),
    },
    {
      name: 'addToRoom',
      method: 'POST',
      summary: 'add members (refused above the invite threshold of 40: they are invited)',
      fields: [ROOM, MEMBERS, BY],
      run: (a) => roomView(phone.addToRoom(s(a.room), ss(a.members), by(a))),
    },
    {
      name: 'removeFromRoom',
      method: 'POST',
      summary: 'remove members (only the owner may)',
      fields: [ROOM, MEMBERS, BY],
      run: (a) => roomView(phone.removeFromRoom(s(a.room), ss(a.members), by(a))),
    },
    {
      name: 'createRoom',
      method: 'POST',
      summary: 'someone creates a room with the self in it',
      fields: [
        MEMBERS,
        str('topic', 'the topic (default none)', false),
        str('by', 'the creator (default the first member)', false),
      ],
      run: (a) =>
        roomView(
          phone.createRoom({
            members: ss(a.members),
            ...(a.topic === undefined ? {} : { topic: s(a.topic) }),
            ...(a.by === undefined ? {} : { by: s(a.by) }),
          }),
        ),
    },
    {
      name: 'leaveRoom',
      method: 'POST',
      summary: 'a member leaves a room',
      fields: [ROOM, str('member', 'stable id or name')],
      run: (a) => {
        phone.leaveRoom(s(a.room), s(a.member));
        return { ok: true };
      },
    },
    {
      name: 'acceptRoomInvitation',
      method: 'POST',
      summary: 'an invited member joins',
      fields: [ROOM, str('member', 'stable id or name')],
      run: (a) => roomView(phone.acceptRoomInvitation(s(a.room), s(a.member))),
    },
    {
      name: 'roomInvitations',
      method: 'GET',
      summary: 'every room invitation',
      fields: [],
      run: () => phone.roomInvitations(),
    },
    {
      name: 'sendFriendRequest',
      method: 'POST',
      summary: 'a stranger asks the self to be friends (MsgType 37 from fmessage)',
      fields: [str('from', 'stable id or name of a stranger'), str('greeting', 'the greeting', false)],
      run: (a) =>
        phone.sendFriendRequest({
          from: s(a.from),
          ...(a.greeting === undefined ? {} : { greeting: s(a.greeting) }),
        }),
    },
    {
      name: 'acceptFriendRequest',
      method: 'POST',
      summary: 'a person accepts the request the self sent them',
      fields: [str('person', 'stable id or name')],
      run: (a) => {
        phone.acceptFriendRequest(s(a.person));
        return { ok: true };
      },
    },
    {
      name: 'friendRequests',
      method: 'GET',
      summary: 'every friend request, both directions',
      fields: [],
      run: () => phone.friendRequests(),
    },
    ...personKnobs(phone),
    ...phoneCallKnobs(phone),
    {
      name: 'setSystemLanguage',
      method: 'POST',
      summary: 'the language of the system texts',
      fields: [{ name: 'lang', type: 'string', required: true, enum: ['zh', 'en'], description: 'zh or en' }],
      run: (a) => {
        phone.setSystemLanguage(a.lang as 'zh' | 'en');
        return { ok: true };
      },
    },
    {
      name: 'enterChat',
      method: 'POST',
      summary: 'the user opens a chat on the phone (MsgType 51 code 2, selector 7)',
      fields: [str('chat', 'a person or a room, by stable id or name')],
      run: (a) => phone.enterChat(s(a.chat)),
    },
    {
      name: 'leaveChat',
      method: 'POST',
      summary: 'the user leaves a chat on the phone (MsgType 51 code 5, selector 7)',
      fields: [str('chat', 'a person or a room, by stable id or name')],
      run: (a) => phone.leaveChat(s(a.chat)),
    },
    {
      name: 'signalSelector',
      method: 'POST',
      summary: 'synccheck answers this selector until each session calls webwxsync',
      fields: [
        { name: 'selector', type: 'integer', required: true, enum: [3, 5, 6], description: '3, 5 or 6' },
      ],
      run: (a) => ({ sessions: phone.signalSelector(a.selector as 3 | 5 | 6) }),
    },
    ...faultKnobs(faults),
    {
      name: 'timing',
      method: 'GET',
      summary: 'the long-poll holds and the QR expiry, in ms',
      fields: [],
      run: () => ({ ...ctx.timing }),
    },
    {
      name: 'setTiming',
      method: 'POST',
      summary: 'change the holds and the QR expiry from now on (ms)',
      fields: TIMING_FIELDS.map((name) => ({ name, type: 'integer', description: `${name} (ms, positive)` })),
      run: (a) => {
        const timing = ctx.timing as EmulatorTiming;
        for (const name of TIMING_FIELDS) {
          const v = a[name];
          if (v === undefined) continue;
          if ((v as number) <= 0) throw new FieldError(name, 'must be positive');
          timing[name] = v as number;
        }
        return { ...timing };
      },
    },
  ];
}

function by(a: Record<string, unknown>): { by?: string } {
  return a.by === undefined ? {} : { by: a.by as string };
}

function personKnobs(phone: EmulatorPhone): Knob[] {
  const person = (name: string, summary: string, run: (p: string) => void): Knob => ({
    name,
    method: 'POST',
    summary,
    fields: [{ name: 'person', type: 'string', required: true, description: 'stable id or name' }],
    run: (a) => {
      run(a.person as string);
      return { ok: true };
    },
  });
  const pinned = (name: 'pin' | 'unpin'): Knob => ({
    name,
    method: 'POST',
    summary: `${name} a contact or a room on the phone`,
    fields: [
      {
        name: 'name',
        type: 'string',
        required: true,
        description: 'a person or a room, by stable id or name',
      },
    ],
    run: (a) => {
      phone[name](a.name as string);
      return { ok: true };
    },
  });
  return [
    {
      name: 'setRemark',
      method: 'POST',
      summary: 'set the remark name of a contact',
      fields: [
        { name: 'person', type: 'string', required: true, description: 'stable id or name' },
        { name: 'remark', type: 'string', required: true, description: 'the remark name' },
      ],
      run: (a) => {
        phone.setRemark(a.person as string, a.remark as string);
        return { ok: true };
      },
    },
    pinned('pin'),
    pinned('unpin'),
    person('deleteContact', 'the person leaves the address book (DelContactList)', (p) =>
      phone.deleteContact(p),
    ),
  ];
}

/** The phone's own calls by their in-process names (also served as qr, send, message, sent…). */
function phoneCallKnobs(phone: EmulatorPhone): Knob[] {
  const list = (name: string, summary: string, run: () => unknown): Knob => ({
    name,
    method: 'GET',
    summary,
    fields: [],
    run,
  });
  const qr = (name: 'scan' | 'confirm' | 'cancel' | 'expire', summary: string): Knob => ({
    name,
    method: 'POST',
    summary,
    fields: [{ name: 'uuid', type: 'string', required: true, description: 'the QR code uuid' }],
    run: (a) => {
      const uuid = a.uuid as string;
      if (!phone.qrCodes().some((q) => q.uuid === uuid))
        throw new FieldError('uuid', `names no QR code (${uuid})`);
      phone[name](uuid);
      return phone.qrCodes().find((q) => q.uuid === uuid);
    },
  });
  return [
    list('qrCodes', 'every QR code', () => phone.qrCodes()),
    list('statusNotifications', 'every webwxstatusnotify a client posted', () => phone.statusNotifications()),
    qr('scan', 'scan a waiting QR code (the poll answers 201)'),
    qr('confirm', 'confirm a scanned (or waiting) QR code (the poll answers 200)'),
    qr('cancel', 'cancel a QR code on the phone (the poll answers 202)'),
    qr('expire', 'expire a QR code (the poll answers 400)'),
    {
      name: 'sendText',
      method: 'POST',
      summary: 'a text from a contact, in a private chat or a room',
      fields: [
        { name: 'from', type: 'string', required: true, description: 'stable id or name' },
        { name: 'text', type: 'string', required: true, description: 'the text' },
        { name: 'room', type: 'string', description: 'stable id or topic of a room' },
      ],
      run: (a) =>
        phone.sendText({
          from: a.from as string,
          text: a.text as string,
          ...(a.room === undefined ? {} : { room: a.room as string }),
        }),
    },
    {
      name: 'sendMessage',
      method: 'POST',
      summary: 'any non-media kind (the fields of each kind: docs/messages.md)',
      open: true,
      fields: [
        {
          name: 'kind',
          type: 'string',
          required: true,
          description: 'card, location, link, … (docs/messages.md)',
        },
        { name: 'from', type: 'string', required: true, description: 'stable id or name' },
        { name: 'room', type: 'string', description: 'stable id or topic of a room' },
      ],
      run: (a) => phone.sendMessage(phoneMessageFromJson(a)),
    },
  ];
}

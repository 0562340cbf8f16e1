/** Fakes for the bot's unit tests: messages, a client with a contact list, a recorder of sends. */

import type { BotClient } from '../../src/bot/bot-client.js';
import type { SendTextResult } from '../../src/client/index.js';
import type { Contact, Message, Room, TextMessage } from '../../src/model/index.js';
import type { WireMessage } from '../../src/protocol/wire-types.js';

let counter = 0;

export function textMessage(
  text: string,
  options: {
    chat?: string;
    sender?: string;
    isSelf?: boolean;
    mentionsSelf?: boolean;
    mentions?: string[];
  } = {},
): TextMessage {
  counter++;
  const chat = options.chat ?? '@alice';
  return {
    kind: 'text',
    id: String(1_000_000 + counter),
    createTime: 1_700_000_000 + counter,
    chat: { userName: chat, isRoom: chat.startsWith('@@') },
    sender: { userName: options.sender ?? chat, displayName: '' },
    isSelf: options.isSelf ?? false,
    text,
    mentions: options.mentions ?? [],
    mentionsSelf: options.mentionsSelf ?? false,
    raw: {} as WireMessage,
  };
}

export function contact(userName: string, nickName: string, kind: Contact['kind'] = 'friend'): Contact {
  return {
    userName,
    nickName,
    remarkName: '',
    alias: '',
    kind,
    sex: 0,
    signature: '',
    province: '',
    city: '',
    headImgUrl: '',
    verifyFlag: kind === 'official' ? 24 : 0,
    contactFlag: 1,
    starred: false,
    pinned: false,
    muted: false,
    pinyin: { nick: '', nickInitials: '', remark: '', remarkInitials: '' },
  };
}

export function room(userName: string, topic: string): Room {
  return {
    userName,
    topic,
    memberCount: 0,
    members: [],
    ownerUin: 0,
    encryChatRoomId: '',
    isOwner: false,
    muted: false,
    headImgUrl: '',
  };
}

export interface FakeClient extends BotClient {
  sent: { to: string; text: string }[];
  emit(message: Message): void;
  /** Makes the next sends fail with these errors, in order. */
  failNext: unknown[];
}

export function fakeClient(entries: { contacts?: Contact[]; rooms?: Room[] } = {}): FakeClient {
  const contacts = new Map((entries.contacts ?? []).map((c) => [c.userName, c]));
  const rooms = new Map((entries.rooms ?? []).map((r) => [r.userName, r]));
  const listeners = new Set<(m: Message) => void>();
  let id = 0;
  const client: FakeClient = {
    self: contact('@me', 'Me', 'self'),
    contacts: {
      get: (u) => contacts.get(u),
      room: (u) => rooms.get(u),
      list: () => [...contacts.values()],
      rooms: () => [...rooms.values()],
      find: (q) =>
        [...contacts.values(), ...rooms.values()].filter(
          (e) => ('topic' in e ? e.topic : e.nickName).toLowerCase() === q.toLowerCase(),
        ),
    },
    sent: [],
    failNext: [],
    on(_event, listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async sendText(to: string, text: string): Promise<SendTextResult> {
      if (client.failNext.length > 0) throw client.failNext.shift();
      client.sent.push({ to, text });
      id++;
      return { msgId: String(id), localId: String(id), toUserName: to };
    },
    emit(message) {
      for (const l of listeners) l(message);
    },
  };
  return client;
}

export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

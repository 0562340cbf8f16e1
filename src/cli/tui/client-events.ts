/**
 * The client, seen from the terminal client: its events become reducer actions (useClientEvents), its
 * contacts become the chat list's entries (chatSeeds) and the names shown for senders.
 */
import { useEffect } from 'react';
import type { WebWxClient } from '../../client/index.js';
import type { Contact, Message, Room } from '../../model/index.js';
import type { AutoReplySource } from './auto-reply.js';
import type { ChatSeed } from './chat-store.js';
import type { TuiModel } from './tui-model.js';

/** The chat list's entries from the contact directory: friends, groups, official accounts, filehelper. */
export function chatSeeds(contacts: readonly Contact[], rooms: readonly Room[]): ChatSeed[] {
  const people = contacts
    .filter(
      (c) =>
        c.kind === 'friend' || c.kind === 'official' || (c.kind === 'special' && c.userName === 'filehelper'),
    )
    .map(
      (c): ChatSeed => ({
        id: c.userName,
        title: c.remarkName || c.nickName || c.userName,
        isRoom: false,
        pinned: c.pinned,
        muted: c.muted,
        searchNames: [
          c.remarkName,
          c.nickName,
          c.alias,
          c.pinyin.remark,
          c.pinyin.remarkInitials,
          c.pinyin.nick,
          c.pinyin.nickInitials,
        ].filter((n) => n),
      }),
    );
  const groups = rooms.map(
    (r): ChatSeed => ({
      id: r.userName,
      title: r.topic || `group (${r.memberCount})`,
      isRoom: true,
      pinned: false,
      muted: r.muted,
      searchNames: [r.topic].filter((n) => n),
    }),
  );
  return [...people, ...groups];
}

/** The user's names: the nickname and the display names of the groups, for highlighting mentions. */
function selfNamesOf(client: WebWxClient): string[] {
  const self = client.self;
  if (!self) return [];
  const names = new Set<string>([self.nickName]);
  for (const room of client.contacts.rooms()) {
    const me = room.members.find((m) => m.userName === self.userName);
    if (me?.displayName) names.add(me.displayName);
  }
  return [...names].filter((n) => n);
}

/** The name shown for a message's sender: 'me', the group display name, the remark or nickname. */
export function senderNameOf(client: WebWxClient, message: Message): string {
  if (message.isSelf) return 'me';
  if (message.sender.displayName) return message.sender.displayName;
  const userName = message.sender.userName;
  if (message.chat.isRoom) {
    const member = client.contacts.room(message.chat.userName)?.members.find((m) => m.userName === userName);
    if (member) return member.displayName || member.nickName;
  }
  const contact = client.contacts.get(userName);
  if (contact) return contact.remarkName || contact.nickName;
  return userName.length > 12 ? `${userName.slice(0, 10)}…` : userName;
}

/** The text of an error, for a notice. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** What the event listeners need from the app's latest render (they are subscribed once per client). */
export interface ClientEventsContext {
  now(): number;
  /** The auto-reply Ctrl+T turns on, when there is one. */
  autoReply: AutoReplySource | undefined;
  /** Whether it is on. */
  autoReplyOn(): boolean;
  sendText(chat: string, text: string): Promise<void>;
}

/** Subscribes to the client's events for as long as the component lives, dispatching them to `model`. */
export function useClientEvents(
  client: WebWxClient,
  model: TuiModel,
  latest: { readonly current: ClientEventsContext },
): void {
  useEffect(() => {
    const seed = () =>
      model.dispatch({ type: 'chats', seeds: chatSeeds(client.contacts.list(), client.contacts.rooms()) });
    const autoReply = (message: Message) => {
      const { autoReply, autoReplyOn, now } = latest.current;
      if (!autoReplyOn() || !autoReply) return;
      autoReply.replyTo(message, now()).then(
        (reply) => {
          if (reply && latest.current.autoReplyOn())
            void latest.current.sendText(message.chat.userName, reply);
        },
        (error: unknown) =>
          model.dispatch({ type: 'notice', text: `auto-reply failed: ${describeError(error)}`, error: true }),
      );
    };
    const offs = [
      client.on('state', (s) => {
        model.dispatch({ type: 'client-state', state: s });
        // Back to ready (after loading or a reconnection): the sync works.
        if (s === 'ready') model.dispatch({ type: 'sync-ok', now: latest.current.now() });
      }),
      client.on('qr', (qr) => model.dispatch({ type: 'qr', terminal: qr.terminal, url: qr.url })),
      client.on('scanned', () => model.dispatch({ type: 'scanned' })),
      client.on('login', ({ self }) =>
        model.dispatch({ type: 'login', account: self.nickName, selfNames: [self.nickName] }),
      ),
      client.on('ready', ({ self }) => {
        seed();
        // A resume's cached contacts and rooms come in shortly after 'ready', without change events.
        void client.contacts.filled().then(seed);
        model.dispatch({ type: 'login', account: self.nickName, selfNames: selfNamesOf(client) });
        model.dispatch({ type: 'ready' });
      }),
      client.on('message', (message) => {
        const fallback = chatSeeds(
          [client.contacts.get(message.chat.userName)].filter((c): c is Contact => c !== undefined),
          [client.contacts.room(message.chat.userName)].filter((r): r is Room => r !== undefined),
        )[0];
        model.dispatch({
          type: 'message',
          message,
          now: latest.current.now(),
          senderName: senderNameOf(client, message),
          ...(fallback ? { fallback } : {}),
        });
        autoReply(message);
      }),
      client.on('logout', ({ reason }) => model.dispatch({ type: 'logout', reason })),
      client.on('login-step', ({ step, outcome, reason }) =>
        model.dispatch({ type: 'login-step', step, outcome, ...(reason !== undefined ? { reason } : {}) }),
      ),
      client.on('relogin', () =>
        model.dispatch({ type: 'notice', text: 'the session ended: logging in again…' }),
      ),
      client.on('error', (error) =>
        model.dispatch({ type: 'sync-error', message: error.message, now: latest.current.now() }),
      ),
      client.on('contact-added', seed),
      client.on('contact-updated', seed),
      client.on('room-updated', seed),
      client.on('contact-removed', ({ userName }) =>
        model.dispatch({ type: 'chats-removed', ids: [userName] }),
      ),
    ];
    if (client.state === 'ready' && client.self) {
      seed();
      model.dispatch({ type: 'login', account: client.self.nickName, selfNames: selfNamesOf(client) });
      model.dispatch({ type: 'ready' });
    }
    return () => {
      for (const off of offs) off();
    };
  }, [client, model, latest]);
}

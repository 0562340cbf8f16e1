import { describe, expect, it } from 'vitest';
import {
  type ChatSeed,
  emptyStore,
  lastSentLine,
  linesOf,
  MAX_MESSAGES_PER_CHAT,
  matchRank,
  openChat,
  prependHistory,
  receiveMessage,
  removeChats,
  totalUnread,
  updateLine,
  upsertChats,
  visibleChats,
} from '../../../src/cli/tui/chat-store.js';
import type { Message } from '../../../src/model/index.js';
import { oneOfEach, textMessage } from './sample-messages.js';

const seed = (id: string, title: string, extra: Partial<ChatSeed> = {}): ChatSeed => ({
  id,
  title,
  isRoom: id.startsWith('@@'),
  pinned: false,
  muted: false,
  searchNames: [],
  ...extra,
});

const SEEDS = [
  seed('@zhang', '老张', { searchNames: ['老张', '张伟', 'lao zhang', 'LZ', 'zhang wei', 'ZW'] }),
  seed('@alice', 'Alice Smith', { searchNames: ['Alice Smith', 'alice88'] }),
  seed('@@family', '相亲相爱一家人', { pinned: true }),
  seed('@bob', 'Bob'),
];

const at = (chat: string, text: string, time: number, extra: Partial<Message> = {}): Message =>
  textMessage({ text, createTime: time, chat: { userName: chat, isRoom: chat.startsWith('@@') }, ...extra });

describe('chat store', () => {
  it('orders pinned first, then by last message, then by title', () => {
    let store = upsertChats(emptyStore(), SEEDS);
    expect(visibleChats(store).map((c) => c.title)).toEqual(['相亲相爱一家人', 'Alice Smith', 'Bob', '老张']);
    store = receiveMessage(store, at('@bob', 'hi', 100));
    store = receiveMessage(store, at('@zhang', 'yo', 200));
    expect(visibleChats(store).map((c) => c.id)).toEqual(['@@family', '@zhang', '@bob', '@alice']);
  });

  it('counts unread messages of chats that are not open, not the user’s own, and clears them on open', () => {
    let store = upsertChats(emptyStore(), SEEDS);
    store = receiveMessage(store, at('@bob', 'one', 1));
    store = receiveMessage(store, at('@bob', 'two', 2));
    store = receiveMessage(store, at('@bob', 'mine', 3, { isSelf: true }));
    expect(store.chats.get('@bob')).toMatchObject({ unread: 2, preview: 'mine', lastTime: 3 });
    store = openChat(store, '@bob');
    expect(store.chats.get('@bob')?.unread).toBe(0);
    store = receiveMessage(store, at('@bob', 'while open', 4));
    expect(store.chats.get('@bob')?.unread).toBe(0);
    store = receiveMessage(store, at('@alice', 'elsewhere', 5));
    expect(totalUnread(store)).toBe(1);
  });

  it('does not count muted chats in the total, and flags unread mentions', () => {
    let store = upsertChats(emptyStore(), [seed('@@muted', 'Muted', { muted: true }), seed('@@g', 'G')]);
    store = receiveMessage(store, at('@@muted', 'x', 1));
    store = receiveMessage(store, at('@@g', '@小明 look', 2, { mentionsSelf: true }));
    expect(totalUnread(store)).toBe(1);
    expect(store.chats.get('@@g')?.mentioned).toBe(true);
  });

  it('shows the group sender in the preview, sanitised and on one line', () => {
    let store = upsertChats(emptyStore(), SEEDS);
    store = receiveMessage(store, at('@@family', 'line1\nline2 \u001b[31m', 1), { senderName: '妈妈' });
    expect(store.chats.get('@@family')?.preview).toBe('妈妈: line1 ⏎ line2 \\x1b[31m');
  });

  it('ignores a repeated message id and status notifications; adds unknown chats from the fallback', () => {
    let store = upsertChats(emptyStore(), SEEDS);
    const m = at('@bob', 'once', 1);
    store = receiveMessage(receiveMessage(store, m), m);
    expect(linesOf(store, '@bob')).toHaveLength(1);
    const notify = { ...oneOfEach()['status-notify'], chat: { userName: '@bob', isRoom: false } };
    expect(receiveMessage(store, notify)).toBe(store);
    store = receiveMessage(store, at('@new', 'hello', 2), { fallback: seed('@new', 'Newcomer') });
    expect(store.chats.get('@new')).toMatchObject({ title: 'Newcomer', unread: 1 });
  });

  it('marks the message a revoke recalls', () => {
    let store = upsertChats(emptyStore(), SEEDS);
    const original = at('@bob', 'oops', 1);
    store = receiveMessage(store, original);
    const revoke = {
      ...oneOfEach().revoke,
      chat: { userName: '@bob', isRoom: false },
      revokedId: original.id,
    };
    store = receiveMessage(store, revoke);
    const lines = linesOf(store, '@bob');
    expect(lines[0]?.revoked).toBe(true);
    expect(store.chats.get('@bob')?.preview).toBe('"张三" 撤回了一条消息');
  });

  it('finds the last message sent from here for /revoke, skipping recalled and failed ones', () => {
    let store = upsertChats(emptyStore(), SEEDS);
    const first = at('@bob', 'first', 1, { isSelf: true });
    const second = at('@bob', 'second', 2, { isSelf: true });
    store = receiveMessage(store, first, { sent: { msgId: 'a', localId: '1' } });
    store = receiveMessage(store, second, { sent: { msgId: 'b', localId: '2' } });
    store = receiveMessage(store, at('@bob', 'from the phone', 3, { isSelf: true }));
    expect(lastSentLine(store, '@bob')?.message.id).toBe(second.id);
    store = updateLine(store, '@bob', second.id, { revoked: true });
    expect(lastSentLine(store, '@bob')?.message.id).toBe(first.id);
    store = updateLine(store, '@bob', first.id, { failed: 'Ret 1204' });
    expect(lastSentLine(store, '@bob')).toBeUndefined();
  });

  it('keeps a bounded number of messages per chat', () => {
    let store = emptyStore();
    for (let i = 0; i < MAX_MESSAGES_PER_CHAT + 20; i++)
      store = receiveMessage(store, at('@bob', `m${i}`, i));
    const lines = linesOf(store, '@bob');
    expect(lines).toHaveLength(MAX_MESSAGES_PER_CHAT);
    expect(lines.at(-1)?.message.text).toBe(`m${MAX_MESSAGES_PER_CHAT + 19}`);
  });

  it('prepends history before what is shown, without duplicates', () => {
    let store = upsertChats(emptyStore(), SEEDS);
    const newer = at('@bob', 'newer', 10);
    store = receiveMessage(store, newer);
    store = prependHistory(store, '@bob', [at('@bob', 'old1', 1), at('@bob', 'old2', 2), newer]);
    expect(linesOf(store, '@bob').map((l) => l.message.text)).toEqual(['old1', 'old2', 'newer']);
  });

  it('keeps unread counts and previews when the directory is refreshed, and removes chats', () => {
    let store = upsertChats(emptyStore(), SEEDS);
    store = receiveMessage(store, at('@bob', 'hi', 1));
    store = upsertChats(store, [seed('@bob', 'Bobby (renamed)')]);
    expect(store.chats.get('@bob')).toMatchObject({ title: 'Bobby (renamed)', unread: 1, preview: 'hi' });
    store = openChat(store, '@bob');
    store = removeChats(store, ['@bob']);
    expect(store.chats.has('@bob')).toBe(false);
    expect(store.open).toBeUndefined();
  });
});

describe('incremental search', () => {
  const store = upsertChats(emptyStore(), SEEDS);
  const search = (q: string) => visibleChats(store, q).map((c) => c.id);

  it('matches remark names, nicknames, aliases and pinyin (full, compact, initials)', () => {
    expect(search('老张')).toEqual(['@zhang']);
    expect(search('张伟')).toEqual(['@zhang']);
    expect(search('zhangwei')).toEqual(['@zhang']);
    expect(search('lao zh')).toEqual(['@zhang']);
    expect(search('zw')).toEqual(['@zhang']);
    expect(search('alice88')).toEqual(['@alice']);
    expect(search('家')).toEqual(['@@family']);
    expect(search('nobody')).toEqual([]);
  });

  it('ranks exact, then prefix, then contained matches', () => {
    expect(matchRank(SEEDS[3]!, 'bob')).toBe(0);
    expect(matchRank(SEEDS[1]!, 'ali')).toBe(1);
    expect(matchRank(SEEDS[1]!, 'smith')).toBe(2);
    expect(matchRank(SEEDS[1]!, 'zzz')).toBeUndefined();
    const s = upsertChats(emptyStore(), [seed('@a', 'Bobby'), seed('@b', 'Bob'), seed('@c', 'Jim Bob')]);
    expect(visibleChats(s, 'bob').map((c) => c.id)).toEqual(['@b', '@a', '@c']);
  });
});

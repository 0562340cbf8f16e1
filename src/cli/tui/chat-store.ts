/**
 * The terminal client's chats as pure, immutable state: one summary per chat (title, unread count,
 * last message, time, pinned, group), the messages of each chat, and the ordering and incremental
 * search of the chat list. Every function returns a new store; nothing here touches the client.
 */
import type { Message } from '../../model/index.js';
import type { SentRef } from '../client-actions.js';
import { describeMessage, isShown, oneLine } from './message-render.js';

/** Most messages kept per chat in memory (older ones come back from the store's history). */
export const MAX_MESSAGES_PER_CHAT = 500;

/** A chat the list can show before any message arrived: a contact or a group. */
export interface ChatSeed {
  id: string;
  title: string;
  isRoom: boolean;
  pinned: boolean;
  muted: boolean;
  /** Remark name, nickname, alias, topic, pinyin (full and initials): what search matches. */
  searchNames: string[];
}

export interface ChatSummary extends ChatSeed {
  unread: number;
  /** An unread message mentions the user. */
  mentioned: boolean;
  /** The last message as one sanitised line ('' when none). */
  preview: string;
  /** Unix seconds of the last message (0 when none). */
  lastTime: number;
}

/** A message in a chat, with what the terminal client knows about it. */
export interface ChatLine {
  message: Message;
  /** Recalled (by its sender, or by the user with /revoke). */
  revoked: boolean;
  /** Set when sending failed: why. */
  failed?: string;
  /** For the user's own messages sent from here: what revoking needs. */
  sent?: SentRef;
}

export interface ChatStore {
  readonly chats: ReadonlyMap<string, ChatSummary>;
  readonly lines: ReadonlyMap<string, readonly ChatLine[]>;
  /** The chat open in the chat view. */
  readonly open: string | undefined;
}

export function emptyStore(): ChatStore {
  return { chats: new Map(), lines: new Map(), open: undefined };
}

function summaryOf(seed: ChatSeed, previous?: ChatSummary): ChatSummary {
  return {
    ...seed,
    unread: previous?.unread ?? 0,
    mentioned: previous?.mentioned ?? false,
    preview: previous?.preview ?? '',
    lastTime: previous?.lastTime ?? 0,
  };
}

/** Adds or updates chats from the contact directory, keeping their unread counts and last messages. */
export function upsertChats(store: ChatStore, seeds: readonly ChatSeed[]): ChatStore {
  const chats = new Map(store.chats);
  for (const seed of seeds) chats.set(seed.id, summaryOf(seed, chats.get(seed.id)));
  return { ...store, chats };
}

/** Removes chats (contacts deleted, groups left); their messages stay until the chat reappears. */
export function removeChats(store: ChatStore, ids: readonly string[]): ChatStore {
  const chats = new Map(store.chats);
  for (const id of ids) chats.delete(id);
  return { ...store, chats, open: store.open && ids.includes(store.open) ? undefined : store.open };
}

function previewOf(message: Message, senderName: string | undefined): string {
  const body = oneLine(describeMessage(message), 120);
  if (message.kind === 'system' || message.kind === 'revoke') return body;
  return senderName ? `${oneLine(senderName, 24)}: ${body}` : body;
}

export interface ReceiveOptions {
  /** How to title a chat the store does not know yet. */
  fallback?: ChatSeed;
  /** The sender's name for the preview in groups. */
  senderName?: string;
  /** Sent from this client: what revoking it needs. */
  sent?: SentRef;
}

/**
 * A message into its chat: appended (a repeated id is ignored), the chat's preview and time
 * updated, its unread count raised when the chat is not open and the message is not the user's
 * own. A revoke marks the message it recalls.
 */
export function receiveMessage(store: ChatStore, message: Message, options: ReceiveOptions = {}): ChatStore {
  if (!isShown(message)) return store;
  const chatId = message.chat.userName;
  const existing = store.lines.get(chatId) ?? [];
  if (message.id && existing.some((l) => l.message.id === message.id)) {
    // Already shown (the server echoed it first): only learn how to revoke it.
    if (options.sent === undefined) return store;
    return updateLine(store, chatId, message.id, { sent: options.sent });
  }

  let lines: ChatLine[] = [
    ...existing,
    { message, revoked: false, ...(options.sent ? { sent: options.sent } : {}) },
  ];
  if (message.kind === 'revoke') {
    lines = lines.map((l) => (l.message.id === message.revokedId ? { ...l, revoked: true } : l));
  }
  if (lines.length > MAX_MESSAGES_PER_CHAT) lines = lines.slice(lines.length - MAX_MESSAGES_PER_CHAT);

  const previous = store.chats.get(chatId) ?? (options.fallback ? summaryOf(options.fallback) : undefined);
  const base: ChatSummary = previous ?? {
    id: chatId,
    title: chatId,
    isRoom: message.chat.isRoom,
    pinned: false,
    muted: false,
    searchNames: [],
    unread: 0,
    mentioned: false,
    preview: '',
    lastTime: 0,
  };
  const counts = store.open !== chatId && !message.isSelf && message.kind !== 'system';
  const summary: ChatSummary = {
    ...base,
    preview: previewOf(message, message.chat.isRoom && !message.isSelf ? options.senderName : undefined),
    lastTime: Math.max(base.lastTime, message.createTime),
    unread: counts ? base.unread + 1 : base.unread,
    mentioned: base.mentioned || (counts && message.mentionsSelf),
  };
  const chats = new Map(store.chats).set(chatId, summary);
  const allLines = new Map(store.lines).set(chatId, lines);
  return { ...store, chats, lines: allLines };
}

/** Older messages (from the store's history) before the ones already shown, oldest first. */
export function prependHistory(store: ChatStore, chatId: string, older: readonly Message[]): ChatStore {
  const existing = store.lines.get(chatId) ?? [];
  const known = new Set(existing.map((l) => l.message.id));
  const fresh = older
    .filter((m) => isShown(m) && !(m.id && known.has(m.id)))
    .map((message): ChatLine => ({ message, revoked: false }));
  if (fresh.length === 0) return store;
  const revokedIds = new Set(
    [...fresh, ...existing].flatMap((l) => (l.message.kind === 'revoke' ? [l.message.revokedId] : [])),
  );
  const lines = [...fresh, ...existing].map((l) =>
    revokedIds.has(l.message.id) ? { ...l, revoked: true } : l,
  );
  return { ...store, lines: new Map(store.lines).set(chatId, lines.slice(-MAX_MESSAGES_PER_CHAT * 2)) };
}

/** Marks a message of a chat (by id) as recalled, or as failed to send. */
export function updateLine(
  store: ChatStore,
  chatId: string,
  messageId: string,
  change: Partial<Pick<ChatLine, 'revoked' | 'failed' | 'sent'>>,
): ChatStore {
  const existing = store.lines.get(chatId);
  if (!existing) return store;
  const lines = existing.map((l) => (l.message.id === messageId ? { ...l, ...change } : l));
  return { ...store, lines: new Map(store.lines).set(chatId, lines) };
}

/** Opens a chat: it becomes the one shown, and its unread count is cleared. */
export function openChat(store: ChatStore, chatId: string | undefined): ChatStore {
  if (chatId === undefined) return { ...store, open: undefined };
  const chat = store.chats.get(chatId);
  const chats = chat
    ? new Map(store.chats).set(chatId, { ...chat, unread: 0, mentioned: false })
    : store.chats;
  return { ...store, chats, open: chatId };
}

export function linesOf(store: ChatStore, chatId: string | undefined): readonly ChatLine[] {
  return chatId === undefined ? [] : (store.lines.get(chatId) ?? []);
}

/** The user's last message in a chat that was sent from here and not yet recalled. */
export function lastSentLine(store: ChatStore, chatId: string): ChatLine | undefined {
  const lines = store.lines.get(chatId) ?? [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.message.isSelf && line.sent !== undefined && !line.revoked && !line.failed) return line;
  }
  return undefined;
}

export function totalUnread(store: ChatStore): number {
  let n = 0;
  for (const chat of store.chats.values()) if (!chat.muted) n += chat.unread;
  return n;
}

const fold = (s: string): string => s.normalize('NFKC').toLocaleLowerCase();
const compact = (s: string): string => fold(s).replace(/\s+/g, '');

/**
 * How well a chat matches a search: 0 exact, 1 prefix, 2 contained, undefined no match. Names are
 * compared case-insensitively and with spaces ignored, so `zhangwei`, `zhang wei`, `zw` (initials)
 * and `张` all find 张伟.
 */
export function matchRank(chat: Pick<ChatSeed, 'title' | 'searchNames'>, query: string): number | undefined {
  const q = compact(query);
  if (q === '') return 2;
  let best: number | undefined;
  for (const name of [chat.title, ...chat.searchNames]) {
    if (!name) continue;
    const n = compact(name);
    const rank = n === q ? 0 : n.startsWith(q) ? 1 : n.includes(q) ? 2 : undefined;
    if (rank !== undefined && (best === undefined || rank < best)) best = rank;
  }
  return best;
}

/** Pinned first, then by the last message (newest first), then chats without messages by title. */
export function compareChats(a: ChatSummary, b: ChatSummary): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  if (a.lastTime !== b.lastTime) return b.lastTime - a.lastTime;
  return a.title.localeCompare(b.title);
}

/** visibleChats results per store (stores are immutable, so a result stays right for its store). */
const visibleCache = new WeakMap<ReadonlyMap<string, ChatSummary>, Map<string, ChatSummary[]>>();

/** The chat list as shown: every chat in order, or, while searching, the matches (best first). */
export function visibleChats(store: ChatStore, query = ''): ChatSummary[] {
  let cached = visibleCache.get(store.chats);
  if (!cached) {
    cached = new Map();
    visibleCache.set(store.chats, cached);
  }
  const hit = cached.get(query);
  if (hit) return hit;
  const result = computeVisible(store, query);
  if (cached.size > 8) cached.clear();
  cached.set(query, result);
  return result;
}

function computeVisible(store: ChatStore, query: string): ChatSummary[] {
  const all = [...store.chats.values()];
  if (query.trim() === '') return all.sort(compareChats);
  return all
    .map((chat) => ({ chat, rank: matchRank(chat, query) }))
    .filter((x): x is { chat: ChatSummary; rank: number } => x.rank !== undefined)
    .sort((a, b) => a.rank - b.rank || compareChats(a.chat, b.chat))
    .map((x) => x.chat);
}

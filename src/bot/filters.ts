/**
 * Type-guard filters over a Context: by message kind, by chat type and by @-mention of the user.
 * Pass them to `composer.filter(…)` (the handlers then see the narrowed context) or call them.
 */
import type { Message, MessageKind } from '../model/index.js';
import type { ChatType, Context } from './context.js';

/** A context whose message is of the given kind(s). */
export type KindContext<C extends Context, K extends MessageKind> = C & {
  message: Extract<Message, { kind: K }>;
};

/** A context whose chat is of the given type(s); see {@link isChatType}. */
export type ChatContext<C extends Context, T extends ChatType> = C & { readonly chatType: T };

/** A type guard over contexts, as `filter()` takes it. */
export type Guard<C extends Context, D extends C> = (ctx: C) => ctx is D;

/** Messages of `kind` (or of any of the kinds). */
export function isKind<K extends MessageKind>(
  ...kinds: K[]
): <C extends Context>(ctx: C) => ctx is KindContext<C, K> {
  const wanted = new Set<string>(kinds);
  return <C extends Context>(ctx: C): ctx is KindContext<C, K> => wanted.has(ctx.message.kind);
}

/** Messages in chats of the given type(s). */
export function isChatType<T extends ChatType>(
  ...types: T[]
): <C extends Context>(ctx: C) => ctx is ChatContext<C, T> {
  const wanted = new Set<ChatType>(types);
  return <C extends Context>(ctx: C): ctx is ChatContext<C, T> => wanted.has(ctx.chatType);
}

/** Text messages. */
export const isText = isKind('text');
/** Messages in private chats (with a person). */
export const isPrivate = isChatType('private');
/** Messages in groups. */
export const isGroup = isChatType('group');
/** Messages from official accounts. */
export const isOfficial = isChatType('official');

/** A group message that @-mentions one of the user's names. */
export function mentionsSelf(ctx: Context): boolean {
  return ctx.message.mentionsSelf;
}

/** Sent by the logged-in user (from this client or another device). */
export function isSelf(ctx: Context): boolean {
  return ctx.message.isSelf;
}

/** The filters as one object, for `import { filters } from 'webwx'`. */
export const filters = Object.freeze({
  /** {@link isKind}: messages of the given kind(s). */
  kind: isKind,
  /** {@link isChatType}: messages in chats of the given type(s). */
  chatType: isChatType,
  /** {@link isText}: text messages. */
  text: isText,
  /** {@link isPrivate}: messages in private chats. */
  private: isPrivate,
  /** {@link isGroup}: messages in groups. */
  group: isGroup,
  /** {@link isOfficial}: messages from official accounts. */
  official: isOfficial,
  /** {@link mentionsSelf}: group messages that @-mention the user. */
  mentionsSelf,
  /** The user's own messages (from this client or another device). */
  self: isSelf,
});

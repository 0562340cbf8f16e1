/**
 * From a webwxsync AddMsgList to 'message' events: drop what was already seen (by MsgId), look the
 * unknown chats and senders up in one batchgetcontact per round (never twice for the same name),
 * decode, emit.
 */
import { ParseError } from '../../errors.js';
import { type DecodeContext, decodeMessage, isRoomUserName, type Message } from '../../model/index.js';
import type { WireMessage } from '../../protocol/wire-types.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { batchGetContacts } from '../session/session-loader.js';
import type { Session } from '../session/session-state.js';
import { MessageEventDeriver } from './message-events.js';
import { SeenSet } from './seen-set.js';

/** MsgType 51: the status-notify bookkeeping the server sends after init (§9.4), not a message. */
const MSGTYPE_STATUS_NOTIFY = 51;

export class MessageIntake {
  readonly seen: SeenSet;
  /** Names already asked of batchgetcontact, so an unknown name costs one lookup, not one per message. */
  readonly #lookedUp = new SeenSet();
  readonly #rt: Runtime;
  readonly #session: Session;
  readonly #directory: MutableContactDirectory;
  /** Sees every status-notify (MsgType 51) message: the contact service learns permanent ids from it (§9.4). */
  onStatusNotify: ((raw: WireMessage) => void) | undefined;
  /**
   * Set when a MessageStore makes delivery exactly-once (docs/sessions.md): records the decoded batch
   * and calls emit(i) for each message not processed before, inside the store's unit of work.
   */
  recordBatch: ((messages: readonly Message[], emit: (index: number) => void) => Promise<void>) | undefined;
  /** 'friend-request', 'room-join', 'room-leave', 'room-topic', 'revoke' (message-events.ts). */
  readonly #typedEvents: MessageEventDeriver;
  /**
   * What decodeMessage needs to know of the account and its contacts: one for every decode, reading
   * the session and the directory when asked.
   */
  readonly #context: DecodeContext;

  constructor(rt: Runtime, session: Session, directory: MutableContactDirectory, seen = new SeenSet()) {
    this.#rt = rt;
    this.#session = session;
    this.#directory = directory;
    this.seen = seen;
    this.#typedEvents = new MessageEventDeriver(rt.events, (room) => directory.room(room)?.members);
    this.#context = {
      get selfUserName() {
        return session.selfUserName;
      },
      displayNameOf: (userName, roomUserName) => directory.displayNameOf(userName, roomUserName),
      selfDisplayNames: (roomUserName) => {
        const names = [session.self?.nickName ?? ''];
        if (roomUserName) names.push(directory.member(roomUserName, session.selfUserName)?.displayName ?? '');
        return names.filter((n) => n);
      },
    };
  }

  /**
   * Rooms that arrived (in ModContactList) without their members: fetch them, once per room, so a
   * newly joined room is as complete as the ones loaded at start.
   */
  async completeRooms(roomUserNames: readonly string[]): Promise<void> {
    const names = roomUserNames.filter((name) => !this.#lookedUp.has(`members:${name}`));
    if (names.length === 0) return;
    for (const name of names) this.#lookedUp.add(`members:${name}`);
    try {
      await batchGetContacts(this.#rt, this.#session, this.#directory, names);
    } catch (error) {
      if (this.#rt.signal.aborted) throw error;
      this.#rt.logger.warn(
        { count: names.length, error: errorText(error) },
        'loading the members of new rooms failed',
      );
    }
  }

  /** Decodes and emits the new messages of one sync round. */
  async process(raws: readonly WireMessage[]): Promise<void> {
    let fresh: WireMessage[] = [];
    const inBatch = new Set<string>();
    for (const raw of raws) {
      if (!raw?.MsgId || this.seen.has(raw.MsgId) || inBatch.has(raw.MsgId)) continue;
      if (raw.MsgType === MSGTYPE_STATUS_NOTIFY) {
        this.onStatusNotify?.(raw);
        this.seen.add(raw.MsgId);
        continue;
      }
      inBatch.add(raw.MsgId);
      fresh.push(raw);
    }
    if (fresh.length === 0) return;

    const context = this.#context;
    let messages = this.#decodeAll(fresh);
    if (messages.length < fresh.length) fresh = fresh.filter((raw) => this.#decodable.has(raw));
    const unknown = this.#unknownNames(messages);
    if (unknown.size > 0) {
      for (const key of unknown.keys()) this.#lookedUp.add(key);
      const names = [...new Set(unknown.values())];
      try {
        await batchGetContacts(this.#rt, this.#session, this.#directory, names);
        const first = messages;
        messages = fresh.map((raw, i) => {
          try {
            return decodeMessage(raw, context);
          } catch {
            return first[i] as Message;
          }
        });
      } catch (error) {
        if (this.#rt.signal.aborted) throw error;
        this.#rt.logger.warn(
          { count: names.length, error: errorText(error) },
          'looking up unknown senders failed',
        );
      }
    }

    const emitOne = (i: number): void => {
      const raw = fresh[i] as WireMessage;
      const message = messages[i] as Message;
      if (!this.seen.add(raw.MsgId)) return;
      this.#rt.events.emit('message', message);
      this.#typedEvents.handle(message);
    };
    if (!this.recordBatch) {
      for (let i = 0; i < fresh.length; i++) emitOne(i);
      return;
    }
    try {
      await this.recordBatch(messages, emitOne);
    } catch (error) {
      // Nothing of the batch was recorded: let its re-delivery through.
      for (const raw of fresh) this.seen.delete(raw.MsgId);
      throw error;
    }
  }

  /** Entries decodeMessage accepted in the last #decodeAll. */
  #decodable = new Set<WireMessage>();

  /**
   * Decodes every entry; one that fails to decode (a bug or a shape no server sends) skips itself: a
   * ParseError 'error' event, marked seen so it is not tried again, and the rest goes on.
   */
  #decodeAll(raws: readonly WireMessage[]): Message[] {
    const messages: Message[] = [];
    this.#decodable = new Set();
    for (const raw of raws) {
      try {
        messages.push(decodeMessage(raw, this.#context));
        this.#decodable.add(raw);
      } catch (error) {
        this.seen.add(raw.MsgId);
        const parseError = new ParseError(
          'webwxsync',
          `AddMsgList entry ${raw.MsgId} cannot be decoded`,
          undefined,
          {
            cause: error,
          },
        );
        this.#rt.logger.warn({ error: errorText(error) }, 'a message that cannot be decoded was skipped');
        this.#rt.events.emit('error', parseError);
      }
    }
    return messages;
  }

  /**
   * Chats and senders of these messages that the directory does not know and were never looked up,
   * as lookup key → UserName to fetch. A room member missing from a known room refetches the room
   * (key room/member, so each new member costs one lookup).
   */
  #unknownNames(messages: readonly Message[]): Map<string, string> {
    const self = this.#session.selfUserName;
    const directory = this.#directory;
    const wanted = new Map<string, string>();
    const want = (key: string, userName: string): void => {
      if (userName && userName !== self && !this.#lookedUp.has(key)) wanted.set(key, userName);
    };
    for (const message of messages) {
      // Friend requests come from 'fmessage' and name a stranger: nothing to look up.
      if (message.kind === 'friend-request') continue;
      const chat = message.chat.userName;
      const sender = message.sender.userName;
      if (isRoomUserName(chat)) {
        if (!directory.room(chat)) want(chat, chat);
        else if (sender && sender !== self && !directory.member(chat, sender))
          want(`${chat}/${sender}`, chat);
      } else if (!directory.has(chat)) {
        want(chat, chat);
      }
    }
    return wanted;
  }
}

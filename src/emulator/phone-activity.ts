/**
 * What the phone does that is not a message, and the synccheck selectors it makes the real server
 * send besides 2 (messages) and 4 (contact changes) (PROTOCOL.md §4.5):
 *
 * - 7, phone activity: the user enters or leaves a chat on the phone; the sync then carries a
 *   MsgType 51 with StatusNotifyCode 2 (entered) or 5 (left) naming the chat (§9.4).
 * - 3, 5, 6: seen from the real server with no established meaning (3 repeats until webwxsync is
 *   called; 6 is disputed). `signalSelector` makes every active session's synccheck answer one until
 *   that session calls webwxsync, which then brings nothing new: a client must sync once and then
 *   poll as usual, not spin.
 */
import { InvalidArgumentError } from '../errors.js';
import type { EmulatorContext } from './route-context.js';
import { wireMessage } from './wire-objects.js';

/** The selectors of no content that `signalSelector` sends. */
export type SignalSelector = 3 | 5 | 6;

const SIGNAL_SELECTORS: readonly number[] = [3, 5, 6];

/** What a phone activity answers: the 51 message's id and how many sessions got it. */
export interface PhoneActivityResult {
  /** 19 digits, the same in every session. */
  msgId: string;
  /** Stable id of the chat (a person or a room). */
  chat: string;
  /** StatusNotifyCode: 2 entered, 5 left. */
  code: 2 | 5;
  deliveredTo: number;
}

/** The phone's activity methods, mixed into EmulatorPhone. */
export interface PhoneActivity {
  /**
   * The user opens a chat on the phone (a person or a room, by stable id or name): a MsgType 51 with
   * StatusNotifyCode 2 naming it reaches every active session, announced with synccheck selector 7.
   */
  enterChat(chat: string): PhoneActivityResult;
  /** The user leaves a chat on the phone: as enterChat, with StatusNotifyCode 5. */
  leaveChat(chat: string): PhoneActivityResult;
  /**
   * Every active session's synccheck answers `selector` (3, 5 or 6) until the session calls
   * webwxsync (which brings nothing for it). Returns how many sessions were signalled.
   */
  signalSelector(selector: SignalSelector): number;
}

function fail(message: string): never {
  throw new InvalidArgumentError('', `emulator phone: ${message}`);
}

export function createPhoneActivity(ctx: EmulatorContext): PhoneActivity {
  const activity = (name: string, code: 2 | 5): PhoneActivityResult => {
    if (typeof name !== 'string') fail('"chat" must be a string');
    const chat = ctx.world.findRoom(name)?.id ?? ctx.world.findPerson(name)?.id;
    if (chat === undefined) fail(`unknown chat "${name}"`);
    const msgId = ctx.msgIds.take();
    const createTime = Math.floor(Date.now() / 1000);
    let deliveredTo = 0;
    for (const s of ctx.sessions.active()) {
      const peer = s.names.userName(chat);
      const msg = wireMessage({
        msgId,
        from: s.selfUserName,
        to: peer,
        type: 51,
        content: '',
        createTime,
        statusNotifyCode: code,
        statusNotifyUserName: peer,
      });
      if (s.enqueue(msg, 7)) deliveredTo += 1;
    }
    return { msgId, chat, code, deliveredTo };
  };
  return {
    enterChat: (chat) => activity(chat, 2),
    leaveChat: (chat) => activity(chat, 5),
    signalSelector(selector) {
      if (!SIGNAL_SELECTORS.includes(selector))
        fail(`"selector" must be one of ${SIGNAL_SELECTORS.join(', ')}`);
      const sessions = ctx.sessions.active();
      for (const s of sessions) {
        s.signalled = selector;
        s.wake();
      }
      return sessions.length;
    },
  };
}

/** Shared pieces of the outbox unit tests: an address book over a map, and an outbox over held replies. */

import type { ClientOptions } from '../../../src/client/options.js';
import { Outbox, type OutboxAddresses } from '../../../src/client/send/outbox.js';
import type { ResolvedPacing } from '../../../src/client/send/pacing.js';
import type { Session } from '../../../src/client/session/session-state.js';
import { SeenSet } from '../../../src/client/sync/seen-set.js';
import type { LoggedOutError } from '../../../src/errors.js';
import type { HttpReply } from '../../../src/protocol/http-request.js';
import type { MessageStore } from '../../../src/store/index.js';
import { fakeRuntime, reply, testSession } from '../fake-runtime.js';

/** An address book: UserName → stable id of the current login (change it to simulate a new login). */
export function mapAddresses(
  ids: Map<string, string> = new Map(),
): OutboxAddresses & { ids: Map<string, string> } {
  return {
    ids,
    stableIdOf: (userName) => ids.get(userName),
    userNameOf: (id) => [...ids].find(([, v]) => v === id)?.[0],
    knows: (userName) => ids.has(userName),
    snapshot: () => new Map(ids),
  };
}

/** An address book that knows nobody (sends stay where they were addressed). */
export function noAddresses(): OutboxAddresses {
  return mapAddresses();
}

/** A request the test answers. */
export interface HeldRequest {
  endpoint: string;
  to: string;
  msg: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The message's Content and ClientMsgId ('' when it has none). */
  content: string;
  clientMsgId: string;
  /** Sent with `ordered: true` (pipelined by the transport in call order). */
  ordered: boolean;
  done: boolean;
  ok(): void;
  ret(code: number): void;
  fail(error: unknown): void;
}

/**
 * An outbox whose requests the test answers one by one (`held`; they fail with the abort reason when
 * the client stops), and whose sleeps the test ends (`sleeps[i].wake()`). A clock the test moves
 * (`clock.now`) drives pacing; `retries` records the 'send-retry' events.
 */
export function heldOutbox(
  init: {
    options?: ClientOptions;
    store?: MessageStore;
    pacing?: ResolvedPacing | false;
    addresses?: OutboxAddresses;
    session?: Session;
    endSession?: (e: LoggedOutError) => void;
  } = {},
) {
  const held: HeldRequest[] = [];
  const sleeps: { ms: number; wake(): void; abort(reason: unknown): void }[] = [];
  const clock = { now: 1_700_000_000_000 };
  /** Every 'send-retry' event: the send, its attempt and the Ret that caused it. */
  const retries: { clientMsgId: string; attempt: number; ret?: number }[] = [];
  let nextOrdered = false;
  let msgIds = 0;
  const fake = fakeRuntime(
    (spec) =>
      new Promise<HttpReply>((resolve, reject) => {
        const body = (spec.body as { value: Record<string, unknown> }).value;
        const msg = (body.Msg ?? {}) as Record<string, unknown>;
        const h: HeldRequest = {
          endpoint: spec.endpoint,
          to: String(msg.ToUserName ?? body.ToUserName ?? ''),
          msg,
          body,
          content: String(msg.Content ?? ''),
          clientMsgId: String(msg.ClientMsgId ?? ''),
          ordered: nextOrdered,
          done: false,
          ok: () => {
            h.done = true;
            const MsgID = `${7_000_000 + ++msgIds}`;
            resolve(
              reply(
                JSON.stringify({ BaseResponse: { Ret: 0, ErrMsg: '' }, MsgID, LocalID: msg.LocalID ?? '' }),
              ),
            );
          },
          ret: (code) => {
            h.done = true;
            resolve(reply(JSON.stringify({ BaseResponse: { Ret: code, ErrMsg: '' } })));
          },
          fail: (error) => {
            h.done = true;
            reject(error);
          },
        };
        held.push(h);
      }),
    { random: () => 0.5, now: () => clock.now, ...init.options },
  );
  const { send } = fake.rt;
  fake.rt = {
    ...fake.rt,
    send(spec, o) {
      nextOrdered = o?.ordered === true;
      return send(spec, o);
    },
    sleep(ms) {
      return new Promise<void>((resolve, reject) => {
        const signal = fake.controller.signal;
        if (signal.aborted) return reject(signal.reason);
        sleeps.push({ ms, wake: resolve, abort: reject });
      });
    },
  };
  // The client's signal fails what is held, with one listener (as the transport has one per signal).
  fake.controller.signal.addEventListener(
    'abort',
    () => {
      const reason = fake.controller.signal.reason;
      for (const h of held) if (!h.done) h.fail(reason);
      for (const s of sleeps) s.abort(reason); // a woken one is settled already: no effect
    },
    { once: true },
  );
  fake.rt.events.on('send-retry', (r) => retries.push(r));
  const session = init.session ?? testSession();
  const outbox = new Outbox(
    {
      rt: fake.rt,
      session,
      seen: new SeenSet(),
      store: init.store,
      addresses: init.addresses ?? noAddresses(),
      endSession: init.endSession ?? (() => {}),
    },
    init.pacing ?? false,
  );
  const inFlight = () => held.filter((h) => !h.done);
  return { outbox, held, sleeps, retries, clock, fake, session, inFlight };
}

export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

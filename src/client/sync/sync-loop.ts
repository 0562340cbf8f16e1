/**
 * The sync loop (§4.5, §4.6): synccheck long poll → on selector ≠ 0, webwxsync → new keys and SKey →
 * contact changes → messages. Runs until the client stops or the session ends.
 *
 * - retcode 1100/1101/1102 from the session's push host, or Ret 1100–1102 from webwxsync, end the
 *   session. (From a fallback push host such a retcode may only mean "wrong host" (§1.1), so there it
 *   counts as that host failing.)
 * - Other retcodes, transport failures and unparseable replies are reported as 'error' events and
 *   retried after a jittered back-off; transport failures move through the push-host fallbacks.
 * - A sync that brings nothing and leaves the key where it was waits before the next synccheck, so
 *   selectors like 6 and 7 never spin.
 */
import { LoggedOutError, ProtocolError, sessionEndOf, TransportError, WebWxError } from '../../errors.js';
import type { ParsedSyncReply } from '../../protocol/index.js';
import {
  buildSyncCheckRequest,
  buildSyncRequest,
  parseSyncCheckReply,
  parseSyncReply,
} from '../../protocol/index.js';
import { backoffDelay } from '../../transport/index.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { contactsOfApp } from '../session/app-mode.js';
import type { Session } from '../session/session-state.js';
import type { MessageIntake } from './message-intake.js';
import { classifySyncCheck, IdleSyncBackoff, PushHostRotation, syncMadeProgress } from './sync-policy.js';
import { SyncWatchdog } from './sync-watchdog.js';

/** Never less than this after a failure, whatever the jitter draws. */
const MIN_FAILURE_DELAY_MS = 250;
/** An idle synccheck answered faster than this was not held: wait the rest before polling again. */
const MIN_IDLE_CYCLE_MS = 1000;
/** ContinueFlag rounds in a row before going back to synccheck. */
const MAX_CONTINUE_ROUNDS = 50;

export interface SyncLoopDeps {
  rt: Runtime;
  session: Session;
  directory: MutableContactDirectory;
  intake: MessageIntake;
  /** Ends the session (state 'logged-out', 'logout' event, resources released). */
  endSession(error: LoggedOutError): void;
  /** Saves the session after a round moved the key (session-resume.ts); never rejects. */
  persist?: () => Promise<void>;
  /** autoRelogin: logs in again after the server ended the session; true when it is live again. */
  recover?: (error: LoggedOutError) => Promise<boolean>;
  /**
   * Awaited before a reply is applied, when given and it returns a promise (a resume's cached rooms,
   * contact-phase.ts); never rejects.
   */
  beforeApply?: (sync: ParsedSyncReply) => Promise<void> | undefined;
}

type RoundOutcome = 'ok' | 'failed' | 'ended';

export class SyncLoop {
  readonly #deps: SyncLoopDeps;
  #rotation: PushHostRotation;
  readonly #idle = new IdleSyncBackoff();
  #failures = 0;
  /** Undefined when `watchdog: false`. */
  readonly #watchdog: SyncWatchdog | undefined;

  constructor(deps: SyncLoopDeps) {
    this.#deps = deps;
    this.#rotation = new PushHostRotation(deps.session.hosts.push, deps.rt.options.syncCheckFallbackHosts);
    const watchdog = deps.rt.options.watchdog;
    this.#watchdog = watchdog ? new SyncWatchdog(deps.rt, watchdog.quietMs) : undefined;
  }

  /** Resolves when the loop ends (stop or session end); never rejects. */
  async run(): Promise<void> {
    this.#watchdog?.start();
    try {
      await this.#rounds();
    } finally {
      this.#watchdog?.stop();
    }
  }

  /** The synccheck and sync requests, under the watchdog's signal when it watches. */
  #send(spec: Parameters<Runtime['send']>[0]): ReturnType<Runtime['send']> {
    const watchdog = this.#watchdog;
    return watchdog ? this.#deps.rt.send(spec, { signal: watchdog.signal }) : this.#deps.rt.send(spec);
  }

  /** The watchdog dropped the request: poll again at once, from the session's own push host. */
  #reconnect(): RoundOutcome {
    this.#failures = 0;
    this.#rotation.success();
    return 'ok';
  }

  async #rounds(): Promise<void> {
    const { rt } = this.#deps;
    while (!rt.signal.aborted) {
      let outcome: RoundOutcome;
      try {
        outcome = await this.#cycle();
      } catch (error) {
        if (rt.signal.aborted) return;
        // Not a protocol failure (those are handled above): a bug. Report it and keep the session alive.
        rt.logger.error({ error: errorText(error) }, 'sync round failed unexpectedly');
        outcome = 'failed';
        this.#failures++;
      }
      if (outcome === 'ended') return;
      if (outcome === 'failed') {
        try {
          await rt.sleep(this.#failureDelay());
        } catch {
          return;
        }
      }
    }
  }

  /** One synccheck and, when it asks for it, the webwxsync rounds that follow. */
  async #cycle(): Promise<RoundOutcome> {
    const { rt, session } = this.#deps;
    const host = this.#rotation.current;
    const onPrimary = this.#rotation.onPrimary;
    const started = rt.options.now();
    let result: ReturnType<typeof parseSyncCheckReply>;
    try {
      const reply = await this.#send(
        buildSyncCheckRequest(session.context(), {
          pushHost: host,
          deviceId: session.deviceId,
          syncKey: session.syncCheckKey,
          nowMs: started,
          timeoutMs: rt.options.timeouts.syncCheckMs,
        }),
      );
      this.#watchdog?.heard();
      result = parseSyncCheckReply(reply.text);
    } catch (error) {
      if (rt.signal.aborted) throw error;
      if (this.#watchdog?.isStall(error)) return this.#reconnect();
      if (error instanceof TransportError && this.#rotation.failure()) {
        rt.logger.warn({ host: this.#rotation.current }, 'synccheck: trying another push host');
      }
      return this.#failed('synccheck', error);
    }

    const decision = classifySyncCheck(result);
    switch (decision.kind) {
      case 'logged-out':
        if (!onPrimary) {
          this.#rotation.failure();
          return this.#failed(
            'synccheck',
            new ProtocolError('synccheck', decision.retcode, 'from a fallback host'),
          );
        }
        return this.#sessionEnded(new LoggedOutError(decision.reason, decision.retcode));
      case 'transient':
        this.#rotation.failure();
        return this.#failed('synccheck', new ProtocolError('synccheck', decision.retcode));
      case 'idle': {
        this.#succeeded();
        const elapsed = rt.options.now() - started;
        if (elapsed < MIN_IDLE_CYCLE_MS) await rt.sleep(MIN_IDLE_CYCLE_MS - elapsed);
        return 'ok';
      }
      case 'sync':
        this.#succeeded();
        rt.logger.debug({ selector: decision.selector }, 'synccheck: changes pending');
        return this.#syncRounds();
    }
  }

  /** webwxsync, again at once while ContinueFlag ≠ 0 and the key moves. */
  async #syncRounds(): Promise<RoundOutcome> {
    const { rt, session, directory, intake } = this.#deps;
    for (let round = 1; round <= MAX_CONTINUE_ROUNDS; round++) {
      let sync: ParsedSyncReply;
      try {
        const sent = performance.now();
        const reply = await this.#send(
          buildSyncRequest(session.context(), {
            deviceId: session.deviceId,
            syncKey: session.syncKey,
            nowMs: rt.options.now(),
          }),
        );
        this.#watchdog?.heard();
        sync = parseSyncReply(reply.text);
        rt.events.emit('sync-round', { ms: performance.now() - sent });
      } catch (error) {
        if (rt.signal.aborted) throw error;
        if (this.#watchdog?.isStall(error)) return this.#reconnect();
        const ended = sessionEndOf(error);
        if (ended) return this.#sessionEnded(ended);
        return this.#failed('webwxsync', error);
      }

      // A malformed entry skipped itself (json-reply.ts): reported, the rest of the reply goes on.
      for (const skipped of sync.skipped) {
        rt.logger.warn({ error: errorText(skipped) }, 'webwxsync: a malformed entry was skipped');
        rt.events.emit('error', skipped);
      }
      const waitFor = this.#deps.beforeApply?.(sync);
      if (waitFor) await waitFor;
      session.updateSkey(sync.SKey);
      if (sync.DelContactList.length > 0) directory.remove(sync.DelContactList.map((c) => c.UserName));
      const modContacts = contactsOfApp(session.app, sync.ModContactList);
      if (modContacts.length > 0) {
        directory.upsert(modContacts);
        const incomplete = modContacts
          .map((c) => c.UserName)
          .filter((name) => directory.room(name)?.members.length === 0);
        await intake.completeRooms(incomplete);
      }
      if (sync.ModChatRoomMemberList.length > 0) directory.applyMemberLists(sync.ModChatRoomMemberList);
      try {
        await intake.process(sync.AddMsgList);
      } catch (error) {
        if (rt.signal.aborted) throw error;
        // Not recorded: keep the old key, so the server delivers the batch again (exactly-once).
        return this.#failed('message-store', error);
      }
      // Only now, with the batch recorded, does the key move on (and get saved).
      const keyAdvanced = session.updateKeys(sync.SyncKey, sync.SyncCheckKey);
      if (keyAdvanced) await this.#deps.persist?.();

      if (sync.ContinueFlag !== 0 && keyAdvanced) continue;
      const wait = this.#idle.next(syncMadeProgress(sync, keyAdvanced));
      if (wait > 0) {
        rt.logger.debug({ waitMs: wait }, 'webwxsync brought nothing; backing off');
        await rt.sleep(wait);
      }
      return 'ok';
    }
    return 'ok';
  }

  /** The server ended the session: log in again when configured (reconnect.ts), else end it. */
  async #sessionEnded(error: LoggedOutError): Promise<RoundOutcome> {
    const { rt, session, recover } = this.#deps;
    this.#watchdog?.pause();
    const live = recover ? await recover(error).finally(() => this.#watchdog?.resume()) : false;
    if (live) {
      this.#rotation = new PushHostRotation(session.hosts.push, rt.options.syncCheckFallbackHosts);
      this.#failures = 0;
      return 'ok';
    }
    this.#deps.endSession(error);
    return 'ended';
  }

  #succeeded(): void {
    this.#failures = 0;
    this.#rotation.success();
  }

  #failed(endpoint: string, error: unknown): RoundOutcome {
    const { rt } = this.#deps;
    this.#failures++;
    rt.logger.warn(
      { endpoint, failures: this.#failures, error: errorText(error) },
      'sync failed; will retry',
    );
    if (error instanceof WebWxError) rt.events.emit('error', error);
    return 'failed';
  }

  #failureDelay(): number {
    const { options } = this.#deps.rt;
    return MIN_FAILURE_DELAY_MS + backoffDelay(this.#failures, options.retry, options.random);
  }
}

/**
 * The sync loop of a live session, wired: its message intake (status-notify learning, the message
 * log when there is a store), the resume's cached rooms before anything of a room is applied
 * (contact-phase.ts), the session saved as the key moves, and with autoRelogin the new login that
 * suspends the outbox meanwhile (sends queued before it are re-addressed through stable ids).
 */
import type { LoggedOutError } from '../../errors.js';
import type { ParsedSyncReply } from '../../protocol/index.js';
import type { WireMessage } from '../../protocol/wire-types.js';
import type { MessageStore } from '../../store/index.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import type { Runtime } from '../runtime.js';
import type { Outbox } from '../send/outbox.js';
import { Reconnector } from '../session/reconnect.js';
import type { Session } from '../session/session-state.js';
import { MessageIntake } from './message-intake.js';
import { recordBatchWith } from './message-log.js';
import type { SeenSet } from './seen-set.js';
import { SyncLoop } from './sync-loop.js';

export interface LiveSyncDeps {
  rt: Runtime;
  session: Session;
  directory: MutableContactDirectory;
  seen: SeenSet;
  outbox: Outbox;
  /** Exactly-once delivery through the store's message log (docs/sessions.md). */
  messageStore?: MessageStore | undefined;
  /** Saves the session (session-resume.ts SessionPersister); never rejects. */
  persist?: (() => Promise<void>) | undefined;
  /** What a reply waits for before it is applied: the resume's cached entries (contact-phase.ts cachedFor). */
  fromCacheFor: (sync: ParsedSyncReply) => Promise<void> | undefined;
  /** Status-notify Code 4 entries: permanent ids (the contact service). */
  onStatusNotify: (raw: WireMessage) => void;
  endSession: (error: LoggedOutError) => void;
  autoRelogin: boolean;
}

/** Runs the loop; resolves when it ends (stop or session end), never rejects. */
export function runLiveSync(d: LiveSyncDeps): Promise<void> {
  const { rt, session, directory, outbox, persist } = d;
  const intake = new MessageIntake(rt, session, directory, d.seen);
  intake.onStatusNotify = d.onStatusNotify;
  if (d.messageStore) intake.recordBatch = recordBatchWith(d.messageStore);
  const recover = async (error: LoggedOutError): Promise<boolean> => {
    // Sends wait for the new login; those queued before it are re-addressed (stable ids).
    outbox.suspend();
    const live = await new Reconnector({ rt, session, directory, ...(persist ? { persist } : {}) }).recover(
      error,
    );
    if (live) outbox.resume();
    return live;
  };
  return new SyncLoop({
    rt,
    session,
    directory,
    intake,
    endSession: d.endSession,
    beforeApply: d.fromCacheFor,
    ...(persist ? { persist } : {}),
    ...(d.autoRelogin ? { recover } : {}),
  }).run();
}

/**
 * The contact phase of start() (docs/sessions.md, "Hot reload"). After a QR or push login the
 * contact list and every room's members load before 'ready'. After a resume whose contact cache was
 * written by the same login, the directory is filled from the cache at once and the server's list
 * loads in the background, so the sync loop starts right after webwxinit: the first message of a
 * restart does not wait for a big account's contacts.
 */
import { type LoggedOutError, sessionEndOf, WebWxError } from '../../errors.js';
import type { ContactsEvent, LoginStep } from '../client-types.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { hasContactList } from './app-mode.js';
import { fillFromContactCache } from './cached-contacts.js';
import { loadContacts } from './session-loader.js';
import type { Session } from './session-state.js';

/** What startContactPhase() leaves running. */
export interface ContactPhase {
  /** Entries the directory took from the contact cache (0: the list was loaded from the server first). */
  fromCache: number;
  /** Settles once the server's list is in the directory (already settled when `fromCache` is 0). */
  loaded: Promise<ContactsEvent>;
  /** Starts the background load (`fromCache` > 0); later calls do nothing. */
  begin?: () => void;
}

/**
 * The background load waits for the first webwxsync reply (what came in while the process was down
 * goes first: the load's big replies would share the thread and the connection with it), or this
 * long after 'ready' when the first synccheck is a quiet long poll.
 */
const REFRESH_AT_LATEST_MS = 1000;

/**
 * Resume with a usable cache: fills the directory from it and returns at once, the server's list
 * loading in the background (`loaded`). Otherwise loads the list from the server and returns when it
 * is in. `loaded` never goes unhandled: whoever needs its outcome awaits it.
 */
export async function startContactPhase(
  rt: Runtime,
  session: Session,
  directory: MutableContactDirectory,
  step: LoginStep,
): Promise<ContactPhase> {
  const cached =
    step === 'resume' && hasContactList(session.app)
      ? await fillFromContactCache(rt, session.selfUserName, directory)
      : 0;
  if (cached === 0) {
    const counts = await loadContacts(rt, session, directory);
    return { fromCache: 0, loaded: Promise.resolve(counts) };
  }
  rt.logger.info({ cached }, 'resumed with the cached contacts; refreshing them in the background');
  let begin: () => void = () => {};
  const loaded = new Promise<ContactsEvent>((resolve) => {
    begin = () => {
      begin = () => {};
      resolve(loadContacts(rt, session, directory));
    };
  });
  loaded.catch(() => {});
  return { fromCache: cached, loaded, begin: () => begin() };
}

/**
 * Once 'ready': `client.contacts.loaded()` follows `phase.loaded`, and on the background path
 * 'contacts' is emitted when the refresh lands. A refresh that fails keeps the cached list: a session
 * end goes to `endSession`, anything else is logged and an 'error' event.
 */
export function followContactPhase(
  rt: Runtime,
  phase: ContactPhase,
  contacts: { settleLoaded(outcome: Promise<ContactsEvent>): void },
  endSession: (error: LoggedOutError) => void,
): void {
  contacts.settleLoaded(phase.loaded);
  if (phase.fromCache === 0 || !phase.begin) return;
  const begin = phase.begin;
  const go = (): void => {
    off();
    clearTimeout(timer);
    rt.signal.removeEventListener('abort', go);
    begin(); // after a stop: fails at once, and `loaded` rejects
  };
  // Once the first round's messages are handed over (the event comes before them: one turn later).
  const off = rt.events.on('sync-round', () => setTimeout(go, 0));
  const timer = setTimeout(go, REFRESH_AT_LATEST_MS);
  rt.signal.addEventListener('abort', go);
  phase.loaded.then(
    (counts) => rt.events.emit('contacts', counts),
    (error: unknown) => {
      if (rt.signal.aborted) return;
      const ended = sessionEndOf(error);
      if (ended) return endSession(ended);
      rt.logger.warn({ error: errorText(error) }, 'refreshing the contacts failed; the cached ones stay');
      if (error instanceof WebWxError) rt.events.emit('error', error);
    },
  );
}

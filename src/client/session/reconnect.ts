/**
 * Automatic re-login (`autoRelogin`, docs/sessions.md): when the server ends the session (1100,
 * 1101, 1102), log in again in place, by push login (the phone only confirms) and then the QR code,
 * with 'relogin' and 'login-step' events. The Session object is reused, so every service holding it
 * goes on with the new credentials; the contact directory is reloaded (UserNames change with every
 * login). The sync loop calls this before giving up on a session.
 */
import type { LoggedOutError } from '../../errors.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { loadContacts } from './session-loader.js';
import { establishSession, savedSessionOf } from './session-resume.js';
import type { Session } from './session-state.js';

/** Re-login attempts in a row before the session is given up. */
export const MAX_RELOGIN_ATTEMPTS = 3;

export interface ReloginDeps {
  rt: Runtime;
  session: Session;
  directory: MutableContactDirectory;
  /** Saves the new session (SessionPersister.save), when there is a store. */
  persist?: () => Promise<void>;
}

export class Reconnector {
  readonly #deps: ReloginDeps;
  #attempts = 0;

  constructor(deps: ReloginDeps) {
    this.#deps = deps;
  }

  /** Logs in again after `ended`; resolves true when the session is live again, false to give up. */
  async recover(ended: LoggedOutError): Promise<boolean> {
    const { rt, session, directory } = this.#deps;
    while (this.#attempts < MAX_RELOGIN_ATTEMPTS && !rt.signal.aborted) {
      this.#attempts++;
      rt.events.emit('relogin', { reason: ended.reason, attempt: this.#attempts });
      rt.logger.info(
        { reason: ended.reason, attempt: this.#attempts },
        'session ended by the server; logging in again',
      );
      try {
        const previous = savedSessionOf(session, rt.transport.cookies, rt.options.now());
        // The old session's UserNames mean nothing to the next one.
        directory.remove([...directory.list(), ...directory.rooms()].map((c) => c.userName));
        const fresh = await establishSession(rt, directory, previous, { tryResume: false });
        adopt(session, fresh.session);
        rt.events.emit('login', { self: fresh.self });
        rt.setState('loading');
        rt.events.emit('contacts', await loadContacts(rt, session, directory));
        await this.#deps.persist?.();
        rt.setState('ready');
        rt.events.emit('ready', { self: fresh.self });
        this.#attempts = 0;
        return true;
      } catch (error) {
        if (rt.signal.aborted) return false;
        rt.logger.warn({ attempt: this.#attempts, error: errorText(error) }, 're-login failed');
      }
    }
    return false;
  }
}

/** Moves a fresh login's state into the session object the services hold. */
function adopt(target: Session, fresh: Session): void {
  target.hosts = fresh.hosts;
  target.credentials = fresh.credentials;
  target.syncKey = fresh.syncKey;
  target.syncCheckKey = fresh.syncCheckKey;
  target.selfUser = fresh.selfUser;
  target.self = fresh.self;
  target.inviteStartCount = fresh.inviteStartCount;
}

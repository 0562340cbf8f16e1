/**
 * Hot reload (docs/sessions.md): a restarted client tries, in order, (1) resuming the saved session
 * without any QR (webwxinit with the saved credentials and cookies), (2) push login (the phone only
 * confirms), (3) the QR code. Each step is reported as a 'login-step' event. Also: turning a live
 * session into a SavedSession (session-persister.ts saves it).
 */
import { sessionEndOf } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Contact } from '../../model/index.js';
import { newDeviceId } from '../../protocol/index.js';
import { SAVED_SESSION_VERSION, type SavedSession } from '../../store/index.js';
import { CookieStore } from '../../transport/index.js';
import type { LoginStep, LoginStepEvent } from '../client-types.js';
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { appLabel, hasPushLogin, savedSessionApp } from './app-mode.js';
import { type LoginResult, runQrLogin } from './login-flow.js';
import { runPushLogin } from './push-login.js';
import { initSession } from './session-loader.js';
import { Session } from './session-state.js';

export interface EstablishedSession {
  session: Session;
  self: Contact;
  /** The step that logged in. */
  step: LoginStep;
}

/**
 * Reads the saved session; a store that fails or holds garbage is reported and treated as empty, and
 * so is a session of the other web app (a File Transfer session does not resume a main-web client,
 * nor the other way round; docs/filehelper.md).
 */
export async function loadSavedSession(
  rt: Pick<Runtime, 'options' | 'logger' | 'events'>,
): Promise<SavedSession | undefined> {
  const store = rt.options.store;
  if (!store) return undefined;
  let saved: SavedSession | undefined;
  try {
    saved = await store.load();
  } catch (error) {
    rt.logger.warn({ error: errorText(error) }, 'the saved session cannot be read; logging in afresh');
    const event: LoginStepEvent = { step: 'resume', outcome: 'failed', reason: errorText(error) };
    rt.events.emit('login-step', event);
    return undefined;
  }
  if (saved && savedSessionApp(saved) !== rt.options.app) {
    const reason = `the saved session is of ${appLabel(savedSessionApp(saved))}, this client logs in to ${appLabel(rt.options.app)}`;
    rt.logger.info({ saved: savedSessionApp(saved), app: rt.options.app }, `${reason}; logging in afresh`);
    rt.events.emit('login-step', { step: 'resume', outcome: 'failed', reason });
    return undefined;
  }
  return saved;
}

/** Resume (unless `tryResume` is false), push login, QR: the first that works. */
export async function establishSession(
  rt: Runtime,
  directory: MutableContactDirectory,
  saved: SavedSession | undefined,
  options: { tryResume?: boolean } = {},
): Promise<EstablishedSession> {
  const emit = (event: LoginStepEvent): void => rt.events.emit('login-step', event);
  if (saved && options.tryResume !== false) {
    emit({ step: 'resume', outcome: 'trying' });
    const session = sessionOf(rt, saved, saved.hosts, saved.credentials);
    try {
      rt.setState('logging-in');
      const self = await initSession(rt, session, directory);
      // Keep the saved key: everything before it was recorded; the server re-delivers the rest.
      session.updateKeys(saved.syncKey, saved.syncCheckKey);
      emit({ step: 'resume', outcome: 'succeeded' });
      rt.logger.info('saved session resumed without a QR code');
      return { session, self, step: 'resume' };
    } catch (error) {
      if (rt.signal.aborted) throw error;
      emit({ step: 'resume', outcome: 'failed', reason: reasonOf(error) });
      rt.logger.info({ error: errorText(error) }, 'the saved session cannot be resumed; trying push login');
    }
  }
  // No push login is known for the File Transfer web (docs/filehelper.md): resume, then the QR code.
  if (saved && !hasPushLogin(rt.options.app)) {
    rt.logger.debug({ app: rt.options.app }, 'no push login for this app; showing a QR code');
  } else if (saved) {
    emit({ step: 'push', outcome: 'trying' });
    try {
      const outcome = await runPushLogin(rt, saved.hosts, saved.credentials.uin);
      if (outcome.kind === 'confirmed') {
        const established = await initLogin(rt, directory, outcome.login, saved.deviceId, 'push');
        emit({ step: 'push', outcome: 'succeeded' });
        return established;
      }
      emit({ step: 'push', outcome: 'failed', reason: outcome.why });
    } catch (error) {
      if (rt.signal.aborted) throw error;
      emit({ step: 'push', outcome: 'failed', reason: reasonOf(error) });
      rt.logger.info({ error: errorText(error) }, 'push login failed; falling back to the QR code');
    }
  }
  emit({ step: 'qr', outcome: 'trying' });
  const login = await runQrLogin(rt);
  const established = await initLogin(rt, directory, login, saved?.deviceId, 'qr');
  emit({ step: 'qr', outcome: 'succeeded' });
  return established;
}

async function initLogin(
  rt: Runtime,
  directory: MutableContactDirectory,
  login: LoginResult,
  deviceId: string | undefined,
  step: LoginStep,
): Promise<EstablishedSession> {
  const session = sessionOf(rt, { deviceId }, login.hosts, login.credentials);
  const self = await initSession(rt, session, directory);
  return { session, self, step };
}

function sessionOf(
  rt: Runtime,
  saved: { deviceId?: string | undefined },
  hosts: SavedSession['hosts'],
  credentials: SavedSession['credentials'],
): Session {
  return new Session({
    hosts: { ...hosts, ...rt.options.explicitHosts },
    credentials,
    deviceId: saved.deviceId || newDeviceId(rt.options.random),
    lang: rt.options.lang,
    desktop: rt.options.uos.enabled,
    app: rt.options.app,
  });
}

function reasonOf(error: unknown): string {
  const ended = sessionEndOf(error);
  return ended ? `${ended.reason} (${ended.ret ?? ''})` : errorText(error);
}

/** The saved cookie jar, or an empty one when it cannot be restored (resume then fails over to push login). */
export function cookieStoreOf(saved: SavedSession, logger: Logger): CookieStore {
  try {
    return CookieStore.fromJSON(saved.cookies);
  } catch (error) {
    logger.warn({ error: errorText(error) }, 'the saved cookies cannot be restored');
    return new CookieStore();
  }
}

/** The live session as a SavedSession (secret: never log it). */
export function savedSessionOf(session: Session, cookies: CookieStore, nowMs: number): SavedSession {
  return {
    version: SAVED_SESSION_VERSION,
    app: session.app,
    hosts: { ...session.hosts },
    credentials: { ...session.credentials },
    cookies: cookies.toJSON(),
    syncKey: structuredClone(session.syncKey),
    syncCheckKey: structuredClone(session.syncCheckKey),
    self: session.selfUser,
    deviceId: session.deviceId,
    savedAt: nowMs,
  };
}

/**
 * The session room of the client: how a session starts, resumes and ends.
 *
 * - login-flow.ts: the QR login state machine (§2).
 * - push-login.ts: push login, the phone asked to confirm (§2.6).
 * - session-loader.ts: webwxinit, status notify and the contact load after a login (§4.1–§4.4).
 * - session-resume.ts: a restart tries the saved session, then push login, then a QR.
 * - session-persister.ts: the live session saved, keys-only changes at most every few seconds.
 * - contact-phase.ts, cached-contacts.ts: the contacts after a login; a resume starts from the cache.
 * - reconnect.ts: `autoRelogin` after the server ends a session.
 * - session-state.ts: the hosts, credentials and keys of one logged-in session.
 * - app-mode.ts: what differs between the main web and the File Transfer web (§14).
 *
 * Session end itself has one owner: `sessionEndOf()` in src/errors.ts.
 */
export * from './app-mode.js';
export * from './cached-contacts.js';
export * from './contact-phase.js';
export * from './login-flow.js';
export * from './push-login.js';
export * from './reconnect.js';
export * from './session-loader.js';
export * from './session-persister.js';
export * from './session-resume.js';
export * from './session-state.js';

/**
 * Sessions that end on a timer (`sessionExpiryMs`, `webwx emulator --session-expiry 30s`): the 2025
 * server answers synccheck with 1102 some seconds after a login (PROTOCOL.md §13). Each session ends
 * `ms` after its login with code 1102 and reason 'expired': a held synccheck answers
 * `retcode:"1102"` at once, the JSON endpoints `Ret 1102` (webwxinit 1101, as for any dead session).
 */
import { InvalidArgumentError } from '../errors.js';
import { type EmulatorContext, endSession } from './route-context.js';

/** setTimeout's largest delay. */
export const MAX_SESSION_EXPIRY_MS = 2 ** 31 - 1;

/** Starts ending every new session `ms` after its login; returns the function that stops it. */
export function startSessionExpiry(ctx: EmulatorContext, ms: number): () => void {
  const timers = new Map<string, NodeJS.Timeout>();
  const offLogin = ctx.events.on('login', (info) => {
    const session = ctx.sessions.all().find((s) => s.id === info.id);
    if (session === undefined) return;
    const timer = setTimeout(() => {
      timers.delete(info.id);
      ctx.logger.info({ session: info.id, ms }, 'emulator session expired on its timer');
      endSession(ctx, session, 1102, 'expired');
    }, ms);
    timer.unref();
    timers.set(info.id, timer);
  });
  const offLogout = ctx.events.on('logout', (event) => {
    clearTimeout(timers.get(event.sessionId));
    timers.delete(event.sessionId);
  });
  return () => {
    offLogin();
    offLogout();
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  };
}

/** The `sessionExpiryMs` option, checked (undefined: sessions never expire on a timer). */
export function sessionExpiryOf(ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  if (!Number.isInteger(ms) || ms <= 0 || ms > MAX_SESSION_EXPIRY_MS)
    throw new InvalidArgumentError(
      'startEmulator',
      `startEmulator: sessionExpiryMs must be a positive integer of at most ${MAX_SESSION_EXPIRY_MS}`,
    );
  return ms;
}

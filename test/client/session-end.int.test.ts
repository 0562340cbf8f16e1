/** The end of a session: logout from the phone, logout(), and stop() leaving nothing behind. */
import { afterEach, describe, expect, it } from 'vitest';
import { LoggedOutError } from '../../src/errors.js';
import { delay, FAST_TIMING, login, type Pair, startPair, waitForEvent } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

describe('session end (client ↔ emulator)', () => {
  it.each([
    [1101, 'logged-in-elsewhere'],
    [1100, 'logged-out-on-phone'],
    [1102, 'session-expired'],
  ] as const)('a logout from the phone (%i) ends the session with reason %s', async (code, reason) => {
    pair = await startPair();
    await login(pair);
    const ended = waitForEvent(pair, 'logout');
    pair.emulator.phone.logout(code);
    const event = await ended;
    expect(event.reason).toBe(reason);
    expect(event.error).toBeInstanceOf(LoggedOutError);
    expect(event.error?.ret).toBe(code);
    expect(pair.client.state).toBe('logged-out');
    expect(pair.events.state.at(-1)).toBe('logged-out');
    const friend = pair.client.contacts.list()[0]!;
    await expect(pair.client.sendText(friend.userName, 'too late')).rejects.toBeInstanceOf(LoggedOutError);
  });

  it('logout() calls webwxlogout and ends the session with reason logout-called', async () => {
    pair = await startPair();
    await login(pair);
    await pair.client.logout();
    expect(pair.client.state).toBe('logged-out');
    expect(pair.events.logout).toEqual([{ reason: 'logout-called' }]);
    const sessions = pair.emulator.phone.sessions();
    expect(sessions.at(-1)).toMatchObject({ state: 'ended', endReason: 'client-logout' });
  });

  it('stop() aborts the held synccheck at once and leaves no handle behind', async () => {
    const count = (): Map<string, number> => {
      const m = new Map<string, number>();
      for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
      return m;
    };
    await delay(50);
    const before = count();
    pair = await startPair({ timing: { ...FAST_TIMING, syncCheckHoldMs: 20_000 } });
    await login(pair);
    const injected = pair.emulator.phone.sendText({
      from: pair.emulator.world.listedContacts()[0]!.id,
      text: 'x',
    });
    await new Promise<void>((resolve) => {
      const off = pair!.client.on('message', (m) => {
        if (m.id === injected.msgId) {
          off();
          resolve();
        }
      });
    });
    await delay(200); // a synccheck is now held by the emulator

    const t0 = performance.now();
    await pair.client.stop();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(pair.client.state).toBe('stopped');

    // The client's sockets are gone (the emulator's side closes as they do) while the emulator still runs.
    const sockets = (m: Map<string, number>): number => m.get('TCPSocketWrap') ?? 0;
    for (let i = 0; i < 40 && sockets(count()) > sockets(before); i++) await delay(25);
    expect(sockets(count())).toBe(sockets(before));

    await pair.emulator.close();
    pair = undefined;
    await delay(50);
    // Nothing more than before the test: no timer, socket or server (other resources may have ended).
    for (const [type, n] of count())
      expect({ type, n }).toEqual({ type, n: Math.min(n, before.get(type) ?? 0) });
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionPersister } from '../../../src/client/session/session-persister.js';
import { LoggedOutError } from '../../../src/errors.js';
import { MemoryStore, type SavedSession } from '../../../src/store/index.js';
import { CookieStore } from '../../../src/transport/index.js';
import { fakeRuntime, testSession } from '../fake-runtime.js';

const INTERVAL = 5000;

/** A persister over a MemoryStore whose saves are recorded, on a clock the test moves. */
function setup() {
  let clock = 1_000_000;
  const fake = fakeRuntime(
    () => {
      throw new Error('no requests here');
    },
    { now: () => clock },
  );
  const store = new MemoryStore();
  const saved: SavedSession[] = [];
  const save = store.save.bind(store);
  store.save = async (s) => {
    saved.push(structuredClone(s));
    await save(s);
  };
  const session = testSession();
  const cookies = new CookieStore();
  const persister = new SessionPersister(fake.rt, store, session, cookies, INTERVAL);
  const advance = async (ms: number) => {
    clock += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };
  const moveKeys = (val: number) => {
    session.updateKeys({ Count: 1, List: [{ Key: 1, Val: val }] }, undefined);
  };
  return { fake, store, saved, session, cookies, persister, advance, moveKeys };
}

describe('SessionPersister', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first save at once, then keys-only changes at most once per interval, the last state winning', async () => {
    vi.useFakeTimers();
    const t = setup();
    await t.persister.save();
    expect(t.saved).toHaveLength(1);

    for (const val of [2, 3, 4]) {
      t.moveKeys(val);
      await t.persister.save(); // resolves without writing
      await t.advance(100);
    }
    expect(t.saved).toHaveLength(1);

    await t.advance(INTERVAL);
    expect(t.saved).toHaveLength(2);
    expect(t.saved[1]?.syncKey.List).toEqual([{ Key: 1, Val: 4 }]);
    // One trailing write, not one per waiting round.
    await t.advance(INTERVAL * 3);
    expect(t.saved).toHaveLength(2);
  });

  it('writes a keys-only change at once when the last write is older than the interval', async () => {
    vi.useFakeTimers();
    const t = setup();
    await t.persister.save();
    await t.advance(INTERVAL + 1);
    t.moveKeys(7);
    await t.persister.save();
    expect(t.saved).toHaveLength(2);
    expect(t.saved[1]?.syncKey.List).toEqual([{ Key: 1, Val: 7 }]);
  });

  it('writes at once whatever a resume needs besides the keys: a new skey, hosts, cookies, self', async () => {
    vi.useFakeTimers();
    const t = setup();
    await t.persister.save();

    t.session.updateSkey('@crypt_00000000_2');
    await t.persister.save();
    expect(t.saved.at(-1)?.credentials.skey).toBe('@crypt_00000000_2');

    // The same skey again (webwxsync repeats it every round) is no change.
    t.session.updateSkey('@crypt_00000000_2');
    t.moveKeys(9);
    await t.persister.save();
    expect(t.saved).toHaveLength(2);

    t.session.hosts = { ...t.session.hosts, push: 'http://other.test' };
    await t.persister.save();
    expect(t.saved).toHaveLength(3);

    t.cookies.store('http://emu.test/cgi-bin/mmwebwx-bin/webwxsync', ['webwx_data_ticket=new; Path=/']);
    await t.persister.save();
    expect(t.saved).toHaveLength(4);
    expect(JSON.stringify(t.saved.at(-1)?.cookies)).toContain('webwx_data_ticket');

    t.session.selfUser = { UserName: '@self', NickName: 'renamed' } as never;
    await t.persister.save();
    expect(t.saved).toHaveLength(5);
    // The waiting keys-only change went with them: nothing trails.
    await t.advance(INTERVAL * 2);
    expect(t.saved).toHaveLength(5);
    expect(t.saved.at(-1)?.syncKey.List).toEqual([{ Key: 1, Val: 9 }]);
  });

  it('flush() writes the waiting change now; a session end drops it', async () => {
    vi.useFakeTimers();
    const t = setup();
    await t.persister.save();
    t.moveKeys(5);
    await t.persister.save();
    await t.persister.flush();
    expect(t.saved).toHaveLength(2);
    expect(t.saved[1]?.syncKey.List).toEqual([{ Key: 1, Val: 5 }]);
    await t.persister.flush(); // nothing waiting: no write
    expect(t.saved).toHaveLength(2);

    t.moveKeys(6);
    await t.persister.save();
    t.fake.controller.abort(new LoggedOutError('logged-in-elsewhere', 1101));
    await t.advance(INTERVAL * 2);
    expect(t.saved).toHaveLength(2);
    t.moveKeys(7);
    await t.persister.save(); // after the end: never written
    expect(t.saved).toHaveLength(2);
    expect((await t.store.load())?.syncKey.List).toEqual([{ Key: 1, Val: 5 }]);
  });

  it('a stop writes the waiting change, and a round finishing after it writes its keys', async () => {
    vi.useFakeTimers();
    const t = setup();
    await t.persister.save();
    t.moveKeys(5);
    await t.persister.save();
    // As client.stop() does: flush, then release.
    await t.persister.flush();
    t.fake.controller.abort(new Error('stopped'));
    expect(t.saved).toHaveLength(2);
    expect(t.saved.at(-1)?.syncKey.List).toEqual([{ Key: 1, Val: 5 }]);
    t.moveKeys(6);
    await t.persister.save();
    expect(t.saved.at(-1)?.syncKey.List).toEqual([{ Key: 1, Val: 6 }]);
  });
});

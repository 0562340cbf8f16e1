/**
 * batchGetContacts (session-loader.ts) sizes its webwxbatchgetcontact calls by the rooms' members:
 * about 2,500 members a call (known counts first, else the average of the rooms answered so far), never
 * more than 50 names, at most 2 calls in flight; every entry reaches the directory.
 */
import { describe, expect, it } from 'vitest';
import { MutableContactDirectory } from '../../../src/client/contacts/contact-directory.js';
import { batchGetContacts, loadContacts } from '../../../src/client/session/session-loader.js';
import type { Session } from '../../../src/client/session/session-state.js';
import type { HttpRequestSpec } from '../../../src/protocol/http-request.js';
import type { WireContact } from '../../../src/protocol/wire-types.js';
import { MemoryStore } from '../../../src/store/index.js';
import { type FakeRuntime, fakeRuntime, reply, testSession } from '../fake-runtime.js';

const roomName = (i: number) => `@@room${String(i).padStart(4, '0')}`;

/** A session past webwxinit (its own user known) and an empty directory, for loadContacts. */
function loggedIn(): { session: Session; directory: MutableContactDirectory } {
  return { session: testSession(), directory: new MutableContactDirectory() };
}

/** The UserNames a webwxbatchgetcontact request asks for. */
function askedFor(spec: HttpRequestSpec): string[] {
  return (spec.body as { value: { List: { UserName: string }[] } }).value.List.map((i) => i.UserName);
}

/** A webwxbatchgetcontact reply: each name an entry with `membersOf(name)` members made by `member`. */
function batchReply(
  names: readonly string[],
  membersOf: (userName: string) => number,
  member: (k: number) => { UserName: string; NickName: string },
) {
  const list = names.map((userName) => {
    const n = membersOf(userName);
    return {
      UserName: userName,
      NickName: `topic ${userName}`,
      MemberCount: n,
      MemberList: Array.from({ length: n }, (_, k) => member(k)),
    };
  });
  return reply(
    JSON.stringify({ BaseResponse: { Ret: 0, ErrMsg: '' }, Count: list.length, ContactList: list }),
  );
}

interface Probe {
  calls: string[][];
  maxInFlight: number;
}

/** A server whose rooms have `membersOf(i)` members; the replies come back after a macrotask. */
function setup(membersOf: (index: number) => number) {
  const probe: Probe = { calls: [], maxInFlight: 0 };
  let inFlight = 0;
  const fake: FakeRuntime = fakeRuntime(async (spec: HttpRequestSpec) => {
    const body = (spec.body as { value: { List: { UserName: string }[]; Count: number } }).value;
    const names = body.List.map((i) => i.UserName);
    expect(body.Count).toBe(names.length);
    probe.calls.push(names);
    inFlight++;
    probe.maxInFlight = Math.max(probe.maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight--;
    return batchReply(
      names,
      (userName) => (userName.startsWith('@@') ? membersOf(Number(userName.slice(6))) : 0),
      (k) => ({ UserName: `@m${k}`, NickName: `m${k}` }),
    );
  });
  const session = testSession({ self: false });
  const directory = new MutableContactDirectory();
  return { fake, session, directory, probe };
}

describe('batchGetContacts', () => {
  it('asks for big rooms a few at a time, two calls in flight, and loads every member', async () => {
    const { fake, session, directory, probe } = setup(() => 500);
    const names = Array.from({ length: 200 }, (_, i) => roomName(i));
    expect(await batchGetContacts(fake.rt, session, directory, names)).toBe(200);
    expect(probe.calls.flat()).toEqual(names);
    expect(Math.max(...probe.calls.map((c) => c.length))).toBe(5);
    expect(probe.maxInFlight).toBe(2);
    expect(directory.counts()).toEqual({ contacts: 0, rooms: 200, members: 200 * 500 });
    expect(directory.member(roomName(7), '@m499')?.nickName).toBe('m499');
  });

  it('learns from the first replies that rooms are small and then asks for 50 a call', async () => {
    const { fake, session, directory, probe } = setup(() => 20);
    const names = Array.from({ length: 300 }, (_, i) => roomName(i));
    await batchGetContacts(fake.rt, session, directory, names);
    expect(probe.calls.flat()).toEqual(names);
    expect(probe.calls.slice(0, 2).map((c) => c.length)).toEqual([5, 5]);
    expect(probe.calls.slice(2, -1).every((c) => c.length === 50)).toBe(true);
    expect(directory.counts().members).toBe(300 * 20);
  });

  it('uses the member counts the directory already knows, and never puts more than 50 names in a call', async () => {
    const sizes = (i: number) => (i < 10 ? 2000 : 3);
    const { fake, session, directory, probe } = setup(sizes);
    const names = Array.from({ length: 120 }, (_, i) => roomName(i));
    // A reload: every room is known with its member count.
    directory.upsert(
      names.map((userName, i) => ({
        UserName: userName,
        MemberCount: sizes(i),
        MemberList: [{ UserName: '@x' }],
      })) as never,
    );
    await batchGetContacts(fake.rt, session, directory, names);
    expect(probe.calls.flat()).toEqual(names);
    // 2,000-member rooms one a call (the last one with 49 small rooms); then 50 small rooms a call.
    expect(probe.calls.map((c) => c.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 50, 50, 11]);
    const members = (call: string[]) => call.reduce((n, name) => n + sizes(Number(name.slice(6))), 0);
    expect(probe.calls.every((c) => c.length === 1 || members(c) <= 2500)).toBe(true);
    expect(probe.calls.every((c) => c.length <= 50)).toBe(true);
  });

  it('people count for one each: 50 a call', async () => {
    const { fake, session, directory, probe } = setup(() => 0);
    const names = Array.from({ length: 120 }, (_, i) => `@person${i}`);
    expect(await batchGetContacts(fake.rt, session, directory, names)).toBe(120);
    expect(probe.calls.map((c) => c.length)).toEqual([50, 50, 20]);
    expect(await batchGetContacts(fake.rt, session, directory, [])).toBe(0);
  });

  it('loadContacts fills the contact cache with every contact and every room with its members', async () => {
    const store = new MemoryStore();
    const rooms = Array.from({ length: 12 }, (_, i) => roomName(i));
    const ok = { Ret: 0, ErrMsg: '' };
    const fake = fakeRuntime(
      (spec) => {
        if (spec.endpoint === 'webwxstatusnotify')
          return reply(JSON.stringify({ BaseResponse: ok, MsgID: '1' }));
        if (spec.endpoint === 'webwxgetcontact') {
          const seq = Number(new URL(spec.url).searchParams.get('seq'));
          const list =
            seq === 0
              ? Array.from({ length: 30 }, (_, i) => ({
                  UserName: `@p${i}`,
                  NickName: `P${i}`,
                  ContactFlag: 3,
                }))
              : rooms.map((r) => ({ UserName: r, NickName: r, MemberCount: 0, MemberList: [] }));
          return reply(
            JSON.stringify({
              BaseResponse: ok,
              MemberCount: list.length,
              MemberList: list,
              Seq: seq === 0 ? 30 : 0,
            }),
          );
        }
        return batchReply(
          askedFor(spec),
          () => 300,
          (k) => ({ UserName: `@p${k}`, NickName: `P${k}` }),
        );
      },
      { store },
    );
    const { session, directory } = loggedIn();
    expect(await loadContacts(fake.rt, session, directory)).toEqual({
      contacts: 30,
      rooms: 12,
      members: 12 * 300,
    });
    const cached: WireContact[] = await store.loadContacts();
    expect(cached).toHaveLength(30 + 12);
    const cachedRooms = cached.filter((c) => c.UserName.startsWith('@@'));
    expect(cachedRooms.map((c) => c.UserName).sort()).toEqual(rooms);
    expect(cachedRooms.every((c) => c.MemberList.length === 300 && c.MemberList[0]!.DisplayName === '')).toBe(
      true,
    );
    expect(cached.find((c) => c.UserName === '@p3')?.NickName).toBe('P3');
  });

  it("loadContacts asks for each page's rooms while the next page loads, and again for a room a later page lists again", async () => {
    const ok = { Ret: 0, ErrMsg: '' };
    const events: string[] = [];
    let batchSeen: () => void = () => {};
    const firstBatch = new Promise<void>((resolve) => {
      batchSeen = resolve;
    });
    const page = (list: object[], seq: number) =>
      reply(JSON.stringify({ BaseResponse: ok, MemberCount: list.length, MemberList: list, Seq: seq }));
    const bare = (r: string) => ({ UserName: r, NickName: r, MemberCount: 0, MemberList: [] });
    const fake = fakeRuntime(async (spec) => {
      if (spec.endpoint === 'webwxstatusnotify')
        return reply(JSON.stringify({ BaseResponse: ok, MsgID: '1' }));
      if (spec.endpoint === 'webwxgetcontact') {
        const seq = Number(new URL(spec.url).searchParams.get('seq'));
        events.push(`page ${seq}`);
        if (seq === 0)
          return page(
            [0, 1, 2].map((i) => bare(roomName(i))),
            1,
          );
        // The second page answers only once the first page's rooms have been asked for.
        await firstBatch;
        if (seq === 1) return page([...[3, 4].map((i) => bare(roomName(i))), bare(roomName(1))], 2);
        return page([{ UserName: '@p1', NickName: 'P1', ContactFlag: 3 }], 0);
      }
      const names = askedFor(spec);
      events.push(`batch ${names.join(',')}`);
      batchSeen();
      await new Promise((resolve) => setTimeout(resolve, 1));
      return batchReply(
        names,
        () => 7,
        (k) => ({ UserName: `@m${k}`, NickName: `M${k}` }),
      );
    });
    const { session, directory } = loggedIn();
    expect(await loadContacts(fake.rt, session, directory)).toEqual({
      contacts: 1,
      rooms: 5,
      members: 5 * 7,
    });
    // The first page's rooms went out before the second page came back.
    expect(events.indexOf(`batch ${[0, 1, 2].map(roomName).join(',')}`)).toBeLessThan(
      events.indexOf('page 2'),
    );
    // Room 1, listed again (without members) on page 2, was asked for again and has its members.
    expect(events.filter((e) => e.startsWith('batch') && e.includes(roomName(1)))).toHaveLength(2);
    for (let i = 0; i < 5; i++) expect(directory.membersOf(roomName(i))).toHaveLength(7);
  });
});

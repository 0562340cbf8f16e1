import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  avatarSeqOf,
  type StableIdEntry,
  stableIdEntryOf,
  syncConvPairs,
} from '../../../src/client/contacts/stable-id-entries.js';
import type { StableIdCollision, StableIdRecord } from '../../../src/client/contacts/stable-id-types.js';
import {
  MemoryStableIdStore,
  StableIdCollisionError,
  StableIdRegistry,
  type StableIdStore,
} from '../../../src/client/contacts/stable-ids.js';
import { toContact, toRoom } from '../../../src/model/index.js';
import type { WireContact } from '../../../src/protocol/wire-types.js';
import { readFixtureJson } from '../../fixtures.js';

type Json = Record<string, unknown>;

function person(userName: string, fields: Partial<WireContact> = {}): StableIdEntry {
  return stableIdEntryOf(
    toContact(
      { UserName: userName, NickName: 'N', ContactFlag: 3, Sex: 1, ...fields } as WireContact,
      '@self',
    ),
  );
}

function registry(store: StableIdStore = new MemoryStableIdStore()) {
  const collisions: StableIdCollision[] = [];
  const errors: unknown[] = [];
  const r = new StableIdRegistry({
    store,
    now: () => 1000,
    onStoreError: (e) => errors.push(e),
    onCollision: (c) => collisions.push(c),
  });
  return { r, collisions, errors, store };
}

describe('stable id derivation', () => {
  it('prefers Alias, else a fingerprint that ignores the session UserName', () => {
    expect(person('@1', { Alias: 'bob_w' }).alias).toBe('bob_w');
    expect(person('@1').fingerprint).toBe(person('@2').fingerprint);
    expect(person('@1', { RemarkName: 'x' }).fingerprint).not.toBe(person('@1').fingerprint);
    expect(person('@1', { Sex: 2 }).fingerprint).not.toBe(person('@1').fingerprint);
    expect(person('@1').fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reads the avatar seq of HeadImgUrl', () => {
    expect(avatarSeqOf('/cgi-bin/mmwebwx-bin/webwxgeticon?seq=620420394&username=@a&skey=')).toBe(
      '620420394',
    );
    expect(avatarSeqOf('/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=0&username=@@a')).toBe('');
    expect(avatarSeqOf('')).toBe('');
  });

  it('pins the fingerprints: sha256 of the NUL-joined basis, first 16 hex; the seq one hashed when asked for', () => {
    const sha16 = (parts: (string | number)[]) =>
      createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
    const basis = ['contact', 'R', 'N', 1, 'P', 'C'];
    const e = person('@1', {
      RemarkName: 'R',
      Province: 'P',
      City: 'C',
      HeadImgUrl: '/cgi-bin/mmwebwx-bin/webwxgeticon?seq=77&username=@1',
    });
    expect(e.fingerprint).toBe(sha16(basis));
    expect(e.fingerprintWithSeq).toBe(sha16([...basis, '77']));
    expect(e.fingerprintWithSeq).toBe(sha16([...basis, '77']));
    expect(e.fingerprint).toBe(sha16(basis));
    expect(person('@1').fingerprintWithSeq).toBe('');
  });

  it('keys unnamed rooms on their sorted member nicknames', () => {
    const a = toRoom({
      UserName: '@@1',
      NickName: '',
      MemberList: [
        { UserName: '@x', NickName: 'B' },
        { UserName: '@y', NickName: 'A' },
      ],
    } as WireContact);
    const b = toRoom({
      UserName: '@@2',
      NickName: '',
      MemberList: [
        { UserName: '@p', NickName: 'A' },
        { UserName: '@q', NickName: 'B' },
      ],
    } as WireContact);
    expect(stableIdEntryOf(a).fingerprint).toBe(stableIdEntryOf(b).fingerprint);
    expect(stableIdEntryOf(a).kind).toBe('room');
  });
});

describe('StableIdRegistry', () => {
  it('gives the same ids on a new login with new UserNames', async () => {
    const store = new MemoryStableIdStore();
    const first = registry(store);
    await first.r.load();
    first.r.assign([person('@a1', { Alias: 'al' }), person('@b1', { NickName: 'Bob' })]);
    const ids = [first.r.idOf('@a1'), first.r.idOf('@b1')];
    expect(ids[0]).toBe('a:al');
    expect(ids[1]).toMatch(/^f:[0-9a-f]{16}$/);
    await first.r.flush();

    const second = registry(store);
    await second.r.load();
    second.r.assign([
      person('@b2', { NickName: 'Bob' }),
      person('@a2', { Alias: 'al', NickName: 'Renamed' }),
    ]);
    expect([second.r.idOf('@a2'), second.r.idOf('@b2')]).toEqual(ids);
    expect(second.r.userNameOf('a:al')).toBe('@a2');
  });

  it('keeps an id through in-session changes, and the record learns the new fingerprint', async () => {
    const { r, store } = registry();
    r.assign([person('@b', { NickName: 'Bob' })]);
    const id = r.idOf('@b');
    r.assign([person('@b', { NickName: 'Bob', RemarkName: 'Bobby' })]);
    expect(r.idOf('@b')).toBe(id);
    await r.flush();
    const next = registry(store);
    await next.r.load();
    next.r.assign([person('@b9', { NickName: 'Bob', RemarkName: 'Bobby' })]);
    expect(next.r.idOf('@b9')).toBe(id);
  });

  it('reports a collision, gives the id to nobody, and byStableId throws', () => {
    const { r, collisions } = registry();
    r.assign([person('@1', { Alias: 'dup' }), person('@2', { Alias: 'dup' })]);
    expect(collisions).toEqual([{ id: 'a:dup', userNames: ['@1', '@2'], source: 'alias' }]);
    expect(r.idOf('@1')).toBeUndefined();
    expect(r.idOf('@2')).toBeUndefined();
    expect(() => r.userNameOf('a:dup')).toThrow(StableIdCollisionError);
    // A later third claimant joins the collision; the holder of an id that becomes contested loses it.
    r.assign([person('@3', { Alias: 'dup' })]);
    expect(collisions.at(-1)?.userNames).toEqual(['@1', '@2', '@3']);
    r.assign([person('@4', { Alias: 'solo' })]);
    r.assign([person('@5', { Alias: 'solo' })]);
    expect(r.idOf('@4')).toBeUndefined();
    expect(collisions.at(-1)).toEqual({ id: 'a:solo', userNames: ['@4', '@5'], source: 'alias' });
  });

  it('tells fingerprint twins apart by their avatar seq, stably', async () => {
    const store = new MemoryStableIdStore();
    const { r, collisions } = registry(store);
    const twin = (u: string, seq: number) =>
      person(u, { NickName: 'Twin', HeadImgUrl: `/x?seq=${seq}&username=${u}` });
    r.assign([twin('@t1', 11), twin('@t2', 22)]);
    expect(collisions).toEqual([]);
    const ids = [r.idOf('@t1'), r.idOf('@t2')];
    expect(new Set(ids).size).toBe(2);
    await r.flush();
    const next = registry(store);
    await next.r.load();
    next.r.assign([twin('@u2', 22), twin('@u1', 11)]);
    expect([next.r.idOf('@u1'), next.r.idOf('@u2')]).toEqual(ids);
    // Without an avatar seq they collide.
    const bare = registry();
    bare.r.assign([person('@x', { NickName: 'Same' }), person('@y', { NickName: 'Same' })]);
    expect(bare.collisions).toHaveLength(1);
    expect(bare.collisions[0]?.source).toBe('fingerprint');
  });

  it("keeps a twin's seq fingerprint: a restart of the same login rewrites no record, a later login keeps the ids", async () => {
    const store = new MemoryStableIdStore();
    const twin = (u: string, seq: number) =>
      person(u, { NickName: 'Twin', HeadImgUrl: `/x?seq=${seq}&username=${u}` });
    const first = registry(store);
    first.r.assign([twin('@t1', 11), twin('@t2', 22)]);
    const ids = [first.r.idOf('@t1'), first.r.idOf('@t2')];
    await first.r.flush();
    const saved = JSON.stringify(store.load());

    // The same login resumed: the same entries again; nothing changed, so nothing is saved.
    let saves = 0;
    const counting: StableIdStore = {
      load: () => store.load(),
      save: (records: StableIdRecord[]) => {
        saves++;
        store.save(records);
      },
    };
    const resumed = registry(counting);
    await resumed.r.load();
    resumed.r.assign([twin('@t1', 11), twin('@t2', 22)]);
    await resumed.r.flush();
    expect([resumed.r.idOf('@t1'), resumed.r.idOf('@t2')]).toEqual(ids);
    expect(saves).toBe(0);
    expect(JSON.stringify(store.load())).toBe(saved);

    // Two logins later the twins still get their own ids back.
    for (const suffix of ['u', 'v']) {
      const next = registry(store);
      await next.r.load();
      next.r.assign([twin(`@${suffix}2`, 22), twin(`@${suffix}1`, 11)]);
      expect([next.r.idOf(`@${suffix}1`), next.r.idOf(`@${suffix}2`)]).toEqual(ids);
      await next.r.flush();
    }
  });

  it('learns permanent ids and moves a renamed contact back to its old id', async () => {
    const store = new MemoryStableIdStore();
    const first = registry(store);
    first.r.assign([person('@r1', { NickName: 'Before' })]);
    const oldId = first.r.idOf('@r1');
    first.r.learnPermanent([['@r1', 'wxid_r']]);
    await first.r.flush();
    expect(store.load()[0]).toMatchObject({ id: oldId, permanentId: 'wxid_r', lastUserName: '@r1' });

    const second = registry(store);
    await second.r.load();
    second.r.assign([person('@r2', { NickName: 'After' })]);
    expect(second.r.idOf('@r2')).not.toBe(oldId);
    second.r.learnPermanent([['@r2', 'wxid_r']]);
    expect(second.r.idOf('@r2')).toBe(oldId);
    await second.r.flush();
    expect(store.load()).toHaveLength(1);
    expect(store.load()[0]).toMatchObject({
      id: oldId,
      name: 'After',
      fingerprint: person('@r2', { NickName: 'After' }).fingerprint,
    });
  });

  it('new contacts with a known permanent id get a p: id', () => {
    const { r } = registry();
    r.learnPermanent([['@g', 'gh_abc']]);
    r.assign([person('@g', { NickName: 'Official' })]);
    expect(r.idOf('@g')).toBe('p:gh_abc');
  });

  it('survives a failing store: errors are reported, ids still given', async () => {
    const broken: StableIdStore = {
      load: () => Promise.reject(new Error('disk gone')),
      save: () => {
        throw new Error('read-only');
      },
    };
    const { r, errors } = registry(broken);
    await r.load();
    r.assign([person('@a', { Alias: 'a' })]);
    await r.flush();
    expect(r.idOf('@a')).toBe('a:a');
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk gone', 'read-only']);
  });

  it('ignores malformed records from the store', async () => {
    const store: StableIdStore = {
      load: () => [null, { id: '' }, { id: 'a:ok', kind: 'contact', alias: 'ok' }] as never,
      save: () => {},
    };
    const { r } = registry(store);
    await r.load();
    r.assign([person('@ok', { Alias: 'ok' })]);
    expect(r.idOf('@ok')).toBe('a:ok');
  });
});

describe('StableIdRegistry, the same login resumed (sameLogin)', () => {
  /** An entry whose fingerprints must not be asked for. */
  function unhashed(userName: string, name: string): StableIdEntry {
    const fail = (): string => {
      throw new Error(`fingerprint of ${userName} asked for`);
    };
    return {
      userName,
      kind: 'contact',
      alias: '',
      name,
      get fingerprint() {
        return fail();
      },
      get fingerprintWithSeq() {
        return fail();
      },
    };
  }

  async function firstLogin() {
    const store = new MemoryStableIdStore();
    const first = registry(store);
    await first.r.load();
    first.r.assign([
      person('@a', { NickName: 'Ann' }),
      person('@b', { NickName: 'Bob' }),
      person('@t', { NickName: 'Twin', HeadImgUrl: '/x?seq=1' }),
      person('@u', { NickName: 'Twin', HeadImgUrl: '/x?seq=2' }),
    ]);
    await first.r.flush();
    const ids = Object.fromEntries(['@a', '@b', '@t', '@u'].map((u) => [u, first.r.idOf(u)]));
    return { store, ids };
  }

  it('gives each UserName the id of the record last seen with it, hashing nothing and saving nothing', async () => {
    const { store, ids } = await firstLogin();
    let saves = 0;
    const resumed = registry({ load: () => store.load(), save: () => void saves++ });
    await resumed.r.load();
    resumed.r.assign(
      ['@a', '@b', '@t', '@u'].map((u) => unhashed(u, u)),
      { sameLogin: true },
    );
    await resumed.r.flush();
    expect(Object.fromEntries(['@a', '@b', '@t', '@u'].map((u) => [u, resumed.r.idOf(u)]))).toEqual(ids);
    expect(resumed.r.userNameOf(ids['@b'] as string)).toBe('@b');
    expect(saves).toBe(0);
    expect(resumed.collisions).toEqual([]);
  });

  it('keeps the id of a contact that changed while the process was down; the refresh updates the record', async () => {
    const { store, ids } = await firstLogin();
    const resumed = registry(store);
    await resumed.r.load();
    const renamed = person('@b', { NickName: 'Robert' });
    resumed.r.assign([renamed], { sameLogin: true });
    expect(resumed.r.idOf('@b')).toBe(ids['@b']);
    // The server's list comes in: the same UserName, assigned again, refreshes the record.
    resumed.r.assign([person('@b', { NickName: 'Robert' })]);
    await resumed.r.flush();
    const record = store.load().find((r) => r.id === ids['@b']);
    expect(record).toMatchObject({ name: 'Robert', fingerprint: renamed.fingerprint, lastUserName: '@b' });
    // A later login finds the record by the fingerprint the refresh gave it.
    const later = registry(store);
    await later.r.load();
    later.r.assign([person('@b2', { NickName: 'Robert' })]);
    expect(later.r.idOf('@b2')).toBe(ids['@b']);
  });

  it('takes the usual way for a UserName no record names, or that two records name', async () => {
    const records: StableIdRecord[] = [
      {
        id: 'f:1',
        source: 'fingerprint',
        kind: 'contact',
        permanentId: '',
        alias: '',
        fingerprint: '1',
        lastUserName: '@dup',
        name: 'x',
        seenAt: 1,
      },
      {
        id: 'f:2',
        source: 'fingerprint',
        kind: 'contact',
        permanentId: '',
        alias: '',
        fingerprint: '2',
        lastUserName: '@dup',
        name: 'y',
        seenAt: 1,
      },
    ];
    const { r } = registry({ load: () => records, save: () => {} });
    await r.load();
    const dup = person('@dup', { NickName: 'Dup' });
    const fresh = person('@new', { Alias: 'newbie' });
    r.assign([dup, fresh], { sameLogin: true });
    expect(r.idOf('@dup')).toBe(`f:${dup.fingerprint}`);
    expect(r.idOf('@new')).toBe('a:newbie');
  });

  it('still reports contacts that collide and that no record names', async () => {
    const { r, collisions } = registry();
    await r.load();
    r.assign([person('@1', { Alias: 'dup' }), person('@2', { Alias: 'dup' })], { sameLogin: true });
    expect(collisions).toHaveLength(1);
    expect(r.idOf('@1')).toBeUndefined();
  });

  it('rooms: the entry hashes its topic or member nicknames only when asked for', () => {
    const room = toRoom({
      UserName: '@@r',
      NickName: '',
      MemberList: [{ UserName: '@m', NickName: 'Zed' }],
    } as WireContact);
    const entry = stableIdEntryOf(room);
    expect(entry).toMatchObject({ userName: '@@r', kind: 'room', alias: '', fingerprintWithSeq: '' });
    const expected = createHash('sha256')
      .update(['room', 'members', 'Zed'].join('\u0000'))
      .digest('hex')
      .slice(0, 16);
    expect(entry.fingerprint).toBe(expected);
  });
});

describe('syncConvPairs (§9.4)', () => {
  it('pairs the real capture’s StatusNotifyUserName with the <username> list', () => {
    const sync = readFixtureJson<{ AddMsgList: Json[] }>('responses', 'webwxsync.json');
    const msg = sync.AddMsgList.find((m) => m.MsgType === 51 && m.StatusNotifyCode === 4) as Json;
    const pairs = syncConvPairs(msg.StatusNotifyUserName as string, msg.Content as string);
    expect(pairs.length).toBeGreaterThan(10);
    expect(pairs[1]).toEqual(['filehelper', 'filehelper']);
    expect(pairs[2]?.[0].startsWith('@@')).toBe(true);
    expect(pairs[2]?.[1]).toBe('902809793@chatroom');
  });

  it('refuses lists of different lengths and missing content', () => {
    expect(syncConvPairs('@a,@b', "<msg><op id='4'><username>wxid_a</username></op></msg>")).toEqual([]);
    expect(syncConvPairs('', '')).toEqual([]);
    expect(syncConvPairs('@a', 'garbage')).toEqual([]);
  });
});

/** Contact lookup, classification, operations, live updates and stable ids, end to end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientEvents,
  createClient,
  MemoryStableIdStore,
  StableIdCollisionError,
  type WebWxClient,
} from '../../src/client/index.js';
import type { WorldSpec } from '../../src/emulator/index.js';
import { InvalidArgumentError, ProtocolError } from '../../src/errors.js';
import type { Contact, Room } from '../../src/model/index.js';
import { login, type Pair, startPair, waitForMessage } from './harness.js';

const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: 'Me' },
  contacts: [
    { id: 'wxid_alice', nickName: 'Alice', alias: 'alice_w', pinyin: 'a li si' },
    { id: 'wxid_bob', nickName: '张伟', remarkName: '老张', pinyin: 'zhang wei', remarkPinyin: 'lao zhang' },
    { id: 'wxid_twin1', nickName: 'Twin' },
    { id: 'wxid_twin2', nickName: 'Twin' },
    { id: 'wxid_dup1', nickName: 'Dup One', alias: 'same_alias' },
    { id: 'wxid_dup2', nickName: 'Dup Two', alias: 'same_alias' },
    { id: 'gh_news', nickName: 'News Daily', kind: 'official' },
    { id: 'wxid_eve', nickName: 'Eve', kind: 'stranger' },
    { id: 'wxid_dan', nickName: 'Dan', kind: 'stranger' },
  ],
  rooms: [
    {
      id: '3001@chatroom',
      topic: 'Hiking',
      owner: 'wxid_alice',
      members: ['wxid_alice', { id: 'wxid_eve', displayName: '小夏' }, 'wxid_dan', 'wxid_bob'],
    },
    { id: '3002@chatroom', topic: 'Same Topic', owner: 'wxid_alice', members: ['wxid_alice', 'wxid_bob'] },
    { id: '3003@chatroom', topic: 'Same Topic', owner: 'wxid_alice', members: ['wxid_alice', 'wxid_bob'] },
  ],
  recent: ['wxid_alice', 'wxid_bob', '3001@chatroom'],
};

function waitFor<K extends keyof ClientEvents>(
  client: WebWxClient,
  event: K,
  predicate: (p: ClientEvents[K]) => boolean,
  timeoutMs = 10_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for '${String(event)}'`));
    }, timeoutMs);
    const off = client.on(event, (p) => {
      if (!predicate(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

const store = new MemoryStableIdStore();

describe('contacts', () => {
  let pair: Pair;
  const byNick = (nick: string): Contact => {
    const c = pair.client.contacts.list().find((x) => x.nickName === nick);
    if (!c) throw new Error(`no contact ${nick}`);
    return c;
  };
  const room = (topic: string): Room => {
    const r = pair.client.contacts.rooms().find((x) => x.topic === topic);
    if (!r) throw new Error(`no room ${topic}`);
    return r;
  };
  /** UserName of a member of Hiking by nickname (strangers are only known there). */
  const memberName = (nick: string): string => {
    const m = pair.client.contacts.members(room('Hiking').userName).find((x) => x.nickName === nick);
    if (!m) throw new Error(`no member ${nick}`);
    return m.userName;
  };

  beforeAll(async () => {
    pair = await startPair({ world: WORLD }, { stableIds: store });
    await login(pair);
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('classifies every entry', () => {
    const c = pair.client.contacts;
    expect(byNick('Alice').kind).toBe('friend');
    expect(byNick('News Daily').kind).toBe('official');
    expect(c.get('filehelper')?.kind).toBe('special');
    expect(pair.client.self?.kind).toBe('self');
    const eve = c.find('小夏')[0] as Contact;
    expect(eve.kind).toBe('stranger');
    expect(c.find('Hiking', { kinds: ['room'] })).toHaveLength(1);
  });

  it('finds by remark, nickname, alias, group display name and pinyin, exact first', () => {
    const c = pair.client.contacts;
    const names = (q: string, o?: Parameters<typeof c.find>[1]) =>
      c.find(q, o).map((e) => ('topic' in e ? e.topic : e.nickName));
    expect(names('老张')).toEqual(['张伟']);
    expect(names('alice_w')).toEqual(['Alice']);
    expect(names('小夏')).toEqual(['Eve']);
    expect(names('zhangwei')).toEqual(['张伟']);
    expect(names('Zhang Wei')).toEqual(['张伟']);
    expect(names('LZ')).toEqual(['张伟']);
    expect(names('laozh')).toEqual(['张伟']);
    expect(names('tw')).toEqual(['Twin', 'Twin', 'Dup Two']); // prefixes before partial (pinyin 'duptwo')
    expect(names('twin', { exact: true, limit: 1 })).toEqual(['Twin']);
    expect(names('a', { kinds: ['official'] })).toEqual(['News Daily']);
    expect(names('   ')).toEqual([]);
  });

  it('lists room members with group display names and contact entries', () => {
    const members = pair.client.contacts.members(room('Hiking').userName);
    const eve = members.find((m) => m.nickName === 'Eve');
    expect(eve).toMatchObject({ displayName: '小夏', name: '小夏', isSelf: false });
    expect(eve?.contact).toBeUndefined();
    expect(members.find((m) => m.nickName === '张伟')).toMatchObject({ name: '老张' });
    expect(members.find((m) => m.isSelf)?.nickName).toBe('Me');
    expect(pair.client.contacts.members('@@unknown')).toEqual([]);
  });

  it('sets a remark: local view, event, phone side', async () => {
    const alice = byNick('Alice');
    const updated = waitFor(pair.client, 'contact-updated', (e) => e.contact.userName === alice.userName);
    await pair.client.contacts.setRemark(alice.userName, 'Ali');
    expect((await updated).contact.remarkName).toBe('Ali');
    expect(pair.client.contacts.get(alice.userName)?.remarkName).toBe('Ali');
    expect(pair.emulator.world.person('wxid_alice')?.remarkName).toBe('Ali');
  });

  it('pins and unpins, keeping the remark', async () => {
    const alice = byNick('Alice');
    await pair.client.contacts.pin(alice.userName);
    expect(pair.client.contacts.get(alice.userName)?.pinned).toBe(true);
    expect(pair.emulator.world.person('wxid_alice')).toMatchObject({ pinned: true, remarkName: 'Ali' });
    await pair.client.contacts.unpin(alice.userName);
    expect(pair.client.contacts.get(alice.userName)?.pinned).toBe(false);
    expect(pair.emulator.world.person('wxid_alice')).toMatchObject({ pinned: false, remarkName: 'Ali' });
  });

  it('sees remark and pin changes made on the phone', async () => {
    const bob = byNick('张伟');
    const updated = waitFor(
      pair.client,
      'contact-updated',
      (e) => e.contact.userName === bob.userName && e.contact.pinned,
    );
    pair.emulator.phone.pin('wxid_bob');
    expect((await updated).previous?.pinned).toBe(false);
    const renamed = waitFor(pair.client, 'contact-updated', (e) => e.contact.remarkName === 'Zhang');
    pair.emulator.phone.setRemark('wxid_bob', 'Zhang');
    expect((await renamed).previous?.remarkName).toBe('老张');
  });

  it('accepts a friend request sent from the phone', async () => {
    pair.emulator.phone.sendFriendRequest({ from: 'wxid_eve', greeting: 'hi, Eve here' });
    const request = await waitForMessage(pair, (m) => m.kind === 'friend-request');
    const added = waitFor(pair.client, 'contact-added', (e) => e.contact.nickName === 'Eve');
    await pair.client.contacts.acceptFriendRequest(request);
    const eve = (await added).contact;
    expect(eve.kind).toBe('friend');
    expect(pair.emulator.world.person('wxid_eve')?.kind).toBe('friend');
    await waitForMessage(
      pair,
      (m) => m.chat.userName === eve.userName && m.text === '你已添加了Eve，现在可以开始聊天了。',
    );
  });

  it('refuses a wrong ticket with a ProtocolError and goes on', async () => {
    const error = await pair.client.contacts
      .acceptFriendRequest({ userName: memberName('Dan'), ticket: 'v2_wrong@stranger' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).ret).toBe(-14);
    expect(pair.client.state).toBe('ready');
    await expect(pair.client.contacts.acceptFriendRequest({ nothing: true })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('sends a friend request; the phone accepts it', async () => {
    const dan = memberName('Dan');
    await pair.client.contacts.sendFriendRequest(dan, 'hello Dan');
    expect(pair.emulator.phone.friendRequests().at(-1)).toMatchObject({
      from: 'wxid_me',
      to: 'wxid_dan',
      greeting: 'hello Dan',
      state: 'pending',
    });
    const added = waitFor(pair.client, 'contact-added', (e) => e.contact.userName === dan);
    pair.emulator.phone.acceptFriendRequest('wxid_dan');
    expect((await added).contact.kind).toBe('friend');
    await waitForMessage(pair, (m) => m.text === 'Dan刚刚把你添加到通讯录，现在可以开始聊天了。');
  });

  it('marks a chat as read (status notify Code 1)', async () => {
    const alice = byNick('Alice');
    await pair.client.contacts.markRead(alice.userName);
    expect(pair.emulator.phone.statusNotifications().at(-1)).toMatchObject({ code: 1, to: 'wxid_alice' });
  });

  it('sees a contact deleted on the phone', async () => {
    const dan = memberName('Dan');
    const removed = waitFor(pair.client, 'contact-removed', (e) => e.userName === dan);
    pair.emulator.phone.deleteContact('wxid_dan');
    expect((await removed).contact).toMatchObject({ nickName: 'Dan' });
    expect(pair.client.contacts.get(dan)).toBeUndefined();
  });

  it('gives stable ids: alias, permanent id, fingerprint; twins told apart by avatar seq', () => {
    const c = pair.client.contacts;
    expect(c.stableIdOf(byNick('Alice').userName)).toBe('a:alice_w');
    const twins = pair.client.contacts.list().filter((x) => x.nickName === 'Twin');
    const ids = twins.map((t) => c.stableIdOf(t.userName));
    expect(ids.every((id) => id?.startsWith('f:'))).toBe(true);
    expect(new Set(ids).size).toBe(2);
    const hiking = room('Hiking');
    expect(c.byStableId(c.stableIdOf(hiking.userName) as string)).toBe(c.room(hiking.userName));
  });

  it('reports collisions instead of merging: same alias, same room topic', () => {
    const collisions = pair.events['stable-id-collision'];
    expect(collisions.map((x) => x.id).sort()).toEqual(['a:same_alias', expect.stringMatching(/^f:/)]);
    const c = pair.client.contacts;
    expect(c.stableIdOf(byNick('Dup One').userName)).toBeUndefined();
    expect(c.stableIdOf(byNick('Dup Two').userName)).toBeUndefined();
    expect(() => c.byStableId('a:same_alias')).toThrow(StableIdCollisionError);
    for (const r of c.rooms().filter((x) => x.topic === 'Same Topic'))
      expect(c.stableIdOf(r.userName)).toBeUndefined();
  });

  it('finds every contact again under the same stable id after a re-login with new UserNames', async () => {
    const before = new Map<string, string>();
    const c1 = pair.client.contacts;
    for (const e of [...c1.list(), ...c1.rooms()]) {
      const id = c1.stableIdOf(e.userName);
      if (id) before.set(id, 'topic' in e ? `room:${e.topic}` : `${e.nickName}/${e.userName}`);
    }
    const oldUserNames = new Set([...c1.list(), ...c1.rooms()].map((e) => e.userName));
    await pair.client.logout();
    // Between logins the phone renames the room Hiking (its permanent id is in the recent list).
    pair.emulator.phone.renameRoom('3001@chatroom', 'Hiking 2026');

    const client = createClient({
      server: pair.emulator.baseUrl,
      stableIds: store,
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
    });
    try {
      const started = client.start();
      const qr = await pair.emulator.phone.waitForQr({ timeoutMs: 10_000 });
      pair.emulator.phone.confirm(qr.uuid);
      await started;
      // The status notify pairing (first sync) re-binds the renamed room to its old id.
      const hiking = () => client.contacts.rooms().find((r) => r.topic === 'Hiking 2026');
      const hikingOldId = [...before].find(([, v]) => v === 'room:Hiking')?.[0];
      await expect.poll(() => client.contacts.stableIdOf(hiking()?.userName ?? '')).toBe(hikingOldId);

      const c2 = client.contacts;
      for (const e of [...c2.list(), ...c2.rooms()]) {
        expect(oldUserNames.has(e.userName)).toBe(e.userName === 'filehelper');
        const id = c2.stableIdOf(e.userName);
        if (!id) continue;
        const label = before.get(id);
        expect(label, `${id} was known before`).toBeDefined();
        if ('topic' in e) expect(label?.startsWith('room:')).toBe(true);
        else expect(label?.split('/')[0]).toBe(e.nickName);
      }
      const idsNow = new Set(
        [...c2.list(), ...c2.rooms()].map((e) => c2.stableIdOf(e.userName)).filter(Boolean),
      );
      // Every id of the first session that still names someone here is found again.
      for (const [id, label] of before) {
        if (label.startsWith('Dan/')) continue; // deleted on the phone
        expect(idsNow.has(id), `${label} keeps ${id}`).toBe(true);
      }
      expect(store.load().length).toBeGreaterThanOrEqual(before.size);
    } finally {
      await client.stop();
    }
  });
});

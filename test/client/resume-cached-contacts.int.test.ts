/**
 * Hot reload with the contact cache (docs/sessions.md "Hot reload"): a resume starts syncing from the
 * cached directory while the server's contact list loads in the background. A message that arrives
 * before that refresh lands resolves to the same stable ids as before the restart, its room's members
 * are known, and a sender the cache lacks is looked up on demand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StableIdRecord } from '../../src/client/index.js';
import { CONTACT_CACHE_OWNER_KEY } from '../../src/client/session/cached-contacts.js';
import type { Emulator } from '../../src/emulator/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { restartFixture, type Started, stepsOf, waitForId } from './restart-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-resume-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const { emu, sqlites, start } = restartFixture();

/** Long enough that the messages below are handled while the refresh waits. */
const REFRESH_DELAY_MS = 4000;

function sqlite(): SqliteStore {
  const store = new SqliteStore(join(dir, `db-${++n}`, 'webwx.db'));
  sqlites.push(store);
  return store;
}

/** What the client reads of the store's contact cache, in order ('read:<part>', 'read:named:<names>'). */
function logCacheReads(store: SqliteStore): string[] {
  const log: string[] = [];
  const load = store.loadContacts.bind(store);
  store.loadContacts = (part) => {
    log.push(`read:${part ?? 'all'}`);
    return load(part);
  };
  const named = store.loadContactsNamed.bind(store);
  store.loadContactsNamed = (names) => {
    log.push(`read:named:${names.join(',')}`);
    return named(names);
  };
  return log;
}

/**
 * Calls `seen` whenever the client reads the store's stable-id records: every one ('all'), or those
 * last seen with some UserNames (the names).
 */
function onStableIdRead(store: SqliteStore, seen: (names: 'all' | readonly string[]) => void): void {
  const stableIdStore = store.stableIdStore.bind(store);
  store.stableIdStore = <R extends { id: string }>() => {
    const ids = stableIdStore<R>();
    return {
      ...ids,
      load: () => {
        seen('all');
        return ids.load();
      },
      loadNamed: (names: readonly string[]) => {
        seen(names);
        return ids.loadNamed?.(names) ?? [];
      },
    };
  };
}

/** The events of a client in order, by name. */
function eventOrder(started: Started): string[] {
  const order: string[] = [];
  for (const name of ['contacts', 'ready'] as const) started.client.on(name, () => order.push(name));
  return order;
}

/** A room of the world with a member who is neither the account nor one of `except`. */
function roomWithMember(e: Emulator, except: readonly string[]): { room: string; member: string } {
  for (const room of e.world.rooms) {
    const member = room.memberIds.find((id) => id !== e.world.self.id && !except.includes(id));
    if (member) return { room: room.id, member };
  }
  throw new Error('the world has no room with another member');
}

describe('resume with the contact cache', () => {
  it('syncs before the contact refresh lands: same stable ids, known room members, unknown senders looked up', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    const [friend, other] = e.world.listedContacts().filter((p) => p.kind === 'friend');
    if (!friend || !other) throw new Error('the world needs two friends');
    const { room, member } = roomWithMember(e, [friend.id, other.id]);

    // Before the restart: the ids and names the client knows.
    const a = e.phone.sendText({ from: friend.id, text: 'hello' });
    const b = e.phone.sendText({ from: other.id, text: 'hi' });
    const c = e.phone.sendText({ from: member, room, text: 'in the room' });
    const [ma, mb, mc] = [
      await waitForId(first, a.msgId),
      await waitForId(first, b.msgId),
      await waitForId(first, c.msgId),
    ];
    const ids = first.client.contacts;
    const friendId = ids.stableIdOf(ma.sender.userName);
    const otherId = ids.stableIdOf(mb.sender.userName);
    const roomId = ids.stableIdOf(mc.chat.userName);
    const roomMembers = ids.members(mc.chat.userName).length;
    expect(friendId).toBeDefined();
    expect(otherId).toBeDefined();
    expect(roomId).toBeDefined();
    expect(roomMembers).toBeGreaterThan(1);
    await first.client.stop();

    // The cache forgets one friend: the restarted client must look them up itself.
    const cached = await store.loadContacts();
    expect(await store.getSetting(CONTACT_CACHE_OWNER_KEY)).toBe(first.client.self?.userName);
    await store.saveContacts(cached.filter((w) => w.UserName !== mb.sender.userName));

    const hold = e.faults.inject('webwxgetcontact', { kind: 'delay', ms: REFRESH_DELAY_MS }, { times: 1 });
    const x = e.phone.sendText({ from: friend.id, text: 'while it was down' });
    const second = await start(e, store, { scanQr: false });
    const order = eventOrder(second);
    expect(stepsOf(second)).toEqual(['resume:trying', 'resume:succeeded']);
    expect(second.client.state).toBe('ready');
    let loaded = false;
    const whenLoaded = second.client.contacts.loaded().then((counts) => {
      loaded = true;
      return counts;
    });

    const y = e.phone.sendText({ from: other.id, text: 'not in the cache' });
    const z = e.phone.sendText({ from: member, room, text: 'again in the room' });
    const [mx, my, mz] = [
      await waitForId(second, x.msgId),
      await waitForId(second, y.msgId),
      await waitForId(second, z.msgId),
    ];
    // All three were handled while the contact list was still on its way (not asked for yet, or held).
    expect(hold.hits).toBeLessThanOrEqual(1);
    expect(loaded).toBe(false);
    expect(order).toEqual([]);

    const contacts = second.client.contacts;
    // Same session, same UserNames, same stable ids: from the cache, not minted anew.
    expect(mx.sender.userName).toBe(ma.sender.userName);
    expect(contacts.stableIdOf(mx.sender.userName)).toBe(friendId);
    expect(mx.sender.displayName).toBe(ma.sender.displayName);
    // The friend the cache lacked: looked up by batchgetcontact, matched to their old record.
    expect(my.sender.displayName).toBe(mb.sender.displayName);
    expect(contacts.get(my.sender.userName)).toBeDefined();
    expect(contacts.stableIdOf(my.sender.userName)).toBe(otherId);
    // The room and its members came from the cache.
    expect(contacts.stableIdOf(mz.chat.userName)).toBe(roomId);
    expect(contacts.members(mz.chat.userName)).toHaveLength(roomMembers);
    expect(mz.sender.displayName).toBe(mc.sender.displayName);

    // Then the refresh lands: 'contacts' after 'ready', loaded() with the server's counts.
    const counts = await whenLoaded;
    expect(hold.hits).toBe(1);
    expect(counts.contacts).toBeGreaterThanOrEqual(e.world.listedContacts().length);
    expect(order).toEqual(['contacts']);
    expect(contacts.stableIdOf(mx.sender.userName)).toBe(friendId);
    expect(contacts.stableIdOf(my.sender.userName)).toBe(otherId);
    expect(contacts.stableIdOf(mz.chat.userName)).toBe(roomId);
  });

  it('reads the cached rooms only when a reply touches a room, without change events', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    const [friend] = e.world.listedContacts().filter((p) => p.kind === 'friend');
    if (!friend) throw new Error('the world needs a friend');
    const { room, member } = roomWithMember(e, [friend.id]);
    const c = e.phone.sendText({ from: member, room, text: 'before the restart' });
    const mc = await waitForId(first, c.msgId);
    const roomId = first.client.contacts.stableIdOf(mc.chat.userName);
    const roomMembers = first.client.contacts.members(mc.chat.userName).length;
    await first.client.stop();

    // What the restarted client reads of the cache, and what it hears, in order.
    const log = logCacheReads(store);
    e.faults.inject('webwxgetcontact', { kind: 'delay', ms: REFRESH_DELAY_MS }, { times: 1 });
    const x = e.phone.sendText({ from: friend.id, text: 'while it was down' });
    const second = await start(e, store, { scanQr: false });
    second.client.on('message', (m) => log.push(`message:${m.kind === 'text' ? m.text : m.kind}`));
    second.client.on('room-updated', () => log.push('room-updated'));
    second.client.on('contact-added', () => log.push('contact-added'));
    await waitForId(second, x.msgId);
    const z = e.phone.sendText({ from: member, room, text: 'after the restart' });
    const mz = await waitForId(second, z.msgId);

    // The private message first (its sender read by name at most); then the contacts, then the
    // rooms, before the room's message.
    const reads = log.filter((entry) => entry.startsWith('read:'));
    expect(log.findIndex((entry) => entry.startsWith('message:'))).toBe(
      log.indexOf('message:while it was down'),
    );
    expect(log.indexOf('message:while it was down')).toBeLessThan(log.indexOf('read:contacts'));
    expect(reads.filter((r) => !r.startsWith('read:named'))).toEqual(['read:contacts', 'read:rooms']);
    expect(log.indexOf('read:rooms')).toBeLessThan(log.indexOf('message:after the restart'));
    expect(log).not.toContain('room-updated');
    expect(log).not.toContain('contact-added');
    expect(second.client.contacts.stableIdOf(mz.chat.userName)).toBe(roomId);
    expect(second.client.contacts.members(mz.chat.userName)).toHaveLength(roomMembers);
    expect(mz.sender.displayName).toBe(mc.sender.displayName);
  });

  it('reads the stable ids of what webwxinit names before ready; every id, then the cached contacts, after the first round', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    const initNames = first.client.contacts.list().length;
    await first.client.stop();

    const log = logCacheReads(store);
    const named: string[][] = [];
    onStableIdRead(store, (names) => {
      log.push(names === 'all' ? 'stable-ids' : 'stable-ids:named');
      if (names !== 'all') named.push([...names]);
    });
    const refresh = e.faults.inject('webwxgetcontact', { kind: 'hang' }, { times: 1 });
    const second = await start(e, store, { scanQr: false });
    expect(stepsOf(second)).toEqual(['resume:trying', 'resume:succeeded']);
    // Ready without the cached contacts, and with the stable-id records of webwxinit's chats only.
    expect(log).toEqual(['stable-ids:named']);
    expect(named[0]?.length).toBeGreaterThan(0);
    expect(named[0]?.length).toBeLessThan(initNames);
    for (const name of named[0] ?? [])
      expect(second.client.contacts.stableIdOf(name)).toBe(first.client.contacts.stableIdOf(name));
    const contacts = second.client.contacts;
    let loaded = false;
    contacts.loaded().then(
      () => {
        loaded = true;
      },
      () => {},
    );
    expect(contacts.list().length).toBeLessThan(e.world.listedContacts().length);
    // filled(): the cached contacts and rooms are in, while the server's list still hangs.
    await contacts.filled();
    expect(log).toEqual(['stable-ids:named', 'stable-ids', 'read:contacts', 'read:rooms']);
    await expect.poll(() => refresh.hits).toBe(1);
    expect(loaded).toBe(false);
    expect(contacts.list().length).toBeGreaterThanOrEqual(e.world.listedContacts().length);
    expect(contacts.rooms().length).toBe(e.world.rooms.length);
  });

  it('a message from a cached contact before the contacts are in: read by name, same name and stable id', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    const friends = e.world.listedContacts().filter((p) => p.kind === 'friend');
    // The last friends: not among the chats webwxinit lists first.
    const [friend, gone, renamed] = friends.slice(-3);
    if (!friend || !gone || !renamed) throw new Error('the world needs three friends');
    const a = e.phone.sendText({ from: friend.id, text: 'before' });
    const ma = await waitForId(first, a.msgId);
    const friendName = ma.sender.userName;
    const friendId = first.client.contacts.stableIdOf(friendName);
    const goneName = first.client.contacts.list().find((c) => c.nickName === gone.nickName)?.userName;
    const renamedName = first.client.contacts.list().find((c) => c.nickName === renamed.nickName)?.userName;
    if (!goneName || !renamedName) throw new Error('the friends are not in the list');
    await first.client.stop();

    // While the process is down: a text, a friend removed, a remark changed.
    e.phone.deleteContact(gone.id);
    e.phone.setRemark(renamed.id, 'renamed while down');
    const x = e.phone.sendText({ from: friend.id, text: 'while it was down' });
    const log = logCacheReads(store);
    onStableIdRead(store, (names) =>
      log.push(names === 'all' ? 'stable-ids' : `stable-ids:${names.join(',')}`),
    );
    e.faults.inject('webwxgetcontact', { kind: 'delay', ms: REFRESH_DELAY_MS }, { times: 1 });
    const second = await start(e, store, { scanQr: false });
    const events: string[] = [];
    for (const name of ['contact-added', 'contact-removed', 'contact-updated'] as const)
      second.client.on(name, (change: { contact?: { userName: string }; userName?: string }) =>
        events.push(`${name}:${change.contact?.userName ?? change.userName}`),
      );
    let idAtMessage: string | undefined;
    second.client.on('message', (m) => {
      if (m.id !== x.msgId) return;
      log.push('message');
      idAtMessage = second.client.contacts.stableIdOf(m.sender.userName);
    });
    const mx = await waitForId(second, x.msgId);
    const contacts = second.client.contacts;
    expect(mx.sender.userName).toBe(friendName);
    expect(mx.sender.displayName).toBe(ma.sender.displayName);
    expect(contacts.stableIdOf(friendName)).toBe(friendId);
    // Its entry and its stable-id record read by name, before the message; every record only after it.
    expect(idAtMessage).toBe(friendId);
    const atMessage = log.slice(0, log.indexOf('message'));
    expect(atMessage.some((r) => r.startsWith('read:named') && r.includes(friendName))).toBe(true);
    expect(atMessage.some((r) => r.startsWith('stable-ids:') && r.includes(friendName))).toBe(true);
    expect(atMessage).not.toContain('stable-ids');
    expect(log.indexOf('read:contacts')).toBe(-1);

    // The full read comes after the first round and leaves the removed friend out.
    await expect.poll(() => log.includes('read:contacts'), { timeout: 3000 }).toBe(true);
    await expect.poll(() => contacts.get(renamedName)?.remarkName).toBe('renamed while down');
    expect(contacts.get(goneName)).toBeUndefined();
    expect(contacts.get(friendName)).toBeDefined();
    expect(events).toContain(`contact-removed:${goneName}`);
    expect(events).toContain(`contact-updated:${renamedName}`);
    expect(events.filter((ev) => ev.startsWith('contact-added'))).toEqual([]);
  });

  it('a cached contact whose stable-id record is missing: every record is read before the reply applies, and the id comes back', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    const friend = e.world
      .listedContacts()
      .filter((p) => p.kind === 'friend')
      .at(-4);
    if (!friend) throw new Error('the world needs friends');
    const a = e.phone.sendText({ from: friend.id, text: 'before' });
    const friendName = (await waitForId(first, a.msgId)).sender.userName;
    const friendId = first.client.contacts.stableIdOf(friendName);
    await first.client.stop();
    // As a record lost with a crash: the entry is cached, its stable-id record is not.
    const ids = store.stableIdStore<StableIdRecord>();
    ids.save(ids.load().filter((r) => r.lastUserName !== friendName));

    const x = e.phone.sendText({ from: friend.id, text: 'while it was down' });
    const log: string[] = [];
    onStableIdRead(store, (names) => log.push(names === 'all' ? 'stable-ids' : 'stable-ids:named'));
    e.faults.inject('webwxgetcontact', { kind: 'delay', ms: REFRESH_DELAY_MS }, { times: 1 });
    const second = await start(e, store, { scanQr: false });
    let idAtMessage: string | undefined;
    second.client.on('message', (m) => {
      if (m.id !== x.msgId) return;
      log.push('message');
      idAtMessage = second.client.contacts.stableIdOf(m.sender.userName);
    });
    await waitForId(second, x.msgId);
    expect(idAtMessage).toBe(friendId);
    // Read by name, which did not settle its id: then every record, before the message.
    expect(log.slice(0, 3)).toEqual(['stable-ids:named', 'stable-ids:named', 'stable-ids']);
    expect(log.indexOf('message')).toBe(3);
  });

  it('with a store that reads no entries by name: the cached contacts and the stable ids while webwxinit is on the wire, once', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    await first.client.stop();
    // As a third-party ContactCache without loadContactsNamed.
    Object.defineProperty(store, 'loadContactsNamed', { value: undefined });

    const reads: Array<{ what: string; at: number }> = [];
    const load = store.loadContacts.bind(store);
    store.loadContacts = (part) => {
      reads.push({ what: `contacts:${part ?? 'all'}`, at: performance.now() });
      return load(part);
    };
    onStableIdRead(store, (names) => {
      if (names === 'all') reads.push({ what: 'stable-ids', at: performance.now() });
    });
    const INIT_DELAY_MS = 600;
    const slow = e.faults.inject('webwxinit', { kind: 'delay', ms: INIT_DELAY_MS }, { times: 1 });
    const startedAt = performance.now();
    const second = await start(e, store, { scanQr: false });
    const answeredAfter = performance.now() - startedAt;
    expect(stepsOf(second)).toEqual(['resume:trying', 'resume:succeeded']);
    expect(slow.hits).toBe(1);
    expect(answeredAfter).toBeGreaterThanOrEqual(INIT_DELAY_MS);
    // Both reads went out while webwxinit was held, each once.
    expect(reads.map((r) => r.what)).toEqual(['contacts:contacts', 'stable-ids']);
    for (const r of reads) expect(r.at - startedAt).toBeLessThan(INIT_DELAY_MS / 2);
    expect(second.client.contacts.list().length).toBeGreaterThanOrEqual(e.world.listedContacts().length);
  });

  it('with a stable-id store that reads no records by name (as PostgresStore has): all of them while webwxinit is on the wire', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    await first.client.stop();
    const reads: Array<{ what: 'all' | 'named'; at: number }> = [];
    onStableIdRead(store, (names) =>
      reads.push({ what: names === 'all' ? 'all' : 'named', at: performance.now() }),
    );
    const withNamed = store.stableIdStore.bind(store);
    store.stableIdStore = <R extends { id: string }>() => ({ ...withNamed<R>(), loadNamed: undefined });
    const INIT_DELAY_MS = 600;
    e.faults.inject('webwxinit', { kind: 'delay', ms: INIT_DELAY_MS }, { times: 1 });
    const startedAt = performance.now();
    const second = await start(e, store, { scanQr: false });
    expect(stepsOf(second)).toEqual(['resume:trying', 'resume:succeeded']);
    expect(reads.map((r) => r.what)).toEqual(['all']);
    expect((reads[0]?.at ?? Number.POSITIVE_INFINITY) - startedAt).toBeLessThan(INIT_DELAY_MS / 2);
  });

  it('a fresh login loads the contacts before ready; loaded() and filled() are already settled', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    let filled = false;
    void first.client.contacts.filled().then(() => {
      filled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(filled).toBe(true);
    const counts = await first.client.contacts.loaded();
    expect(counts.contacts).toBe(first.client.contacts.list().length);
  });

  it('ignores a cache written by another login: the list loads before ready', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    await first.client.stop();
    await store.setSetting(CONTACT_CACHE_OWNER_KEY, '@someone-else');
    const hold = e.faults.inject('webwxgetcontact', { kind: 'delay', ms: 200 }, { times: 1 });
    const second = await start(e, store, { scanQr: false });
    expect(stepsOf(second)).toEqual(['resume:trying', 'resume:succeeded']);
    expect(hold.hits).toBe(1);
    // start() resolved only once the list was in: loaded() is settled already.
    let settled = false;
    void second.client.contacts.loaded().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
    expect(second.client.contacts.list().length).toBeGreaterThanOrEqual(e.world.listedContacts().length);
  });

  it('loaded() rejects when the client stops before the refresh lands', async () => {
    const e = await emu();
    const store = sqlite();
    const first = await start(e, store);
    await first.client.stop();
    e.faults.inject('webwxgetcontact', { kind: 'hang' }, { times: 1 });
    const second = await start(e, store, { scanQr: false });
    const loaded = second.client.contacts.loaded();
    await second.client.stop();
    await expect(loaded).rejects.toBeInstanceOf(Error);
    expect(second.messages).toEqual([]);
  });
});

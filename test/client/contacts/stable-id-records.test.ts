/**
 * The stable-id records read by name first (a lazy resume, stable-id-records.ts): what the registry
 * gives before the full read, what waits for it, and what is saved.
 */
import { describe, expect, it } from 'vitest';
import { type StableIdEntry, stableIdEntryOf } from '../../../src/client/contacts/stable-id-entries.js';
import type { StableIdRecord, StableIdStore } from '../../../src/client/contacts/stable-id-types.js';
import { MemoryStableIdStore, StableIdRegistry } from '../../../src/client/contacts/stable-ids.js';
import { toContact } from '../../../src/model/index.js';
import type { WireContact } from '../../../src/protocol/wire-types.js';

function person(userName: string, fields: Partial<WireContact> = {}): StableIdEntry {
  return stableIdEntryOf(
    toContact(
      { UserName: userName, NickName: 'N', ContactFlag: 3, Sex: 1, ...fields } as WireContact,
      '@self',
    ),
  );
}

/** A store over `records` that reads by name and counts what is read and saved. */
function namedStore(records: StableIdRecord[]) {
  const reads: Array<'all' | string[]> = [];
  const saves: StableIdRecord[][] = [];
  const store: Required<StableIdStore> = {
    load: () => {
      reads.push('all');
      return records.map((r) => ({ ...r }));
    },
    loadNamed: (names) => {
      reads.push([...names]);
      return records.filter((r) => names.includes(r.lastUserName)).map((r) => ({ ...r }));
    },
    save: (all) => {
      saves.push(all.map((r) => ({ ...r })));
      records = all.map((r) => ({ ...r }));
    },
  };
  return { store, reads, saves, records: () => records };
}

function registry(store: StableIdStore) {
  const errors: unknown[] = [];
  const r = new StableIdRegistry({
    store,
    now: () => 2000,
    onStoreError: (e) => errors.push(e),
    onCollision: () => {},
  });
  return { r, errors };
}

/** A first login over a memory store: its records, and the ids it gave. */
async function firstLogin(entries: StableIdEntry[]) {
  const memory = new MemoryStableIdStore();
  const { r } = registry(memory);
  await r.load();
  r.assign(entries);
  await r.flush();
  return {
    records: memory.load(),
    ids: Object.fromEntries(entries.map((e) => [e.userName, r.idOf(e.userName)])),
  };
}

const ANN = () => person('@a', { NickName: 'Ann' });
const BOB = () => person('@b', { NickName: 'Bob' });
const CAT = () => person('@c', { NickName: 'Cat', Alias: 'cat_id' });

describe('StableIdRegistry, records read by name (a lazy resume)', () => {
  it('gives the named UserNames their ids from their records alone, and saves nothing until the full read', async () => {
    const { records, ids } = await firstLogin([ANN(), BOB(), CAT()]);
    const s = namedStore(records);
    const { r } = registry(s.store);
    await r.loadNamed(['@a']);
    expect(r.decides(['@a'])).toBe(true);
    r.assign([person('@a', { NickName: 'Ann, renamed' })], { sameLogin: true });
    expect(r.idOf('@a')).toBe(ids['@a']);
    await r.flush();
    expect(s.reads).toEqual([['@a']]);
    expect(s.saves).toEqual([]);

    // The full read keeps the record in hand (refreshed since), and then writes the complete set.
    r.assign([person('@a', { NickName: 'Ann, renamed' })]);
    await r.load();
    await r.flush();
    expect(s.reads).toEqual([['@a'], 'all']);
    expect(s.saves).toHaveLength(1);
    expect(s.saves[0]?.map((x) => x.id).sort()).toEqual(Object.values(ids).sort());
    expect(s.saves[0]?.find((x) => x.id === ids['@a'])?.name).toBe('Ann, renamed');
  });

  it('an entry that needs a lookup waits for the full read, then takes its old id', async () => {
    const { records, ids } = await firstLogin([ANN(), BOB(), CAT()]);
    const s = namedStore(records);
    const { r } = registry(s.store);
    await r.loadNamed(['@a', '@b2']);
    // @b2: no record names it (Bob under a new UserName), so the records in hand do not decide it.
    expect(r.decides(['@a'])).toBe(true);
    expect(r.decides(['@a', '@b2'])).toBe(false);
    r.assign([ANN(), person('@b2', { NickName: 'Bob' })], { sameLogin: true });
    expect(r.idOf('@a')).toBe(ids['@a']);
    expect(r.idOf('@b2')).toBeUndefined();
    await r.load();
    expect(r.idOf('@b2')).toBe(ids['@b']);
    expect(r.collisions()).toEqual([]);
  });

  it('a waiting entry released before the full read gets no id', async () => {
    const { records } = await firstLogin([ANN(), BOB()]);
    const { r } = registry(namedStore(records).store);
    await r.loadNamed(['@a']);
    r.assign([person('@b2', { NickName: 'Bob' })]);
    r.release('@b2');
    await r.load();
    expect(r.idOf('@b2')).toBeUndefined();
  });

  it('a UserName two records name is not decided by name', async () => {
    const { records } = await firstLogin([ANN(), BOB()]);
    const twice = records.map((x) => ({ ...x, lastUserName: '@same' }));
    const { r } = registry(namedStore(twice).store);
    await r.loadNamed(['@same']);
    expect(r.decides(['@same'])).toBe(false);
  });

  it('permanent ids learned before the full read are applied after it', async () => {
    const { records, ids } = await firstLogin([ANN(), BOB()]);
    const s = namedStore(records);
    const { r } = registry(s.store);
    await r.loadNamed(['@a']);
    r.assign([ANN()], { sameLogin: true });
    r.learnPermanent([['@a', 'wxid_ann']]);
    expect(r.records().find((x) => x.id === ids['@a'])?.permanentId).toBe('');
    await r.load();
    await r.flush();
    expect(s.records().find((x) => x.id === ids['@a'])?.permanentId).toBe('wxid_ann');
  });

  it("lastUserNames() reads the rest first: every record's last UserName", async () => {
    const { records, ids } = await firstLogin([ANN(), BOB(), CAT()]);
    const s = namedStore(records);
    const { r } = registry(s.store);
    await r.loadNamed(['@a']);
    expect(r.lastUserNames()).toEqual(new Map(Object.entries(ids) as [string, string][]));
    expect(s.reads).toEqual([['@a'], 'all']);
  });

  it('partial from the first read by name: an entry given its id before any record is in waits for the full read', async () => {
    const { records, ids } = await firstLogin([ANN(), BOB()]);
    let answer: (records: StableIdRecord[]) => void = () => {};
    const s = namedStore(records);
    const { r } = registry({
      ...s.store,
      loadNamed: () =>
        new Promise<StableIdRecord[]>((resolve) => {
          answer = resolve;
        }),
    });
    // Nothing named (webwxinit listed no chats): still partial.
    await r.loadNamed([]);
    r.assign([person('@b2', { NickName: 'Bob' })]);
    expect(r.idOf('@b2')).toBeUndefined();
    // A read by name under way: the same.
    const named = r.loadNamed(['@a']);
    r.assign([person('@a2', { NickName: 'Ann' })]);
    expect(r.idOf('@a2')).toBeUndefined();
    answer([]);
    await named;
    await r.load();
    expect(r.idOf('@b2')).toBe(ids['@b']);
    expect(r.idOf('@a2')).toBe(ids['@a']);
  });

  it('a store that cannot read by name is read in full', async () => {
    const { records, ids } = await firstLogin([ANN(), BOB()]);
    let fullReads = 0;
    const { r } = registry({
      load: () => {
        fullReads++;
        return records;
      },
      save: () => {},
    });
    await r.loadNamed(['@a']);
    expect(fullReads).toBe(1);
    expect(r.decides(['@zzz'])).toBe(true);
    r.assign([person('@b2', { NickName: 'Bob' })]);
    expect(r.idOf('@b2')).toBe(ids['@b']);
  });

  it('a failing read by name is reported and leaves the names to the full read', async () => {
    const { records, ids } = await firstLogin([ANN()]);
    const s = namedStore(records);
    const { r, errors } = registry({
      ...s.store,
      loadNamed: () => {
        throw new Error('disk on fire');
      },
    });
    await r.loadNamed(['@a']);
    expect(errors).toHaveLength(1);
    expect(r.decides(['@a'])).toBe(false);
    await r.load();
    r.assign([ANN()], { sameLogin: true });
    expect(r.idOf('@a')).toBe(ids['@a']);
  });
});

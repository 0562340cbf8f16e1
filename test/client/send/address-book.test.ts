/**
 * The outbox's address book (src/client/send/address-book.ts): the snapshot taken before a new login
 * maps each UserName of the ending login to its stable id, also for contacts a resume has not put in
 * the directory yet (they are still in the stable-id records, by their last UserName).
 */
import { describe, expect, it } from 'vitest';
import { MutableContactDirectory } from '../../../src/client/contacts/contact-directory.js';
import { addressBookOf } from '../../../src/client/send/address-book.js';
import type { WireContact } from '../../../src/protocol/wire-types.js';

function book(records: Record<string, string>, assigned: Record<string, string>) {
  const directory = new MutableContactDirectory();
  directory.setSelf('@self');
  directory.upsert(
    Object.keys(assigned).map((UserName) => ({ UserName, NickName: UserName }) as WireContact),
  );
  const contacts = {
    stableIdOf: (userName: string) => assigned[userName],
    byStableId: () => undefined,
    lastUserNames: () => new Map(Object.entries(records)),
  };
  return addressBookOf(contacts, directory, () => '@self');
}

describe('addressBookOf', () => {
  it('snapshots the directory and the records not in it yet; the directory wins', () => {
    const addresses = book(
      { '@cached': 'id-cached', '@known': 'id-old' },
      { '@known': 'id-known', '@fresh': 'id-fresh' },
    );
    expect(Object.fromEntries(addresses.snapshot())).toEqual({
      '@cached': 'id-cached',
      '@known': 'id-known',
      '@fresh': 'id-fresh',
    });
  });

  it('knows the directory and self, not the records alone', () => {
    const addresses = book({ '@cached': 'id-cached' }, { '@known': 'id-known' });
    expect(addresses.knows('@known')).toBe(true);
    expect(addresses.knows('@self')).toBe(true);
    expect(addresses.knows('@cached')).toBe(false);
  });
});

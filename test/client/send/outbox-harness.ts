/** Shared pieces of the outbox unit tests: an address book over a plain map of stable ids. */
import type { OutboxAddresses } from '../../../src/client/send/outbox.js';

/** An address book: UserName → stable id of the current login (change it to simulate a new login). */
export function mapAddresses(
  ids: Map<string, string> = new Map(),
): OutboxAddresses & { ids: Map<string, string> } {
  return {
    ids,
    stableIdOf: (userName) => ids.get(userName),
    userNameOf: (id) => [...ids].find(([, v]) => v === id)?.[0],
    knows: (userName) => ids.has(userName),
    snapshot: () => new Map(ids),
  };
}

/** An address book that knows nobody (sends stay where they were addressed). */
export function noAddresses(): OutboxAddresses {
  return mapAddresses();
}

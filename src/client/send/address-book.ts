/** The outbox's view of the address book (readdress.ts): the contact service's stable ids. */
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import type { ContactService } from '../contacts/contact-service-types.js';
import type { OutboxAddresses } from './readdress.js';

export function addressBookOf(
  contacts: Pick<ContactService, 'stableIdOf' | 'byStableId'>,
  directory: MutableContactDirectory,
  selfUserName: () => string,
): OutboxAddresses {
  return {
    stableIdOf: (userName) => contacts.stableIdOf(userName),
    userNameOf: (id) => contacts.byStableId(id)?.userName,
    knows: (userName) => directory.has(userName) || userName === selfUserName(),
    snapshot: () => {
      const ids = new Map<string, string>();
      for (const entry of [...directory.list(), ...directory.rooms()]) {
        const id = contacts.stableIdOf(entry.userName);
        if (id) ids.set(entry.userName, id);
      }
      return ids;
    },
  };
}

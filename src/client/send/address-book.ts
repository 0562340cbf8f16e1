/** The outbox's view of the address book (readdress.ts): the contact service's stable ids. */
import type { MutableContactDirectory } from '../contacts/contact-directory.js';
import type { ContactService } from '../contacts/contact-service-types.js';
import type { OutboxAddresses } from './readdress.js';

export function addressBookOf(
  contacts: Pick<ContactService, 'stableIdOf' | 'byStableId'> & {
    lastUserNames(): Map<string, string>;
  },
  directory: MutableContactDirectory,
  selfUserName: () => string,
): OutboxAddresses {
  return {
    stableIdOf: (userName) => contacts.stableIdOf(userName),
    userNameOf: (id) => contacts.byStableId(id)?.userName,
    knows: (userName) => directory.has(userName) || userName === selfUserName(),
    snapshot: () => {
      // The records' last UserNames first: a resume's cached contacts that are not in the directory
      // yet (contact-phase.ts) are still this login's; the directory's own entries override them.
      const ids = contacts.lastUserNames();
      for (const entry of [...directory.list(), ...directory.rooms()]) {
        const id = contacts.stableIdOf(entry.userName);
        if (id) ids.set(entry.userName, id);
      }
      return ids;
    },
  };
}

/** The counts the seed's client prints after login: groups, direct contacts, special and official accounts. */
import type { Contact, Room } from '../model/index.js';

export interface ContactSummary {
  groups: number;
  contacts: number;
  special: number;
  official: number;
}

export function summarizeContacts(contacts: readonly Contact[], rooms: readonly Room[]): ContactSummary {
  const summary: ContactSummary = { groups: rooms.length, contacts: 0, special: 0, official: 0 };
  for (const c of contacts) {
    if (c.kind === 'friend') summary.contacts++;
    else if (c.kind === 'special') summary.special++;
    else if (c.kind === 'official') summary.official++;
  }
  return summary;
}

export function formatSummary(s: ContactSummary): string {
  return `[*] ${s.groups} groups | ${s.contacts} direct contacts | ${s.special} special accounts | ${s.official} official accounts`;
}

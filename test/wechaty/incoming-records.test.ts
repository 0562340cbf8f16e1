/** Which Wechaty event a received message becomes, and what is kept of it (incoming-records.ts). */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/model/index.js';
import type { ContactIds } from '../../src/wechaty/contact-ids.js';
import { type IncomingRecords, RecentMap, recordIncoming } from '../../src/wechaty/incoming-records.js';

function records(contacts: string[] = []) {
  const remembered: string[] = [];
  const r: IncomingRecords = {
    ids: { remember: (c: { userName: string }) => remembered.push(c.userName) } as unknown as ContactIds,
    messages: new RecentMap(10),
    friendships: new RecentMap(10),
    invitations: new RecentMap(10),
    isContact: (userName) => contacts.includes(userName),
  };
  return { r, remembered };
}

const message = (fields: Record<string, unknown>): Message =>
  ({
    id: 'm1',
    createTime: 100,
    chat: { userName: '@peer', isRoom: false },
    ...fields,
  }) as unknown as Message;
const card = (userName: string) => ({ userName, nickName: 'N', sex: 1, alias: '', signature: '' });

describe('recordIncoming', () => {
  it('a friend request: a friendship event, its record kept and its person known', () => {
    const { r, remembered } = records();
    const event = recordIncoming(message({ kind: 'friend-request', contact: card('@new') }), r);
    expect(event).toEqual({ friendshipId: 'm1' });
    expect(r.friendships.get('m1')).toMatchObject({ type: 'receive' });
    expect(remembered).toEqual(['@new']);
    expect(r.messages.size).toBe(0);
  });

  it('a confirmed friendship: a friendship event with its time in ms', () => {
    const { r } = records();
    const event = recordIncoming(message({ kind: 'system', event: { type: 'friend-confirmed' } }), r);
    expect(event).toEqual({ friendshipId: 'm1' });
    expect(r.friendships.get('m1')).toEqual({
      type: 'confirm',
      id: 'm1',
      userName: '@peer',
      timestamp: 100_000,
    });
  });

  it('a room notice: no event (room-join and the like come on their own); other notices are messages', () => {
    const { r } = records();
    const room = { userName: '@@r', isRoom: true };
    expect(recordIncoming(message({ kind: 'system', chat: room, event: { type: 'room-join' } }), r)).toBe(
      undefined,
    );
    expect(r.messages.size).toBe(0);
    expect(recordIncoming(message({ kind: 'system', chat: room, event: { type: 'plain' } }), r)).toEqual({
      messageId: 'm1',
    });
  });

  it('a group invitation: a room-invite event, the card kept; a plain link is a message', () => {
    const { r } = records();
    const invite = message({ kind: 'link', roomInvitation: { inviter: 'A', topic: 'T' } });
    expect(recordIncoming(invite, r)).toEqual({ roomInvitationId: 'm1' });
    expect(r.invitations.get('m1')).toBe(invite);
    expect(recordIncoming(message({ id: 'm2', kind: 'link', roomInvitation: undefined }), r)).toEqual({
      messageId: 'm2',
    });
    expect(r.messages.get('m2')).toMatchObject({ source: 'in' });
  });

  it('a card: its person known unless a contact already; a message either way', () => {
    const { r, remembered } = records(['@friend']);
    expect(recordIncoming(message({ kind: 'card', card: card('@friend') }), r)).toEqual({ messageId: 'm1' });
    expect(recordIncoming(message({ id: 'm2', kind: 'card', card: card('@stranger') }), r)).toEqual({
      messageId: 'm2',
    });
    expect(remembered).toEqual(['@stranger']);
  });

  it('RecentMap keeps the newest entries up to its capacity', () => {
    const map = new RecentMap<number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.keys()]).toEqual(['a', 'c']);
  });
});

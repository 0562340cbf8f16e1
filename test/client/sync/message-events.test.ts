/** The typed message events derived from decoded messages, and the bounded map of recent messages. */
import { describe, expect, it } from 'vitest';
import {
  MessageEventDeriver,
  type MessageEvents,
  RecentMessages,
  type RoomMembersOf,
} from '../../../src/client/sync/message-events.js';
import { decodeMessage, type Message, type RoomMember } from '../../../src/model/index.js';
import type { WireMessage } from '../../../src/protocol/wire-types.js';
import { wireEntry } from '../../model/message-fixtures.js';

const ROOM = '@@room';
const MEMBERS: RoomMember[] = [
  { userName: '@a', nickName: 'Alice', displayName: '' },
  { userName: '@b', nickName: 'Bob', displayName: '老王' },
  { userName: '@c1', nickName: 'Twin', displayName: '' },
  { userName: '@c2', nickName: 'Twin', displayName: '' },
];

function setup(capacity?: number) {
  const seen: { event: keyof MessageEvents; payload: unknown }[] = [];
  const membersOf: RoomMembersOf = (room) => (room === ROOM ? MEMBERS : undefined);
  const deriver = new MessageEventDeriver(
    { emit: (event, payload) => seen.push({ event, payload }) },
    membersOf,
    capacity,
  );
  return { seen, deriver };
}

const decode = (fields: Partial<WireMessage>): Message =>
  decodeMessage(wireEntry(fields), { selfUserName: '@me' });
const revokeOf = (msgId: string, from = '@a'): Message =>
  decode({
    MsgId: '9',
    MsgType: 10002,
    FromUserName: from,
    Content: `&lt;sysmsg type="revokemsg"&gt;&lt;revokemsg&gt;&lt;msgid&gt;${msgId}&lt;/msgid&gt;&lt;/revokemsg&gt;&lt;/sysmsg&gt;`,
  });

describe('MessageEventDeriver', () => {
  it('room notices become room events with member UserNames resolved when unambiguous', () => {
    const { seen, deriver } = setup();
    deriver.handle(
      decode({ MsgType: 10000, FromUserName: ROOM, Content: '"Alice"邀请"老王、Twin、Nobody"加入了群聊' }),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      event: 'room-join',
      payload: {
        room: ROOM,
        inviter: 'Alice',
        members: ['老王', 'Twin', 'Nobody'],
        memberUserNames: ['@b', '', ''],
        via: 'invite',
      },
    });
    deriver.handle(decode({ MsgType: 10000, FromUserName: ROOM, Content: '你将"Alice"移出了群聊' }));
    deriver.handle(decode({ MsgType: 10000, FromUserName: ROOM, Content: '"老王"修改群名为“新名字”' }));
    expect(seen.slice(1)).toMatchObject([
      { event: 'room-leave', payload: { room: ROOM, members: ['Alice'], by: 'you-removed' } },
      { event: 'room-topic', payload: { room: ROOM, topic: '新名字', by: '老王', byIsSelf: false } },
    ]);
  });

  it('room notices outside a room and other notices emit nothing', () => {
    const { seen, deriver } = setup();
    deriver.handle(decode({ MsgType: 10000, FromUserName: '@a', Content: '"Alice"邀请"Bob"加入了群聊' }));
    deriver.handle(decode({ MsgType: 10000, FromUserName: ROOM, Content: '收到红包，请在手机上查看' }));
    deriver.handle(decode({ MsgType: 1, Content: 'hi' }));
    expect(seen).toEqual([]);
  });

  it('friend requests are emitted as they are', () => {
    const { seen, deriver } = setup();
    const request = decode({
      MsgType: 37,
      FromUserName: 'fmessage',
      Content: '&lt;msg content="hi" ticket="t"/&gt;',
    });
    deriver.handle(request);
    expect(seen).toEqual([{ event: 'friend-request', payload: request }]);
  });

  it('a revoke carries the original while it is among the recent messages', () => {
    const { seen, deriver } = setup(2);
    const first = decode({ MsgId: '1', Content: 'one' });
    deriver.handle(first);
    deriver.handle(revokeOf('1'));
    expect(seen[0]).toMatchObject({ event: 'revoke', payload: { revokedId: '1', original: first } });
    deriver.handle(decode({ MsgId: '2', Content: 'two' }));
    deriver.handle(decode({ MsgId: '3', Content: 'three' }));
    deriver.handle(revokeOf('1'));
    expect(seen[1]).toMatchObject({ event: 'revoke', payload: { revokedId: '1', original: undefined } });
    expect(deriver.recent.size).toBe(2);
  });
});

describe('RecentMessages', () => {
  it('keeps the newest `capacity` messages and refreshes a re-added one', () => {
    const recent = new RecentMessages(3);
    const m = (id: string) => decode({ MsgId: id });
    for (const id of ['1', '2', '3']) recent.add(m(id));
    recent.add(m('1'));
    recent.add(m('4'));
    expect(recent.get('2')).toBeUndefined();
    expect(recent.get('1')?.id).toBe('1');
    expect(recent.size).toBe(3);
    recent.add(decode({ MsgId: '', NewMsgId: undefined as unknown as number }));
    expect(recent.size).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import type { RoomMemberView } from '../../../src/client/index.js';
import { mentionBody } from '../../../src/client/send/mentions.js';
import { InvalidArgumentError } from '../../../src/errors.js';

const S = '\u2005';
const ROOM = '@@room';

function view(userName: string, name: string): RoomMemberView {
  return { userName, nickName: name, displayName: '', name, isSelf: false } as RoomMemberView;
}

const contacts = {
  members: (room: string) => (room === ROOM ? [view('@alice', '爱丽丝'), view('@bob', 'Bobby')] : []),
  byStableId: (id: string) => (id === 'wxid_bob' ? ({ userName: '@bob' } as never) : undefined),
};

describe('mentionBody', () => {
  it('puts each member as @Name + U+2005 in front, by UserName or stable id', () => {
    expect(mentionBody(contacts, ROOM, '开会了', ['@alice', 'wxid_bob'])).toBe(`@爱丽丝${S}@Bobby${S}开会了`);
  });

  it('keeps a mention the text already has, ending it with U+2005', () => {
    expect(mentionBody(contacts, ROOM, 'hi @Bobby see this', ['@bob'])).toBe(`hi @Bobby${S}see this`);
    expect(mentionBody(contacts, ROOM, 'plain', [])).toBe('plain');
  });

  it('refuses a recipient that is not a room and a mention that is not a member', () => {
    expect(() => mentionBody(contacts, '@alice', 'x', ['@bob'])).toThrow(InvalidArgumentError);
    expect(() => mentionBody(contacts, ROOM, 'x', ['@carol'])).toThrow(/not a member/);
    expect(() => mentionBody(contacts, ROOM, 'x', [''])).toThrow(InvalidArgumentError);
  });
});

/**
 * `sendText(room, text, { mentions })` (docs/messages.md "Mentions"): the names of the mentioned
 * members, resolved from UserNames or stable ids, and the text in the phone's U+2005 form.
 */
import { InvalidArgumentError } from '../../errors.js';
import { mentionText } from '../../model/index.js';
import type { ContactService } from '../contacts/contact-service-types.js';

/** Whether a UserName is a group's (`@@…`, or a `…@chatroom` id). */
function isRoomName(userName: string): boolean {
  return userName.startsWith('@@') || userName.endsWith('@chatroom');
}

/**
 * The text with each mentioned member as `@Name` + U+2005 (put in front when the text lacks it).
 * A mention is a member's UserName or stable id; the name is their group display name, else remark,
 * else nickname. InvalidArgumentError when `to` is not a room or a mention is not one of its members.
 */
export function mentionBody(
  contacts: Pick<ContactService, 'members' | 'byStableId'>,
  to: string,
  text: string,
  mentions: readonly string[],
): string {
  if (mentions.length === 0) return text;
  if (!isRoomName(to))
    throw new InvalidArgumentError('sendText', 'sendText: mentions need a room as the recipient');
  const members = contacts.members(to);
  const names = mentions.map((mention) => {
    if (typeof mention !== 'string' || mention === '') {
      throw new InvalidArgumentError('sendText', 'sendText: a mention must be a UserName or a stable id');
    }
    const userName = mention.startsWith('@') ? mention : (contacts.byStableId(mention)?.userName ?? mention);
    const member = members.find((m) => m.userName === userName);
    if (!member)
      throw new InvalidArgumentError('sendText', `sendText: ${mention} is not a member of the room`);
    return member.name;
  });
  return mentionText(text, names);
}

/**
 * The contact service's arguments checked and read (contact-service.ts): a UserName that must be a
 * non-empty string, and the `{ userName, ticket }` of a friend request out of whatever shape the
 * caller holds (a decoded message, its raw RecommendInfo, or the pair itself).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { FriendRequestInput } from './contact-service-types.js';

export function requireName(method: string, value: unknown, what = 'a UserName'): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidArgumentError(method, `${method}: expected ${what}`);
  return value;
}

function field(obj: unknown, ...keys: string[]): string {
  if (typeof obj !== 'object' || obj === null) return '';
  const rec = obj as Record<string, unknown>;
  for (const k of keys) if (typeof rec[k] === 'string' && rec[k]) return rec[k] as string;
  return '';
}

/** `{ userName, ticket }` out of whatever acceptFriendRequest was given (see FriendRequestInput). */
export function friendRequestOf(input: FriendRequestInput): { userName: string; ticket: string } {
  const candidates: unknown[] = [input];
  if (typeof input === 'object' && input !== null) {
    const rec = input as Record<string, unknown>;
    candidates.push(rec.request, rec.friendRequest, rec.recommendInfo, rec.RecommendInfo);
    if (typeof rec.raw === 'object' && rec.raw !== null)
      candidates.push((rec.raw as Record<string, unknown>).RecommendInfo);
  }
  // A decoded friend-request message carries `contact.userName` and a top-level `ticket`.
  const contactName =
    typeof input === 'object' && input !== null
      ? field((input as Record<string, unknown>).contact, 'userName')
      : '';
  for (const c of candidates) {
    const userName = field(c, 'userName', 'UserName') || contactName;
    const ticket = field(c, 'ticket', 'Ticket');
    if (userName && ticket) return { userName, ticket };
  }
  throw new InvalidArgumentError(
    'acceptFriendRequest',
    'acceptFriendRequest: expected { userName, ticket } or a friend-request message',
  );
}

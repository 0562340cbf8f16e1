/**
 * Friend requests between the accounts of one emulator (docs/emulator.md "Several accounts"): when a
 * client asks another account to be friends (webwxverifyuser Opcode 2), that account's sessions get
 * the request (MsgType 37, with a ticket) as from any stranger; when its client accepts (Opcode 3),
 * the asking account's world makes them friends too ("they-accepted" notice, ModContactList).
 */
import type { EmulatorContext } from './route-context.js';
import { addStrangers } from './shared-rooms.js';

/** Makes each account's friend requests and acceptances reach the account they name. */
export function shareFriendRequests(accounts: readonly EmulatorContext[]): void {
  if (accounts.length < 2) return;
  for (const from of accounts) {
    from.changes.onFriendChange = (change) => {
      const to = from.accounts.byId(change.kind === 'request' ? change.to : change.of);
      if (to === undefined || to === from) return;
      try {
        if (change.kind === 'request') {
          addStrangers(from, to, [from.accountId]);
          to.changes.receiveFriendRequest(from.accountId, change.greeting);
        } else to.changes.acceptedBy(from.accountId);
      } catch (error) {
        // The other world disagrees (already friends, no request pending there): it keeps its state.
        from.logger.debug({ err: error, to: to.accountId }, 'emulator: friend change not shared');
      }
    };
  }
}

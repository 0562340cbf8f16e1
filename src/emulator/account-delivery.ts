/**
 * Delivery between the accounts of one emulator (docs/emulator.md "Several accounts"): what a client
 * sends to another account, or into a room other accounts are members of, reaches their sessions as
 * the real server delivers a friend's message: FromUserName the sender (or the room) as each receiving
 * session names it, group Content with the "<sender>:<br/>" prefix, the same MsgId, media downloadable.
 */
import type { SentRecord } from './emulator-types.js';
import { mediaStateOf, sendPhoneMedia } from './phone-media.js';
import type { PhoneMediaKind } from './phone-media-types.js';
import type { PhoneMessageInput } from './phone-message-types.js';
import { sendPhoneMessage, sendPhoneText } from './phone-messages.js';
import type { EmulatorContext } from './route-context.js';
import { shareInputOf } from './share-delivery.js';

/** A receiving account and, for a group message, the room. */
interface Target {
  account: EmulatorContext;
  room: string | undefined;
}

/** The media kind of a sent MsgType that carries bytes (49 only as a file, AppMsgType 6). */
const MEDIA_KINDS: Record<number, PhoneMediaKind> = { 3: 'image', 43: 'video', 47: 'emoticon', 49: 'file' };

/**
 * The other accounts a message of `ctx`'s account to `to` reaches: the account `to` names when it
 * has the sender among its friends, or every member account of the room `to` whose own world has the
 * room with the sender in it.
 */
export function receivingAccounts(ctx: EmulatorContext, to: string): Target[] {
  if (ctx.accounts.all.length < 2) return [];
  const senderId = ctx.accountId;
  const room = ctx.world.room(to);
  if (room === undefined) {
    const other = ctx.accounts.byId(to);
    const sender = other?.world.person(senderId);
    return other !== undefined && sender !== undefined && sender.kind !== 'stranger'
      ? [{ account: other, room: undefined }]
      : [];
  }
  const targets: Target[] = [];
  for (const id of room.memberIds) {
    const other = id === senderId ? undefined : ctx.accounts.byId(id);
    const theirs = other?.world.room(room.id);
    if (other !== undefined && theirs?.memberIds.includes(senderId) && theirs.memberIds.includes(id))
      targets.push({ account: other, room: room.id });
  }
  return targets;
}

/**
 * Delivers a message a client of `ctx`'s account sent (already recorded) to the other accounts it
 * reaches. Texts, cards, links, music and mini programs are queued at once (share-delivery.ts; a card
 * of someone the receiving world does not know is dropped); media asynchronously (errors are logged).
 * Kinds without a delivery (other app messages, store emoticons without bytes) are logged and dropped.
 */
export function deliverToAccounts(ctx: EmulatorContext, record: SentRecord): void {
  if (record.to === '') return;
  const targets = receivingAccounts(ctx, record.to);
  if (targets.length === 0) return;
  const from = ctx.accountId;
  const stored =
    record.media === undefined ? undefined : mediaStateOf(ctx).store.mediaById(record.media.mediaId);
  const kind = MEDIA_KINDS[record.type];
  // Cards, links, music and mini programs (share-delivery.ts): no media (music is Type 3, as images).
  const share = record.type === 1 || record.media !== undefined ? undefined : shareInputOf(ctx, record);
  for (const { account, room } of targets) {
    const where = room === undefined ? {} : { room };
    const failed = (error: unknown) =>
      ctx.logger.warn({ err: error, to: account.accountId }, 'emulator: delivery to an account failed');
    try {
      if (record.type === 1) {
        sendPhoneText(account, { from, text: record.content, ...where }, record.msgId);
      } else if (kind !== undefined && stored !== undefined) {
        const input = { from, ...where, fileName: stored.fileName };
        sendPhoneMedia(account, kind, input, { media: stored, msgId: record.msgId }).catch(failed);
      } else if (share !== undefined) {
        // A card of someone the receiving world does not know throws: logged below.
        sendPhoneMessage(account, { ...share, from, ...where } as PhoneMessageInput);
      } else {
        ctx.logger.debug(
          { type: record.type, to: account.accountId },
          'emulator: not delivered to the account',
        );
      }
    } catch (error) {
      // The receiving world disagrees (the sender no longer a member there): the send stays recorded.
      failed(error);
    }
  }
}

/** A client of `ctx`'s account revoked `record`: the accounts that got it get the revoke (MsgType 10002). */
export function revokeAcrossAccounts(ctx: EmulatorContext, record: SentRecord): void {
  for (const { account, room } of receivingAccounts(ctx, record.to)) {
    try {
      sendPhoneMessage(account, {
        kind: 'revoke',
        from: ctx.accountId,
        msgId: record.msgId,
        ...(room === undefined ? {} : { room }),
      });
    } catch (error) {
      // Never delivered there (a kind without a delivery): nothing to revoke.
      ctx.logger.debug({ err: error, to: account.accountId }, 'emulator: no revoke for the account');
    }
  }
}

/**
 * Wechaty's room-join, room-leave and room-topic payloads from webwx's typed room events
 * (src/client/sync/message-events.ts). The notices name people as written ("张伟", "你"); names are turned
 * into ids through the room's members, the members who just left, then the address book.
 */
import type * as PUPPET from 'wechaty-puppet';
import type { RoomJoinEvent, RoomLeaveEvent, RoomTopicEvent } from '../client/index.js';
import type { IdOf } from './contact-payloads.js';

/** What the payloads need from the session. */
export interface RoomEventContext {
  idOf: IdOf;
  selfUserName: string;
  /** The UserName of the person a notice names in a room ('' when unknown or ambiguous). */
  userNameByName: (roomUserName: string, name: string) => string;
  /** The topic a room had before its last rename ('' when unknown). */
  previousTopic: (roomUserName: string) => string;
}

function idsOf(
  room: string,
  names: readonly string[],
  ctx: RoomEventContext,
  known: readonly string[] = [],
): string[] {
  const ids: string[] = [];
  names.forEach((name, i) => {
    const userName = known[i] || ctx.userNameByName(room, name);
    if (userName) ids.push(ctx.idOf(userName));
  });
  return ids;
}

function nameToId(room: string, name: string, isSelf: boolean, ctx: RoomEventContext): string {
  if (isSelf) return ctx.idOf(ctx.selfUserName);
  const userName = ctx.userNameByName(room, name);
  return userName ? ctx.idOf(userName) : '';
}

export function roomJoinPayloadOf(
  event: RoomJoinEvent,
  ctx: RoomEventContext,
): PUPPET.payloads.EventRoomJoin {
  const inviteeIdList = idsOf(event.room, event.members, ctx, event.memberUserNames);
  if (event.selfJoined) {
    const self = ctx.idOf(ctx.selfUserName);
    if (!inviteeIdList.includes(self)) inviteeIdList.push(self);
  }
  return {
    roomId: ctx.idOf(event.room),
    inviteeIdList,
    inviterId: nameToId(event.room, event.inviter, event.inviterIsSelf, ctx),
    timestamp: event.message.createTime * 1000,
  };
}

export function roomLeavePayloadOf(
  event: RoomLeaveEvent,
  ctx: RoomEventContext,
): PUPPET.payloads.EventRoomLeave {
  const removeeIdList =
    event.by === 'you-were-removed' ? [ctx.idOf(ctx.selfUserName)] : idsOf(event.room, event.members, ctx);
  return {
    roomId: ctx.idOf(event.room),
    removeeIdList,
    removerId: nameToId(event.room, event.remover, event.by === 'you-removed', ctx),
    timestamp: event.message.createTime * 1000,
  };
}

export function roomTopicPayloadOf(
  event: RoomTopicEvent,
  ctx: RoomEventContext,
): PUPPET.payloads.EventRoomTopic {
  return {
    roomId: ctx.idOf(event.room),
    changerId: nameToId(event.room, event.by, event.byIsSelf, ctx),
    newTopic: event.topic,
    oldTopic: ctx.previousTopic(event.room),
    timestamp: event.message.createTime * 1000,
  };
}

/**
 * Group operations (§7.2, §7.3): webwxcreatechatroom and webwxupdatechatroom (addmember,
 * invitemember, delmember, modtopic, quitchatroom), with the real rules enforced by world-changes.ts.
 */

import type { Session } from '../login-session.js';
import type { EmulatorContext } from '../route-context.js';
import type { Router } from '../served-request.js';
import { wireMember } from '../wire-objects.js';
import { WorldChangeError } from '../world-change-records.js';
import type { WorldRoom } from '../world-types.js';
import { idOfUserName, type JsonBody, worldRoute } from './contact-op-routes.js';

function membersOf(ctx: EmulatorContext, s: Session, room: WorldRoom): JsonBody {
  return {
    MemberCount: room.memberIds.length,
    MemberList: room.memberIds.map((id) => wireMember(ctx.world, room, id, s.names)),
  };
}

/** 'a,b,c' (or an array) → stable ids. */
function userNameList(s: Session, value: unknown): string[] {
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  const list = names.map((n) => (typeof n === 'string' ? n.trim() : '')).filter((n) => n !== '');
  if (list.length === 0) throw new WorldChangeError(1, 'the member list is empty');
  return list.map((n) => idOfUserName(s, n));
}

function createChatroom(ctx: EmulatorContext, s: Session, body: JsonBody): JsonBody {
  const list = Array.isArray(body.MemberList) ? (body.MemberList as unknown[]) : [];
  const members = userNameList(
    s,
    list.map((m) =>
      typeof m === 'object' && m !== null ? (m as { UserName?: unknown }).UserName : undefined,
    ),
  );
  const topic = typeof body.Topic === 'string' ? body.Topic : '';
  const room = ctx.changes.createRoom(ctx.world.self.id, members, topic);
  return {
    BaseResponse: { Ret: 0, ErrMsg: 'Everything is OK' },
    Topic: room.topic,
    PYInitial: '',
    QuanPin: '',
    ...membersOf(ctx, s, room),
    ChatRoomName: s.names.userName(room.id),
    BlackList: '',
  };
}

function updateChatroom(ctx: EmulatorContext, s: Session, body: JsonBody, fun: string): JsonBody {
  const changes = ctx.changes;
  const roomId = s.names.roomIdOf(typeof body.ChatRoomName === 'string' ? body.ChatRoomName : '');
  if (roomId === undefined) throw new WorldChangeError(1, 'unknown ChatRoomName');
  const self = ctx.world.self.id;
  switch (fun) {
    case 'addmember':
      return membersOf(ctx, s, changes.addMembers(self, roomId, userNameList(s, body.AddMemberList)));
    case 'invitemember':
      changes.addMembers(self, roomId, userNameList(s, body.InviteMemberList), true);
      return {};
    case 'delmember':
      return membersOf(ctx, s, changes.removeMembers(self, roomId, userNameList(s, body.DelMemberList)));
    case 'modtopic':
      changes.renameRoom(self, roomId, typeof body.NewTopic === 'string' ? body.NewTopic : '');
      return {};
    case 'quitchatroom':
      changes.quit(self, roomId);
      return {};
    default:
      throw new WorldChangeError(1, `unknown fun "${fun}"`);
  }
}

export function registerChatroomRoutes(router: Router, ctx: EmulatorContext): void {
  worldRoute(
    router,
    ctx,
    'webwxcreatechatroom',
    { MemberCount: 0, MemberList: [], ChatRoomName: '' },
    (s, body, _req, actx) => createChatroom(actx, s, body),
  );
  worldRoute(router, ctx, 'webwxupdatechatroom', { MemberCount: 0, MemberList: [] }, (s, body, req, actx) =>
    updateChatroom(actx, s, body, req.query.get('fun') ?? ''),
  );
}

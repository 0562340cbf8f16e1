/**
 * Wire objects (§4.1, §4.4, §9.1, §10.1) built from the world for one session, and a JSON
 * serialiser that writes NewMsgId as a bare 19-digit number like the real server.
 */

import { MMWEBWX } from '../protocol/session-context.js';
import { emptyWireContact, emptyWireMessage } from '../protocol/wire-defaults.js';

import type { BaseResponse, WireContact, WireMember, WireMessage, WireUser } from '../protocol/wire-types.js';
import { uinFor } from './ids.js';
import type { SessionNames } from './session-names.js';
import { emojiToSpan } from './wire-format.js';
import { pinyinFields } from './world.js';
import type { World, WorldPerson, WorldRoom } from './world-types.js';

export function baseResponse(ret = 0, errMsg = ''): BaseResponse {
  return { Ret: ret, ErrMsg: errMsg };
}

/** A JSON integer too large for a JS number, written digit-exact by stringifyWire. */
export class JsonInt {
  constructor(readonly digits: string) {}
  toJSON(): string {
    return `\u0000INT${this.digits}\u0000`;
  }
}

const JSON_INT = /"\\u0000INT(\d+)\\u0000"/g;

export function stringifyWire(value: unknown): string {
  return JSON.stringify(value).replace(JSON_INT, '$1');
}

function avatarSeq(id: string): number {
  return uinFor(`avatar:${id}`) % 900_000_000;
}

export function headImgUrl(userName: string, id: string, skey: string, room: boolean): string {
  const path = room ? 'webwxgetheadimg' : 'webwxgeticon';
  return `${MMWEBWX}/${path}?seq=${room ? 0 : avatarSeq(id)}&username=${userName}&skey=${skey}`;
}

export function wirePerson(p: WorldPerson, names: SessionNames, skey: string): WireContact {
  const userName = names.userName(p.id);
  const py = pinyinFields(p.nickName, p.pinyin);
  const rpy = p.remarkName ? pinyinFields(p.remarkName, p.remarkPinyin) : { initial: '', full: '' };
  const listed = p.kind !== 'stranger';
  return {
    ...emptyWireContact(),
    UserName: userName,
    NickName: emojiToSpan(p.nickName),
    HeadImgUrl: headImgUrl(userName, p.id, skey, false),
    ContactFlag: listed ? 3 + (p.starred ? 64 : 0) + (p.pinned ? 2048 : 0) : 0,
    RemarkName: emojiToSpan(p.remarkName),
    Sex: p.sex,
    Signature: emojiToSpan(p.signature),
    VerifyFlag: p.verifyFlag,
    PYInitial: py.initial,
    PYQuanPin: py.full,
    RemarkPYInitial: rpy.initial,
    RemarkPYQuanPin: rpy.full,
    StarFriend: p.starred ? 1 : 0,
    AttrStatus: p.kind === 'friend' ? 4096 + (avatarSeq(p.id) % 200_000) : 0,
    Province: p.province,
    City: p.city,
    Alias: p.alias,
    SnsFlag: p.kind === 'friend' ? 1 : 0,
    KeyWord: p.kind === 'official' ? 'gh_' : '',
  };
}

export function wireMember(world: World, room: WorldRoom, id: string, names: SessionNames): WireMember {
  const nick = id === world.self.id ? world.self.nickName : (world.person(id)?.nickName ?? '');
  return {
    Uin: 0,
    UserName: names.userName(id),
    NickName: emojiToSpan(nick),
    AttrStatus: 0,
    PYInitial: '',
    PYQuanPin: '',
    RemarkPYInitial: '',
    RemarkPYQuanPin: '',
    MemberStatus: 0,
    DisplayName: emojiToSpan(room.displayNames.get(id) ?? ''),
    KeyWord: '',
  };
}

export interface RoomShape {
  /** 'none': MemberCount 0, [] (getcontact); 'short': the first few members, UserName only (init); 'full'. */
  members: 'none' | 'short' | 'full';
}

export function wireRoom(
  world: World,
  room: WorldRoom,
  names: SessionNames,
  skey: string,
  shape: RoomShape,
): WireContact {
  const userName = names.userName(room.id);
  const py = pinyinFields(room.topic, room.pinyin);
  let memberList: WireMember[] = [];
  if (shape.members === 'full') memberList = room.memberIds.map((id) => wireMember(world, room, id, names));
  else if (shape.members === 'short') {
    memberList = room.memberIds.slice(0, 3).map((id) => ({
      ...wireMember(world, room, id, names),
      NickName: '',
      DisplayName: '',
    }));
  }
  const isOwner = room.owner === world.self.id;
  return {
    ...emptyWireContact(),
    UserName: userName,
    NickName: emojiToSpan(room.topic),
    HeadImgUrl: headImgUrl(userName, room.id, shape.members === 'full' ? '' : skey, true),
    ContactFlag: (room.saved ? 3 : 2) + (room.pinned ? 2048 : 0),
    MemberCount: shape.members === 'none' ? 0 : room.memberIds.length,
    MemberList: memberList,
    PYInitial: py.initial,
    PYQuanPin: py.full,
    Statues: 1,
    EncryChatRoomId: shape.members === 'full' ? names.encryChatRoomId(room.id) : '',
    IsOwner: isOwner ? 1 : 0,
    OwnerUin: isOwner ? world.self.uin : 0,
  };
}

export function wireUser(world: World, names: SessionNames, skey: string): WireUser {
  const self = world.self;
  const userName = names.userName(self.id);
  const py = pinyinFields(self.nickName, self.pinyin);
  return {
    Uin: self.uin,
    UserName: userName,
    NickName: emojiToSpan(self.nickName),
    HeadImgUrl: headImgUrl(userName, self.id, skey, false),
    RemarkName: '',
    PYInitial: py.initial,
    PYQuanPin: py.full,
    RemarkPYInitial: '',
    RemarkPYQuanPin: '',
    HideInputBarFlag: 0,
    StarFriend: 0,
    Sex: self.sex,
    Signature: emojiToSpan(self.signature),
    AppAccountFlag: 0,
    VerifyFlag: 0,
    ContactFlag: 0,
    WebWxPluginSwitch: 0,
    HeadImgFlag: 1,
    SnsFlag: 17,
  };
}

export interface MessageInput {
  msgId: string;
  from: string;
  to: string;
  type: number;
  content: string;
  createTime: number;
  statusNotifyCode?: number;
  statusNotifyUserName?: string;
}

/** Every §9.1 field, in the capture's order; NewMsgId a bare number with MsgId's digits. */
export function wireMessage(m: MessageInput): WireMessage {
  return {
    ...emptyWireMessage(),
    MsgId: m.msgId,
    FromUserName: m.from,
    ToUserName: m.to,
    MsgType: m.type,
    Content: m.content,
    Status: 3,
    ImgStatus: 1,
    CreateTime: m.createTime,
    StatusNotifyCode: m.statusNotifyCode ?? 0,
    StatusNotifyUserName: m.statusNotifyUserName ?? '',
    NewMsgId: new JsonInt(m.msgId) as unknown as number,
  };
}

/**
 * Serialised messages, by message: those the phone's texts write directly (wireTextMessage), so a
 * webwxsync does not serialise them again. Absent: stringifyWire.
 */
const messageJson = new WeakMap<WireMessage, string>();

/** The JSON of a queued message, as stringifyWire writes it. */
export function stringifyMessage(m: WireMessage): string {
  return messageJson.get(m) ?? stringifyWire(m);
}

const q = JSON.stringify;
const TEXT_MIDDLE = (() => {
  // Everything between Content and NewMsgId, for a message of wireMessage's defaults (no notify).
  const probe = stringifyWire(
    wireMessage({ msgId: '1', from: '', to: '', type: 1, content: '\u0001', createTime: 0 }),
  );
  const from = probe.indexOf(',"Status":');
  const to = probe.indexOf(',"CreateTime":');
  const after = probe.indexOf(',"VoiceLength":');
  const end = probe.indexOf(',"NewMsgId":');
  return { status: probe.slice(from, to), rest: probe.slice(after, end) };
})();

/**
 * `wireMessage(m)` with its serialisation made at once (remembered for stringifyMessage): the text
 * a phone's sendText queues in every session. test/emulator/sync-reply.test.ts holds the text to
 * stringifyWire.
 */
export function wireTextMessage(m: MessageInput): WireMessage {
  const msg = wireMessage(m);
  if (m.statusNotifyCode === undefined && m.statusNotifyUserName === undefined && /^\d+$/.test(m.msgId)) {
    messageJson.set(
      msg,
      `{"MsgId":${q(m.msgId)},"FromUserName":${q(m.from)},"ToUserName":${q(m.to)},"MsgType":${q(m.type)},` +
        `"Content":${q(m.content)}${TEXT_MIDDLE.status},"CreateTime":${q(m.createTime)}${TEXT_MIDDLE.rest},` +
        `"NewMsgId":${m.msgId},"OriContent":"","EncryFileName":""}`,
    );
  }
  return msg;
}

/**
 * Wechaty payloads of contacts, rooms and room members, from webwx's model (src/model). Ids are the
 * Wechaty ids of contact-ids.ts.
 */
import type * as PUPPET from 'wechaty-puppet';
import { types } from 'wechaty-puppet';
import type { RoomMemberView } from '../client/index.js';
import type { Contact, Room } from '../model/index.js';

/** Turns a UserName into its Wechaty id. */
export type IdOf = (userName: string) => string;

function contactTypeOf(contact: Contact): PUPPET.types.Contact {
  if (contact.kind === 'official') return types.Contact.Official;
  return contact.kind === 'room' ? types.Contact.Unknown : types.Contact.Individual;
}

function genderOf(sex: number): PUPPET.types.ContactGender {
  if (sex === 1) return types.ContactGender.Male;
  if (sex === 2) return types.ContactGender.Female;
  return types.ContactGender.Unknown;
}

/** A contact as Wechaty sees it: `alias` is the remark name, `handle`/`weixin` the WeChat ID. */
export function contactPayloadOf(contact: Contact, idOf: IdOf): PUPPET.payloads.Contact {
  return {
    id: idOf(contact.userName),
    gender: genderOf(contact.sex),
    type: contactTypeOf(contact),
    name: contact.nickName,
    avatar: contact.headImgUrl,
    alias: contact.remarkName,
    city: contact.city,
    province: contact.province,
    signature: contact.signature,
    star: contact.starred,
    friend: contact.kind === 'friend' || contact.kind === 'official',
    ...(contact.alias ? { handle: contact.alias, weixin: contact.alias } : {}),
    phone: [],
  };
}

/** A room: its topic, members, and the owner when it is the logged-in user (the web tells no other). */
export function roomPayloadOf(room: Room, idOf: IdOf, selfUserName: string): PUPPET.payloads.Room {
  return {
    id: idOf(room.userName),
    topic: room.topic,
    avatar: room.headImgUrl,
    memberIdList: room.members.map((m) => idOf(m.userName)),
    ...(room.isOwner && selfUserName ? { ownerId: idOf(selfUserName) } : {}),
    adminIdList: [],
  };
}

/** A room member: `roomAlias` is the group display name. */
export function roomMemberPayloadOf(member: RoomMemberView, idOf: IdOf): PUPPET.payloads.RoomMember {
  return {
    id: idOf(member.userName),
    name: member.nickName || member.contact?.nickName || member.name,
    roomAlias: member.displayName,
    avatar: member.contact?.headImgUrl ?? '',
  };
}

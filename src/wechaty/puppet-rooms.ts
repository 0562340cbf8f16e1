/**
 * PuppetWebwx's rooms: list, payload, create, add, del, topic, quit, avatar, members and their
 * payloads, and the room invitations that arrive as link messages. Announcements, room QR codes and
 * accepting an invitation are not in the Web protocol: Wechaty's unsupported error.
 */

import type { FileBoxInterface } from 'file-box';
import type * as PUPPET from 'wechaty-puppet';
import { throwUnsupportedError } from 'wechaty-puppet';
import type { RoomMemberView } from '../client/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { Message, Room } from '../model/index.js';
import { roomMemberPayloadOf, roomPayloadOf } from './contact-payloads.js';
import { fileBoxFromFile } from './file-boxes.js';
import { PuppetWebwxContacts } from './puppet-contacts.js';

function idList(contactId: string | string[]): string[] {
  return Array.isArray(contactId) ? contactId : [contactId];
}

export abstract class PuppetWebwxRooms extends PuppetWebwxContacts {
  /** The ids of every room the session knows (`client.contacts.rooms()`). */
  override async roomList(): Promise<string[]> {
    return this.requireClient('roomList')
      .contacts.rooms()
      .map((r) => this.ids.idOf(r.userName));
  }

  /** The webwx {@link Room} behind an id, with its members. */
  override async roomRawPayload(roomId: string): Promise<Room> {
    const room = this.ids.roomOf(roomId);
    if (!room) throw new InvalidArgumentError('PuppetWebwx', `PuppetWebwx: no room with id ${roomId}`);
    return room;
  }

  /** Wechaty's room payload of a webwx room; the owner is known only when it is the logged-in user. */
  override async roomRawPayloadParser(room: Room): Promise<PUPPET.payloads.Room> {
    return roomPayloadOf(room, (u) => this.ids.idOf(u), this.selfUserName);
  }

  /** Creates a room with these contacts (`client.rooms.create`, webwxcreatechatroom) and answers its id. */
  override async roomCreate(contactIdList: string[], topic?: string): Promise<string> {
    const client = this.requireClient('roomCreate');
    const room = await client.rooms.create(
      contactIdList.map((id) => this.ids.userNameOf(id)),
      topic,
    );
    return this.ids.idOf(room.userName);
  }

  /**
   * Adds contacts to a room (`client.rooms.add`: webwxupdatechatroom addmember, or invitemember in
   * a large room).
   */
  override async roomAdd(roomId: string, contactId: string | string[], _inviteOnly?: boolean): Promise<void> {
    const client = this.requireClient('roomAdd');
    await client.rooms.add(
      this.ids.userNameOf(roomId),
      idList(contactId).map((id) => this.ids.userNameOf(id)),
    );
    await this.#dirty(roomId);
  }

  /**
   * Removes members from a room (`client.rooms.remove`, webwxupdatechatroom delmember); only the owner
   * can.
   */
  override async roomDel(roomId: string, contactId: string | string[]): Promise<void> {
    const client = this.requireClient('roomDel');
    await client.rooms.remove(
      this.ids.userNameOf(roomId),
      idList(contactId).map((id) => this.ids.userNameOf(id)),
    );
    await this.#dirty(roomId);
  }

  /** The room's topic. */
  override roomTopic(roomId: string): Promise<string>;
  /** Renames the room (`client.rooms.rename`, webwxupdatechatroom modtopic). */
  override roomTopic(roomId: string, topic: string): Promise<void>;
  override async roomTopic(roomId: string, topic?: string): Promise<unknown> {
    if (topic === undefined) return (await this.roomRawPayload(roomId)).topic;
    await this.requireClient('roomTopic').rooms.rename(this.ids.userNameOf(roomId), topic);
    await this.#dirty(roomId);
  }

  /** Leaves the room (`client.rooms.quit`, webwxupdatechatroom quitchatroom). */
  override async roomQuit(roomId: string): Promise<void> {
    await this.requireClient('roomQuit').rooms.quit(this.ids.userNameOf(roomId));
    await this.#dirty(roomId);
  }

  /** The room's avatar as a FileBox (`client.downloadAvatar`, webwxgetheadimg). */
  override async roomAvatar(roomId: string): Promise<FileBoxInterface> {
    const client = this.requireClient('roomAvatar');
    const userName = this.ids.userNameOf(roomId);
    return fileBoxFromFile(
      (dir) => client.downloadAvatar(userName, { dir, fileName: 'room-avatar' }),
      'room-avatar',
    );
  }

  /** Room announcements are not in the Web protocol: throws Wechaty's unsupported error. */
  override roomAnnounce(roomId: string): Promise<string>;
  /** Room announcements are not in the Web protocol: throws Wechaty's unsupported error. */
  override roomAnnounce(roomId: string, text: string): Promise<void>;
  override async roomAnnounce(_roomId: string, _text?: string): Promise<unknown> {
    return throwUnsupportedError('roomAnnounce');
  }

  /** Room QR codes are not in the Web protocol: throws Wechaty's unsupported error. */
  override async roomQRCode(_roomId: string): Promise<string> {
    return throwUnsupportedError('roomQRCode');
  }

  /** The ids of the room's members. */
  override async roomMemberList(roomId: string): Promise<string[]> {
    const room = await this.roomRawPayload(roomId);
    return room.members.map((m) => this.ids.idOf(m.userName));
  }

  /** A member of the room as `client.contacts.members()` lists it, with the group display name. */
  override async roomMemberRawPayload(roomId: string, contactId: string): Promise<RoomMemberView> {
    const client = this.requireClient('roomMemberRawPayload');
    const userName = this.ids.userNameOf(contactId);
    const member = client.contacts.members(this.ids.userNameOf(roomId)).find((m) => m.userName === userName);
    if (!member)
      throw new InvalidArgumentError(
        'PuppetWebwx',
        `PuppetWebwx: ${contactId} is not a member of room ${roomId}`,
      );
    return member;
  }

  /** Wechaty's room member payload, with the group display name as `roomAlias`. */
  override async roomMemberRawPayloadParser(member: RoomMemberView): Promise<PUPPET.payloads.RoomMember> {
    return roomMemberPayloadOf(member, (u) => this.ids.idOf(u));
  }

  /**
   * The group invitation card (a link message) a `room-invite` event announced (the last 1,000 are
   * kept).
   */
  override async roomInvitationRawPayload(roomInvitationId: string): Promise<Message & { kind: 'link' }> {
    const message = this.invitations.get(roomInvitationId);
    if (!message)
      throw new InvalidArgumentError(
        'PuppetWebwx',
        `PuppetWebwx: no room invitation with id ${roomInvitationId}`,
      );
    return message;
  }

  /**
   * Wechaty's room invitation payload: the inviter, the topic, and the card's URL as the invitation;
   * the member count and list are not on the card.
   */
  override async roomInvitationRawPayloadParser(
    message: Message & { kind: 'link' },
  ): Promise<PUPPET.payloads.RoomInvitation> {
    return {
      id: message.id,
      inviterId: this.ids.idOf(message.sender.userName),
      topic: message.roomInvitation?.topic ?? '',
      avatar: message.thumbUrl,
      invitation: message.url,
      memberCount: 0,
      memberIdList: [],
      timestamp: message.createTime * 1000,
      receiverId: this.ids.idOf(this.selfUserName),
    };
  }

  /** Accepting means opening the invitation's page in WeChat itself: not in the Web protocol. */
  override async roomInvitationAccept(_roomInvitationId: string): Promise<void> {
    return throwUnsupportedError('roomInvitationAccept');
  }

  async #dirty(roomId: string): Promise<void> {
    await this.roomPayloadDirty(roomId);
    await this.roomMemberPayloadDirty(roomId);
  }
}

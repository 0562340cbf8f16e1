/**
 * PuppetWebwx's rooms: list, payload, create, add, del, topic, quit, avatar, members and their
 * payloads, and the room invitations that arrive as link messages. Announcements, room QR codes and
 * accepting an invitation are not in the Web protocol: Wechaty's unsupported error.
 */
import type { FileBoxInterface } from 'file-box';
import type * as PUPPET from 'wechaty-puppet';
import { throwUnsupportedError } from 'wechaty-puppet';
import type { RoomMemberView } from '../client/index.js';
import type { Message, Room } from '../model/index.js';
import { roomMemberPayloadOf, roomPayloadOf } from './contact-payloads.js';
import { fileBoxFromFile } from './file-boxes.js';
import { PuppetWebwxContacts } from './puppet-contacts.js';

function idList(contactId: string | string[]): string[] {
  return Array.isArray(contactId) ? contactId : [contactId];
}

export abstract class PuppetWebwxRooms extends PuppetWebwxContacts {
  override async roomList(): Promise<string[]> {
    return this.requireClient('roomList')
      .contacts.rooms()
      .map((r) => this.ids.idOf(r.userName));
  }

  override async roomRawPayload(roomId: string): Promise<Room> {
    const room = this.ids.roomOf(roomId);
    if (!room) throw new TypeError(`PuppetWebwx: no room with id ${roomId}`);
    return room;
  }

  override async roomRawPayloadParser(room: Room): Promise<PUPPET.payloads.Room> {
    return roomPayloadOf(room, (u) => this.ids.idOf(u), this.selfUserName);
  }

  override async roomCreate(contactIdList: string[], topic?: string): Promise<string> {
    const client = this.requireClient('roomCreate');
    const room = await client.rooms.create(
      contactIdList.map((id) => this.ids.userNameOf(id)),
      topic,
    );
    return this.ids.idOf(room.userName);
  }

  override async roomAdd(roomId: string, contactId: string | string[], _inviteOnly?: boolean): Promise<void> {
    const client = this.requireClient('roomAdd');
    await client.rooms.add(
      this.ids.userNameOf(roomId),
      idList(contactId).map((id) => this.ids.userNameOf(id)),
    );
    await this.#dirty(roomId);
  }

  override async roomDel(roomId: string, contactId: string | string[]): Promise<void> {
    const client = this.requireClient('roomDel');
    await client.rooms.remove(
      this.ids.userNameOf(roomId),
      idList(contactId).map((id) => this.ids.userNameOf(id)),
    );
    await this.#dirty(roomId);
  }

  override roomTopic(roomId: string): Promise<string>;
  override roomTopic(roomId: string, topic: string): Promise<void>;
  override async roomTopic(roomId: string, topic?: string): Promise<unknown> {
    if (topic === undefined) return (await this.roomRawPayload(roomId)).topic;
    await this.requireClient('roomTopic').rooms.rename(this.ids.userNameOf(roomId), topic);
    await this.#dirty(roomId);
  }

  override async roomQuit(roomId: string): Promise<void> {
    await this.requireClient('roomQuit').rooms.quit(this.ids.userNameOf(roomId));
    await this.#dirty(roomId);
  }

  override async roomAvatar(roomId: string): Promise<FileBoxInterface> {
    const client = this.requireClient('roomAvatar');
    const userName = this.ids.userNameOf(roomId);
    return fileBoxFromFile(
      (dir) => client.downloadAvatar(userName, { dir, fileName: 'room-avatar' }),
      'room-avatar',
    );
  }

  override roomAnnounce(roomId: string): Promise<string>;
  override roomAnnounce(roomId: string, text: string): Promise<void>;
  override async roomAnnounce(_roomId: string, _text?: string): Promise<unknown> {
    return throwUnsupportedError('roomAnnounce');
  }

  override async roomQRCode(_roomId: string): Promise<string> {
    return throwUnsupportedError('roomQRCode');
  }

  override async roomMemberList(roomId: string): Promise<string[]> {
    const room = await this.roomRawPayload(roomId);
    return room.members.map((m) => this.ids.idOf(m.userName));
  }

  override async roomMemberRawPayload(roomId: string, contactId: string): Promise<RoomMemberView> {
    const client = this.requireClient('roomMemberRawPayload');
    const userName = this.ids.userNameOf(contactId);
    const member = client.contacts.members(this.ids.userNameOf(roomId)).find((m) => m.userName === userName);
    if (!member) throw new TypeError(`PuppetWebwx: ${contactId} is not a member of room ${roomId}`);
    return member;
  }

  override async roomMemberRawPayloadParser(member: RoomMemberView): Promise<PUPPET.payloads.RoomMember> {
    return roomMemberPayloadOf(member, (u) => this.ids.idOf(u));
  }

  override async roomInvitationRawPayload(roomInvitationId: string): Promise<Message & { kind: 'link' }> {
    const message = this.invitations.get(roomInvitationId);
    if (!message) throw new TypeError(`PuppetWebwx: no room invitation with id ${roomInvitationId}`);
    return message;
  }

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

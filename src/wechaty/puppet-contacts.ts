/**
 * PuppetWebwx's contacts (list, payload, alias = remark name, avatar) and friendships (the friendship
 * event's payloads, accept, add). What the Web protocol cannot do (own name, signature and QR code,
 * phone numbers, corporation remarks, descriptions, tags, search by phone or WeChat ID) throws
 * Wechaty's unsupported error.
 */

import type { FileBoxInterface } from 'file-box';
import type * as PUPPET from 'wechaty-puppet';
import { throwUnsupportedError, types } from 'wechaty-puppet';
import { InvalidArgumentError } from '../errors.js';
import type { Contact } from '../model/index.js';
import { contactPayloadOf } from './contact-payloads.js';
import { fileBoxFromFile } from './file-boxes.js';
import type { FriendshipRecord } from './incoming-records.js';
import { PuppetWebwxBase } from './puppet-base.js';

export abstract class PuppetWebwxContacts extends PuppetWebwxBase {
  /** The ids of every contact the session knows (`client.contacts.list()`) and the logged-in user's. */
  override async contactList(): Promise<string[]> {
    const client = this.requireClient('contactList');
    const ids = client.contacts.list().map((c) => this.ids.idOf(c.userName));
    const self = client.self;
    if (self && !ids.includes(this.ids.idOf(self.userName))) ids.push(this.ids.idOf(self.userName));
    return ids;
  }

  /**
   * The webwx {@link Contact} behind an id: the address book, the logged-in user, a room member, or a
   * stranger met on a card or a friend request.
   */
  override async contactRawPayload(contactId: string): Promise<Contact> {
    const contact = this.ids.contactOf(contactId);
    if (!contact)
      throw new InvalidArgumentError('PuppetWebwx', `PuppetWebwx: no contact with id ${contactId}`);
    return contact;
  }

  /** Wechaty's contact payload of a webwx contact, with the remark name as its alias. */
  override async contactRawPayloadParser(contact: Contact): Promise<PUPPET.payloads.Contact> {
    return contactPayloadOf(contact, (u) => this.ids.idOf(u));
  }

  /** The contact's remark name ('' when none). */
  override contactAlias(contactId: string): Promise<string>;
  /** Sets the contact's remark name (`client.contacts.setRemark`, webwxoplog); `null` clears it. */
  override contactAlias(contactId: string, alias: string | null): Promise<void>;
  override async contactAlias(contactId: string, alias?: string | null): Promise<unknown> {
    if (alias === undefined) return (await this.contactRawPayload(contactId)).remarkName;
    const client = this.requireClient('contactAlias');
    await client.contacts.setRemark(this.ids.userNameOf(contactId), alias ?? '');
    await this.contactPayloadDirty(contactId);
  }

  /** The contact's avatar as a FileBox (`client.downloadAvatar`, webwxgeticon). */
  override contactAvatar(contactId: string): Promise<FileBoxInterface>;
  /** Setting an avatar is not in the Web protocol: throws Wechaty's unsupported error. */
  override contactAvatar(contactId: string, file: FileBoxInterface): Promise<void>;
  override async contactAvatar(contactId: string, file?: FileBoxInterface): Promise<unknown> {
    if (file) return throwUnsupportedError('contactAvatar(id, file): the Web protocol cannot set an avatar');
    const client = this.requireClient('contactAvatar');
    const userName = this.ids.userNameOf(contactId);
    return fileBoxFromFile((dir) => client.downloadAvatar(userName, { dir, fileName: 'avatar' }), 'avatar');
  }

  /** Renaming the logged-in user is not in the Web protocol: throws Wechaty's unsupported error. */
  override async contactSelfName(_name: string): Promise<void> {
    return throwUnsupportedError('contactSelfName');
  }

  /**
   * Setting the logged-in user's signature is not in the Web protocol: throws Wechaty's unsupported
   * error.
   */
  override async contactSelfSignature(_signature: string): Promise<void> {
    return throwUnsupportedError('contactSelfSignature');
  }

  /** The logged-in user's QR code is not in the Web protocol: throws Wechaty's unsupported error. */
  override async contactSelfQRCode(): Promise<string> {
    return throwUnsupportedError('contactSelfQRCode');
  }

  /** Phone numbers are not in the Web protocol: throws Wechaty's unsupported error. */
  override async contactPhone(_contactId: string, _phoneList: string[]): Promise<void> {
    return throwUnsupportedError('contactPhone');
  }

  /** Corporation remarks are not in the Web protocol: throws Wechaty's unsupported error. */
  override async contactCorporationRemark(_contactId: string, _remark: string | null): Promise<void> {
    return throwUnsupportedError('contactCorporationRemark');
  }

  /** Contact descriptions are not in the Web protocol: throws Wechaty's unsupported error. */
  override async contactDescription(_contactId: string, _description: string | null): Promise<void> {
    return throwUnsupportedError('contactDescription');
  }

  /** The friend request or confirmation a `friendship` event announced (the last 1,000 are kept). */
  override async friendshipRawPayload(friendshipId: string): Promise<FriendshipRecord> {
    const record = this.friendships.get(friendshipId);
    if (!record)
      throw new InvalidArgumentError('PuppetWebwx', `PuppetWebwx: no friendship with id ${friendshipId}`);
    return record;
  }

  /** Wechaty's friendship payload: `Receive` with the hello, ticket and scene of a request, or `Confirm`. */
  override async friendshipRawPayloadParser(record: FriendshipRecord): Promise<PUPPET.payloads.Friendship> {
    if (record.type === 'confirm') {
      return {
        id: record.id,
        contactId: this.ids.idOf(record.userName),
        timestamp: record.timestamp,
        type: types.Friendship.Confirm,
      };
    }
    const { message } = record;
    return {
      id: message.id,
      contactId: this.ids.idOf(message.contact.userName),
      hello: message.greeting,
      ticket: message.ticket,
      scene: message.contact.scene as PUPPET.types.FriendshipScene,
      stranger: message.contact.id,
      timestamp: message.createTime * 1000,
      type: types.Friendship.Receive,
    };
  }

  /** Accepts a received friend request (`client.contacts.acceptFriendRequest`, webwxverifyuser). */
  override async friendshipAccept(friendshipId: string): Promise<void> {
    const record = await this.friendshipRawPayload(friendshipId);
    if (record.type !== 'receive')
      throw new InvalidArgumentError(
        'PuppetWebwx',
        `PuppetWebwx: friendship ${friendshipId} is not a request`,
      );
    await this.requireClient('friendshipAccept').contacts.acceptFriendRequest(record.message);
  }

  /**
   * Sends a friend request (`client.contacts.sendFriendRequest`, webwxverifyuser); without a hello the
   * greeting is "我是<own nickname>".
   */
  override async friendshipAdd(contactId: string, option?: PUPPET.types.FriendshipAddOptions): Promise<void> {
    const hello = typeof option === 'string' ? option : option?.hello;
    const client = this.requireClient('friendshipAdd');
    await client.contacts.sendFriendRequest(this.ids.userNameOf(contactId), hello);
  }

  /** Search by phone number is not in the Web protocol: throws Wechaty's unsupported error. */
  override async friendshipSearchPhone(_phone: string): Promise<string | null> {
    return throwUnsupportedError('friendshipSearchPhone');
  }

  /** Search by WeChat ID is not in the Web protocol: throws Wechaty's unsupported error. */
  override async friendshipSearchHandle(_handle: string): Promise<string | null> {
    return throwUnsupportedError('friendshipSearchHandle');
  }

  /** Tags are not in the Web protocol: throws Wechaty's unsupported error. */
  override async tagContactAdd(_tagId: string, _contactId: string): Promise<void> {
    return throwUnsupportedError('tagContactAdd');
  }

  /** Tags are not in the Web protocol: throws Wechaty's unsupported error. */
  override async tagContactRemove(_tagId: string, _contactId: string): Promise<void> {
    return throwUnsupportedError('tagContactRemove');
  }

  /** Tags are not in the Web protocol: throws Wechaty's unsupported error. */
  override async tagContactDelete(_tagId: string): Promise<void> {
    return throwUnsupportedError('tagContactDelete');
  }

  /** Tags are not in the Web protocol: throws Wechaty's unsupported error. */
  override tagContactList(contactId: string): Promise<string[]>;
  /** Tags are not in the Web protocol: throws Wechaty's unsupported error. */
  override tagContactList(): Promise<string[]>;
  override async tagContactList(_contactId?: string): Promise<string[]> {
    return throwUnsupportedError('tagContactList');
  }
}

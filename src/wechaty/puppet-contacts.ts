/**
 * PuppetWebwx's contacts (list, payload, alias = remark name, avatar) and friendships (the friendship
 * event's payloads, accept, add). What the Web protocol cannot do (own name, signature and QR code,
 * phone numbers, corporation remarks, descriptions, tags, search by phone or WeChat ID) throws
 * Wechaty's unsupported error.
 */
import type { FileBoxInterface } from 'file-box';
import type * as PUPPET from 'wechaty-puppet';
import { throwUnsupportedError, types } from 'wechaty-puppet';
import type { Contact } from '../model/index.js';
import { contactPayloadOf } from './contact-payloads.js';
import { fileBoxFromFile } from './file-boxes.js';
import { type FriendshipRecord, PuppetWebwxBase } from './puppet-base.js';

export abstract class PuppetWebwxContacts extends PuppetWebwxBase {
  override async contactList(): Promise<string[]> {
    const client = this.requireClient('contactList');
    const ids = client.contacts.list().map((c) => this.ids.idOf(c.userName));
    const self = client.self;
    if (self && !ids.includes(this.ids.idOf(self.userName))) ids.push(this.ids.idOf(self.userName));
    return ids;
  }

  override async contactRawPayload(contactId: string): Promise<Contact> {
    const contact = this.ids.contactOf(contactId);
    if (!contact) throw new TypeError(`PuppetWebwx: no contact with id ${contactId}`);
    return contact;
  }

  override async contactRawPayloadParser(contact: Contact): Promise<PUPPET.payloads.Contact> {
    return contactPayloadOf(contact, (u) => this.ids.idOf(u));
  }

  override contactAlias(contactId: string): Promise<string>;
  override contactAlias(contactId: string, alias: string | null): Promise<void>;
  override async contactAlias(contactId: string, alias?: string | null): Promise<unknown> {
    if (alias === undefined) return (await this.contactRawPayload(contactId)).remarkName;
    const client = this.requireClient('contactAlias');
    await client.contacts.setRemark(this.ids.userNameOf(contactId), alias ?? '');
    await this.contactPayloadDirty(contactId);
  }

  override contactAvatar(contactId: string): Promise<FileBoxInterface>;
  override contactAvatar(contactId: string, file: FileBoxInterface): Promise<void>;
  override async contactAvatar(contactId: string, file?: FileBoxInterface): Promise<unknown> {
    if (file) return throwUnsupportedError('contactAvatar(id, file): the Web protocol cannot set an avatar');
    const client = this.requireClient('contactAvatar');
    const userName = this.ids.userNameOf(contactId);
    return fileBoxFromFile((dir) => client.downloadAvatar(userName, { dir, fileName: 'avatar' }), 'avatar');
  }

  override async contactSelfName(_name: string): Promise<void> {
    return throwUnsupportedError('contactSelfName');
  }

  override async contactSelfSignature(_signature: string): Promise<void> {
    return throwUnsupportedError('contactSelfSignature');
  }

  override async contactSelfQRCode(): Promise<string> {
    return throwUnsupportedError('contactSelfQRCode');
  }

  override async contactPhone(_contactId: string, _phoneList: string[]): Promise<void> {
    return throwUnsupportedError('contactPhone');
  }

  override async contactCorporationRemark(_contactId: string, _remark: string | null): Promise<void> {
    return throwUnsupportedError('contactCorporationRemark');
  }

  override async contactDescription(_contactId: string, _description: string | null): Promise<void> {
    return throwUnsupportedError('contactDescription');
  }

  override async friendshipRawPayload(friendshipId: string): Promise<FriendshipRecord> {
    const record = this.friendships.get(friendshipId);
    if (!record) throw new TypeError(`PuppetWebwx: no friendship with id ${friendshipId}`);
    return record;
  }

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

  override async friendshipAccept(friendshipId: string): Promise<void> {
    const record = await this.friendshipRawPayload(friendshipId);
    if (record.type !== 'receive')
      throw new TypeError(`PuppetWebwx: friendship ${friendshipId} is not a request`);
    await this.requireClient('friendshipAccept').contacts.acceptFriendRequest(record.message);
  }

  override async friendshipAdd(contactId: string, option?: PUPPET.types.FriendshipAddOptions): Promise<void> {
    const hello = typeof option === 'string' ? option : option?.hello;
    const client = this.requireClient('friendshipAdd');
    await client.contacts.sendFriendRequest(this.ids.userNameOf(contactId), hello);
  }

  override async friendshipSearchPhone(_phone: string): Promise<string | null> {
    return throwUnsupportedError('friendshipSearchPhone');
  }

  override async friendshipSearchHandle(_handle: string): Promise<string | null> {
    return throwUnsupportedError('friendshipSearchHandle');
  }

  override async tagContactAdd(_tagId: string, _contactId: string): Promise<void> {
    return throwUnsupportedError('tagContactAdd');
  }

  override async tagContactRemove(_tagId: string, _contactId: string): Promise<void> {
    return throwUnsupportedError('tagContactRemove');
  }

  override async tagContactDelete(_tagId: string): Promise<void> {
    return throwUnsupportedError('tagContactDelete');
  }

  override tagContactList(contactId: string): Promise<string[]>;
  override tagContactList(): Promise<string[]>;
  override async tagContactList(_contactId?: string): Promise<string[]> {
    return throwUnsupportedError('tagContactList');
  }
}

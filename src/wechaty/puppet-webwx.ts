/**
 * PuppetWebwx: a Wechaty puppet on webwx (docs/wechaty.md). This file holds the messages: payloads of
 * every kind webwx decodes, their files, images, links, mini programs, locations and cards; sending
 * text (with @-mentions), files, images, videos, link cards, mini programs and contact cards; forward,
 * recall and mark read. Sends the Web protocol cannot make (locations), and Moments (posts, taps),
 * throw Wechaty's unsupported error.
 */
import type { FileBoxInterface } from 'file-box';
import type * as PUPPET from 'wechaty-puppet';
import { throwUnsupportedError, types } from 'wechaty-puppet';
import { InvalidArgumentError, ProtocolError } from '../errors.js';
import { APP_MSG_TYPE, type Message } from '../model/index.js';
import { fileBoxFromDownload, mediaInputOf, sendMethodOf } from './file-boxes.js';
import {
  fileNameOf,
  locationOf,
  miniProgramCardOf,
  miniProgramOf,
  type RawMessage,
  receivedPayloadOf,
  type SentRecord,
  sentPayloadOf,
  urlLinkOf,
} from './message-payloads.js';
import type { PuppetWebwxOptions } from './puppet-options.js';
import { PuppetWebwxRooms } from './puppet-rooms.js';

/**
 * A Wechaty puppet on webwx: `WechatyBuilder.build({ puppet: new PuppetWebwx({ dataDir }) })`.
 * Contact and room ids are webwx's stable ids, so they survive re-logins; the session is kept in the
 * store, so a restart needs no scan.
 */
export class PuppetWebwx extends PuppetWebwxRooms {
  /**
   * Resolves the options (a TypeError for `dataDir` with `store`, or an unknown `app`); nothing connects
   * before Wechaty starts the puppet.
   */
  constructor(options: PuppetWebwxOptions = {}) {
    super(options);
  }

  /**
   * The message as the puppet keeps it: the webwx {@link Message} received, or the record of one it
   * sent. Only the last 5,000 are kept; an older id throws a TypeError.
   */
  override async messageRawPayload(messageId: string): Promise<RawMessage> {
    const raw = this.messages.get(messageId);
    if (!raw)
      throw new InvalidArgumentError(
        'PuppetWebwx',
        `PuppetWebwx: no message with id ${messageId} (only recent messages are kept)`,
      );
    return raw;
  }

  /**
   * Wechaty's message payload: the webwx message kind as a Wechaty message type (docs/wechaty.md), with
   * the talker, the room or listener and the mentions as Wechaty ids.
   */
  override async messageRawPayloadParser(raw: RawMessage): Promise<PUPPET.payloads.Message> {
    if (raw.source === 'out') return sentPayloadOf(raw.sent);
    return receivedPayloadOf(raw.message, {
      idOf: (u) => this.ids.idOf(u),
      selfUserName: this.selfUserName,
      memberByName: (room, name) => this.roomNames.memberByName(room, name),
    });
  }

  /** A received message, or a TypeError naming what was expected. */
  async #received(messageId: string, what: string): Promise<Message> {
    const raw = await this.messageRawPayload(messageId);
    if (raw.source !== 'in')
      throw new InvalidArgumentError(
        'PuppetWebwx',
        `PuppetWebwx: message ${messageId} was sent here, not received`,
      );
    if (what !== '' && !(what.split('|') as string[]).includes(raw.message.kind)) {
      throw new InvalidArgumentError(
        'PuppetWebwx',
        `PuppetWebwx: message ${messageId} is a ${raw.message.kind}, not a ${what}`,
      );
    }
    return raw.message;
  }

  /** The id of the contact a card message carries. */
  override async messageContact(messageId: string): Promise<string> {
    const message = await this.#received(messageId, 'card');
    if (message.kind !== 'card') throw new InvalidArgumentError('', 'unreachable');
    return this.ids.idOf(message.card.userName || message.card.id);
  }

  /**
   * The media of an image, voice, video, emoticon or file message as a FileBox (`client.downloadStream`):
   * in memory up to 20 MiB, a stream beyond.
   */
  override async messageFile(messageId: string): Promise<FileBoxInterface> {
    const message = await this.#received(messageId, 'image|voice|video|emoticon|file');
    const client = this.requireClient('messageFile');
    return fileBoxFromDownload(await client.downloadStream(message), fileNameOf(message) ?? message.id);
  }

  /**
   * An image, emoticon or video message's picture as a FileBox (`client.downloadStream`): the thumbnail
   * for `Image.Thumbnail` and for videos, else the full image.
   */
  override async messageImage(messageId: string, imageType: PUPPET.types.Image): Promise<FileBoxInterface> {
    const message = await this.#received(messageId, 'image|emoticon|video');
    const client = this.requireClient('messageImage');
    const thumbnail = imageType === types.Image.Thumbnail || message.kind === 'video';
    const name = thumbnail ? `${message.id}-thumbnail` : (fileNameOf(message) ?? message.id);
    return fileBoxFromDownload(await client.downloadStream(message, { thumbnail }), name);
  }

  /** The link (title, URL, description, thumbnail) of a link, music or app message. */
  override async messageUrl(messageId: string): Promise<PUPPET.payloads.UrlLink> {
    const link = urlLinkOf(await this.#received(messageId, 'link|music|app'));
    if (!link)
      throw new InvalidArgumentError('PuppetWebwx', `PuppetWebwx: message ${messageId} carries no link`);
    return link;
  }

  /** The mini program a mini-program message carries. */
  override async messageMiniProgram(messageId: string): Promise<PUPPET.payloads.MiniProgram> {
    const program = miniProgramOf(await this.#received(messageId, 'mini-program'));
    if (!program)
      throw new InvalidArgumentError(
        'PuppetWebwx',
        `PuppetWebwx: message ${messageId} carries no mini program`,
      );
    return program;
  }

  /** The place a location message carries (name, address, latitude, longitude). */
  override async messageLocation(messageId: string): Promise<PUPPET.payloads.Location> {
    const place = locationOf(await this.#received(messageId, 'location'));
    if (!place)
      throw new InvalidArgumentError('PuppetWebwx', `PuppetWebwx: message ${messageId} carries no location`);
    return place;
  }

  #record(
    conversationId: string,
    toUserName: string,
    sent: Omit<SentRecord, 'talkerId' | 'conversationId' | 'isRoom' | 'toUserName' | 'timestamp'>,
  ): string {
    const record: SentRecord = {
      ...sent,
      toUserName,
      conversationId,
      isRoom: toUserName.startsWith('@@') || toUserName.endsWith('@chatroom'),
      talkerId: this.ids.idOf(this.selfUserName),
      timestamp: Date.now(),
    };
    this.messages.set(record.msgId, { source: 'out', sent: record });
    return record.msgId;
  }

  /**
   * Sends a text (`client.sendText`). In a room, the mentioned members go as `client.sendText`'s
   * `mentions`: each `@name` (group display name, else remark, else nickname) is followed by U+2005 as
   * the phone writes it, and put in front when the text lacks it. Ids that are not members are dropped.
   */
  override async messageSendText(
    conversationId: string,
    text: string,
    mentionIdList?: string[],
  ): Promise<string> {
    const client = this.requireClient('messageSendText');
    const to = this.ids.userNameOf(conversationId);
    const members = to.startsWith('@@')
      ? new Set(client.contacts.members(to).map((m) => m.userName))
      : undefined;
    const mentions = (members ? (mentionIdList ?? []) : []).filter((id) =>
      members?.has(this.ids.userNameOf(id)),
    );
    const sent = await client.sendText(
      to,
      text,
      mentions.length > 0 ? { mentions: mentions.map((id) => this.ids.userNameOf(id)) } : {},
    );
    const body = sent.text ?? text;
    return this.#record(conversationId, to, {
      msgId: sent.msgId,
      localId: sent.localId,
      kind: 'text',
      text: body,
      fileName: '',
      mentionIdList: mentions,
    });
  }

  /**
   * Sends a FileBox by its file name's extension: an image (`client.sendImage`), an .mp4 video
   * (`client.sendVideo`), else a file (`client.sendFile`).
   */
  override async messageSendFile(conversationId: string, file: FileBoxInterface): Promise<string> {
    const client = this.requireClient('messageSendFile');
    const to = this.ids.userNameOf(conversationId);
    const { input, options } = await mediaInputOf(file);
    const fileName = options.fileName ?? file.name;
    const sent = await client[sendMethodOf(fileName)](to, input, options);
    return this.#record(conversationId, to, {
      msgId: sent.msgId,
      localId: sent.localId,
      kind: sent.kind,
      text: '',
      fileName,
      mentionIdList: [],
    });
  }

  /**
   * Shares a contact as a card (`client.sendContactCard`: MsgType 42 by webwxsendmsg); the contact is
   * a Wechaty contact id. Whether the real server relays a card sent from the web is unverified
   * (docs/messages.md).
   */
  override async messageSendContact(conversationId: string, contactId: string): Promise<string> {
    const client = this.requireClient('messageSendContact');
    const to = this.ids.userNameOf(conversationId);
    const userName = this.ids.userNameOf(contactId);
    const sent = await client.sendContactCard(to, userName);
    return this.#record(conversationId, to, {
      msgId: sent.msgId,
      localId: sent.localId,
      kind: sent.kind,
      text: client.contacts.get(userName)?.nickName ?? '',
      fileName: '',
      mentionIdList: [],
    });
  }

  /**
   * Sends a link card (`client.sendLink`: appmsg type 5 with the title, description, URL and
   * thumbnail URL). InvalidArgumentError on a URL that is not http(s).
   */
  override async messageSendUrl(conversationId: string, url: PUPPET.payloads.UrlLink): Promise<string> {
    const client = this.requireClient('messageSendUrl');
    const to = this.ids.userNameOf(conversationId);
    const sent = await client.sendLink(to, {
      title: url.title,
      url: url.url,
      ...(url.description ? { description: url.description } : {}),
      ...(url.thumbnailUrl ? { thumbUrl: url.thumbnailUrl } : {}),
    });
    return this.#record(conversationId, to, {
      msgId: sent.msgId,
      localId: sent.localId,
      kind: sent.kind,
      text: url.title,
      fileName: '',
      mentionIdList: [],
    });
  }

  /**
   * Sends a mini program (`client.sendMiniProgram`: appmsg type 33 with the app id, the `gh_…@app`
   * user name, the page path and the icon). A thumbnail or icon that is not an http(s) URL (another
   * protocol's CDN id) is left out. InvalidArgumentError without a title or a name. Whether the real server
   * relays it from the web is unverified (docs/messages.md).
   */
  override async messageSendMiniProgram(
    conversationId: string,
    miniProgram: PUPPET.payloads.MiniProgram,
  ): Promise<string> {
    const client = this.requireClient('messageSendMiniProgram');
    const to = this.ids.userNameOf(conversationId);
    const sent = await client.sendMiniProgram(to, miniProgramCardOf(miniProgram));
    return this.#record(conversationId, to, {
      msgId: sent.msgId,
      localId: sent.localId,
      kind: sent.kind,
      appMsgType: APP_MSG_TYPE.miniProgram,
      text: miniProgram.title ?? '',
      fileName: '',
      mentionIdList: [],
    });
  }

  /** The web page cannot send a location. */
  override async messageSendLocation(
    _conversationId: string,
    _location: PUPPET.payloads.Location,
  ): Promise<string> {
    return throwUnsupportedError('messageSendLocation');
  }

  /** Moments posts are not in the Web protocol: throws Wechaty's unsupported error. */
  override async messageSendPost(_conversationId: string, _post: PUPPET.payloads.Post): Promise<string> {
    return throwUnsupportedError('messageSendPost');
  }

  /**
   * Forwards a received message (`client.forward`), or sends again a text the puppet sent; other
   * messages the puppet sent cannot be forwarded.
   */
  override async messageForward(conversationId: string, messageId: string): Promise<string> {
    const client = this.requireClient('messageForward');
    const to = this.ids.userNameOf(conversationId);
    const raw = await this.messageRawPayload(messageId);
    if (raw.source === 'out') {
      if (raw.sent.kind !== 'text') {
        throw new InvalidArgumentError(
          'PuppetWebwx',
          'PuppetWebwx: only received messages and sent texts can be forwarded',
        );
      }
      return this.messageSendText(conversationId, raw.sent.text);
    }
    const sent = await client.forward(raw.message, to);
    return this.#record(conversationId, to, {
      msgId: sent.msgId,
      localId: sent.localId,
      kind: sent.kind,
      text: raw.message.text,
      fileName: fileNameOf(raw.message) ?? '',
      mentionIdList: [],
    });
  }

  /** Recalls a message this puppet sent (within two minutes); false for anything else or a refusal. */
  override async messageRecall(messageId: string): Promise<boolean> {
    const raw = this.messages.get(messageId);
    if (raw?.source !== 'out') return false;
    try {
      await this.requireClient('messageRecall').revoke(raw.sent);
      return true;
    } catch (error) {
      if (error instanceof ProtocolError) return false;
      throw error;
    }
  }

  /** Marks a chat read (webwxstatusnotify); marking it unread is not in the Web protocol. */
  override async conversationReadMark(conversationId: string, hasRead?: boolean): Promise<void> {
    if (hasRead === false) return throwUnsupportedError('conversationReadMark(id, false)');
    await this.requireClient('conversationReadMark').contacts.markRead(this.ids.userNameOf(conversationId));
  }

  /** Moments posts are not in the Web protocol: throws Wechaty's unsupported error. */
  override async postRawPayload(_postId: string): Promise<never> {
    return throwUnsupportedError('postRawPayload');
  }

  /** Moments posts are not in the Web protocol: throws Wechaty's unsupported error. */
  override async postRawPayloadParser(_raw: unknown): Promise<PUPPET.payloads.Post> {
    return throwUnsupportedError('postRawPayloadParser');
  }

  /** Moments posts are not in the Web protocol: throws Wechaty's unsupported error. */
  override async postPublish(_payload: PUPPET.payloads.Post): Promise<string> {
    return throwUnsupportedError('postPublish');
  }

  /** Moments posts are not in the Web protocol: throws Wechaty's unsupported error. */
  override async postSearch(
    _filter: PUPPET.filters.Post,
    _pagination?: PUPPET.filters.PaginationRequest,
  ): Promise<PUPPET.filters.PaginationResponse<string[]>> {
    return throwUnsupportedError('postSearch');
  }

  /** Taps (likes) on Moments posts are not in the Web protocol: throws Wechaty's unsupported error. */
  override async tap(_postId: string, _type?: PUPPET.types.Tap, _tap?: boolean): Promise<boolean> {
    return throwUnsupportedError('tap');
  }

  /** Taps (likes) on Moments posts are not in the Web protocol: throws Wechaty's unsupported error. */
  override async tapSearch(
    _postId: string,
    _query?: PUPPET.filters.Tap,
    _pagination?: PUPPET.filters.PaginationRequest,
  ): Promise<PUPPET.filters.PaginationResponse<PUPPET.payloads.Tap>> {
    return throwUnsupportedError('tapSearch');
  }
}

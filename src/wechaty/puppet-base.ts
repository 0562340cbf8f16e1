/**
 * The life cycle of PuppetWebwx: one webwx client per login (a new one after a logout), its events
 * turned into Wechaty's (scan with ScanStatus values, login, ready, logout, message, friendship,
 * room-join, room-leave, room-topic, room-invite, dirty, heartbeat), and what the method files share:
 * the id mapping and the messages, friend requests and invitations kept for their payloads
 * (incoming-records.ts).
 */
import { Puppet, types } from 'wechaty-puppet';
import { createClient, type RoomChange, type WebWxClient } from '../client/index.js';
import { InvalidStateError, ListenerError } from '../errors.js';
import { type Message, strangerFromMember } from '../model/index.js';
import { ContactIds } from './contact-ids.js';
import { type FriendshipRecord, RecentMap, recordIncoming } from './incoming-records.js';
import type { RawMessage } from './message-payloads.js';
import {
  type PuppetWebwxOptions,
  type ResolvedPuppetOptions,
  resolvePuppetOptions,
} from './puppet-options.js';
import {
  type RoomEventContext,
  roomJoinPayloadOf,
  roomLeavePayloadOf,
  roomTopicPayloadOf,
} from './room-events.js';
import { RoomNames } from './room-names.js';

/** Heartbeats feed Wechaty's watchdog (60 s by default) while a client runs. */
const HEARTBEAT_MS = 15_000;
/** Messages kept for their payloads (received and sent). */
const MAX_MESSAGES = 5000;
/**
 * How long a member list that lost members waits for the notice that explains it (a removal by the
 * user, or of the user); without one (a member quit, or another member removed them: the server tells
 * nobody else), each one who left is reported as having left by themselves.
 */
const LEAVE_NOTICE_WAIT_MS = 300;

export abstract class PuppetWebwxBase extends Puppet {
  /**
   * The resolved options: the app, the store to open, the options of each client.
   * @internal
   */
  protected readonly webwx: ResolvedPuppetOptions;
  /**
   * Wechaty ids ↔ the session's UserNames.
   * @internal
   */
  protected readonly ids: ContactIds;
  /**
   * People found by name in room notices and mentions, and each room's previous topic.
   * @internal
   */
  protected readonly roomNames: RoomNames;
  /**
   * The messages received and sent, by MsgId, kept for their payloads (the last 5,000).
   * @internal
   */
  protected readonly messages = new RecentMap<RawMessage>(MAX_MESSAGES);
  /**
   * The friend requests and confirmations of the friendship event, kept for their payloads.
   * @internal
   */
  protected readonly friendships = new RecentMap<FriendshipRecord>(1000);
  /**
   * The group invitation cards of the room-invite event, kept for their payloads.
   * @internal
   */
  protected readonly invitations = new RecentMap<Message & { kind: 'link' }>(1000);
  #client: WebWxClient | undefined;
  #offs: (() => void)[] = [];
  #closeStore: (() => void) | undefined;
  #store: ReturnType<ResolvedPuppetOptions['openStore']>['store'];
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #stopping = false;
  #qrCode = '';
  /** A QR code or a push login is under way (its confirmation is a scan event; a resume has none). */
  #scanning = false;
  /** Between the server ending the session and the next 'ready': the directory is being replaced. */
  #relogging = false;
  /** logout() is under way: it reports the logout itself. */
  #loggingOut = false;
  readonly #pendingLeaves = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(options: PuppetWebwxOptions = {}) {
    super(options);
    this.webwx = resolvePuppetOptions(options);
    this.ids = new ContactIds(() => this.#client);
    this.roomNames = new RoomNames(() => this.#client);
  }

  /** The puppet's name, `'webwx'`. */
  override name(): string {
    return 'webwx';
  }

  /** The webwx client of the current login (undefined before start() and after stop()). */
  get client(): WebWxClient | undefined {
    return this.#client;
  }

  /**
   * Opens the store (`dataDir` or `store`) and starts a webwx client: it resumes the saved session,
   * else asks the phone for a push login, else shows a QR code (a `scan` event).
   */
  override async onStart(): Promise<void> {
    this.#stopping = false;
    const { store, close } = this.webwx.openStore();
    this.#store = store;
    this.#closeStore = close;
    this.#startClient();
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
    this.#heartbeat.unref?.();
  }

  /**
   * Stops the webwx client and closes the store; the saved session is kept, so the next start needs no
   * scan.
   */
  override async onStop(): Promise<void> {
    this.#stopping = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const timer of this.#pendingLeaves.values()) clearTimeout(timer);
    this.#pendingLeaves.clear();
    await this.#dropClient();
    this.#closeStore?.();
    this.#closeStore = undefined;
    this.#store = undefined;
  }

  /**
   * Logs out on the server (webwxlogout; the saved session is cleared), reports the logout, and starts
   * over with a new login (a QR code), as Wechaty puppets do after a logout.
   */
  override async logout(reason = 'logout()'): Promise<void> {
    const client = this.#client;
    this.#loggingOut = true;
    try {
      if (client && client.state !== 'stopped' && client.state !== 'logged-out') await client.logout();
      await super.logout(reason);
    } finally {
      this.#loggingOut = false;
    }
  }

  /** Answers at once with a `dong` event carrying the same data; the webwx client is not involved. */
  override ding(data?: string): void {
    this.emit('dong', { data: data ?? '' });
  }

  /**
   * The client of a logged-in session; throws when there is none.
   * @internal
   */
  protected requireClient(method: string): WebWxClient {
    const client = this.#client;
    if (!client || !this.isLoggedIn)
      throw new InvalidStateError(`PuppetWebwx.${method}() needs a logged-in session`, client?.state ?? '');
    return client;
  }

  /**
   * The logged-in user's UserName ('' before login).
   * @internal
   */
  protected get selfUserName(): string {
    return this.#client?.self?.userName ?? '';
  }

  /**
   * What the room-event and mention payloads need.
   * @internal
   */
  protected get roomContext(): RoomEventContext {
    return {
      idOf: (u) => this.ids.idOf(u),
      selfUserName: this.selfUserName,
      userNameByName: (room, name) => this.roomNames.userNameByName(room, name),
      previousTopic: (room) => this.roomNames.previousTopic(room),
    };
  }

  #beat(): void {
    const state = this.#client?.state;
    if (state && state !== 'stopped') this.emit('heartbeat', { data: `webwx:${state}` });
  }

  #startClient(): void {
    const client = createClient(this.webwx.clientOptions(this.#store));
    this.#client = client;
    this.#qrCode = '';
    this.#offs = this.#bind(client);
    this.#beat();
    client.start().catch((error: unknown) => {
      if (this.#stopping || this.#client !== client) return;
      this.emit(
        'error',
        error instanceof Error ? error : new InvalidStateError(`start failed: ${String(error)}`),
      );
    });
  }

  async #dropClient(): Promise<void> {
    const client = this.#client;
    for (const off of this.#offs) off();
    this.#offs = [];
    this.#client = undefined;
    await client?.stop();
  }

  #scan(status: types.ScanStatus, data?: string): void {
    this.emit('scan', { status, qrcode: this.#qrCode, ...(data !== undefined ? { data } : {}) });
  }

  #bind(client: WebWxClient): (() => void)[] {
    const guard =
      <T>(handler: (payload: T) => unknown) =>
      (payload: T) => {
        if (this.#client !== client) return;
        Promise.resolve()
          .then(() => handler(payload))
          .catch((error: unknown) =>
            this.emit('error', error instanceof Error ? error : new ListenerError('puppet', error)),
          );
      };
    return [
      client.on(
        'qr',
        guard(({ url }) => {
          // A new QR code after one that was not confirmed: that one timed out (or was cancelled).
          if (this.#qrCode) this.#scan(types.ScanStatus.Timeout);
          this.#qrCode = url;
          this.#scanning = true;
          this.#scan(types.ScanStatus.Waiting);
        }),
      ),
      client.on(
        'scanned',
        guard(({ avatar }) => this.#scan(types.ScanStatus.Scanned, avatar)),
      ),
      client.on(
        'login-step',
        guard(({ step, outcome }) => {
          // A push login: nothing to scan, the phone is asked to confirm.
          if (step === 'push' && outcome === 'trying') {
            this.#scanning = true;
            this.#scan(types.ScanStatus.Scanned, 'push login');
          }
        }),
      ),
      client.on(
        'state',
        guard((state) => {
          if (state === 'logging-in' && this.#scanning) this.#scan(types.ScanStatus.Confirmed);
        }),
      ),
      client.on(
        'ready',
        guard(async ({ self }) => {
          this.#qrCode = '';
          this.#scanning = false;
          this.#relogging = false;
          const selfId = this.ids.idOf(self.userName);
          // A new login: every payload is read again (UserNames changed; ids did not).
          this.cache.contact.clear();
          this.cache.room.clear();
          this.cache.roomMember.clear();
          if (this.isLoggedIn && this.currentUserId !== selfId)
            await super.logout('another account logged in');
          if (!this.isLoggedIn) this.login(selfId);
          // Wechaty's 'ready': the contacts and rooms are listed (a resume fills them from its cache
          // shortly after the client's 'ready'; docs/sessions.md "Contacts on a resume").
          await client.contacts.filled();
          this.emit('ready', { data: 'webwx ready' });
        }),
      ),
      client.on(
        'relogin',
        guard(async ({ reason }) => {
          this.#relogging = true;
          if (this.isLoggedIn)
            await super.logout(`the server ended the session (${reason}); logging in again`);
        }),
      ),
      client.on(
        'logout',
        guard(async ({ reason }) => {
          if (this.isLoggedIn && !this.#loggingOut) await super.logout(reason);
          // As after any logout, a new login (push login, then a QR code) follows.
          if (!this.#stopping) {
            await this.#dropClient();
            if (!this.#stopping) this.#startClient();
          }
        }),
      ),
      client.on(
        'message',
        guard((message) => this.#onMessage(message)),
      ),
      client.on(
        'room-join',
        guard((event) => this.emit('room-join', roomJoinPayloadOf(event, this.roomContext))),
      ),
      client.on(
        'room-leave',
        guard((event) => {
          clearTimeout(this.#pendingLeaves.get(event.room));
          this.#pendingLeaves.delete(event.room);
          this.emit('room-leave', roomLeavePayloadOf(event, this.roomContext));
        }),
      ),
      client.on(
        'room-topic',
        guard((event) => this.emit('room-topic', roomTopicPayloadOf(event, this.roomContext))),
      ),
      client.on(
        'room-updated',
        guard((change: RoomChange) => {
          this.roomNames.noteChange(change);
          if (!this.#live) return;
          this.dirtyPayload(types.Dirty.Room, this.ids.idOf(change.room.userName));
          if (change.previous && change.left.length > 0) this.#awaitLeaveNotice(change);
        }),
      ),
      client.on(
        'contact-updated',
        guard(({ contact }) => this.#dirtyContact(contact.userName)),
      ),
      client.on(
        'contact-removed',
        guard(({ userName }) => this.#dirtyContact(userName)),
      ),
      client.on(
        'error',
        guard((error) => this.emit('error', error)),
      ),
    ];
  }

  /**
   * Logged in and the client ready: Wechaty looks the ids of a 'dirty' event up through the logged-in
   * user, and a new login clears every payload anyway.
   */
  get #live(): boolean {
    return this.isLoggedIn && !this.#relogging && this.#client?.state === 'ready';
  }

  #dirtyContact(userName: string): void {
    if (this.#live) this.dirtyPayload(types.Dirty.Contact, this.ids.idOf(userName));
  }

  /** Members left a room: unless a notice says who removed them, each left by themselves. */
  #awaitLeaveNotice(change: RoomChange): void {
    const room = change.room.userName;
    const left = change.left.filter((m) => m.userName !== this.selfUserName);
    for (const member of left)
      if (!this.#client?.contacts.get(member.userName)) this.ids.remember(strangerFromMember(member));
    clearTimeout(this.#pendingLeaves.get(room));
    const timer = setTimeout(() => {
      this.#pendingLeaves.delete(room);
      for (const member of left) {
        const id = this.ids.idOf(member.userName);
        this.emit('room-leave', {
          roomId: this.ids.idOf(room),
          removeeIdList: [id],
          removerId: id,
          timestamp: Date.now(),
        });
      }
    }, LEAVE_NOTICE_WAIT_MS);
    this.#pendingLeaves.set(room, timer);
  }

  #onMessage(message: Message): void {
    const event = recordIncoming(message, {
      ids: this.ids,
      messages: this.messages,
      friendships: this.friendships,
      invitations: this.invitations,
      isContact: (userName) => this.#client?.contacts.get(userName) !== undefined,
    });
    if (!event) return;
    if ('friendshipId' in event) this.emit('friendship', event);
    else if ('roomInvitationId' in event) this.emit('room-invite', event);
    else this.emit('message', event);
  }
}

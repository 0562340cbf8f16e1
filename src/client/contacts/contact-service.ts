/**
 * `client.contacts`: the read API of the directory (get, room, list, rooms, find, members, stable
 * ids), contact operations (remark, pin, friend requests, mark read) and the live contact events.
 */
import { InvalidArgumentError, InvalidStateError, LoggedOutError, sessionEndOf } from '../../errors.js';
import {
  CONTACT_FLAG,
  type Contact,
  contactDisplayName,
  memberDisplayName,
  type Room,
  strangerFromMember,
} from '../../model/index.js';
import type { HttpRequestSpec } from '../../protocol/http-request.js';
import {
  buildOplogRequest,
  buildStatusNotifyRequest,
  buildVerifyUserRequest,
  parseBaseReply,
  parseStatusNotifyReply,
  VERIFY_OPCODE,
} from '../../protocol/index.js';
import type { WebApp } from '../../protocol/session-context.js';
import type { WireContact, WireMessage } from '../../protocol/wire-types.js';
import type { ClientEvents } from '../client-types.js';
import type { Runtime } from '../runtime.js';
import { assertAvailable, assertRecipient } from '../session/app-mode.js';
import { batchGetContacts } from '../session/session-loader.js';
import type { Session } from '../session/session-state.js';
import type { TypedEmitter } from '../typed-emitter.js';
import type { DirectoryChange, MutableContactDirectory } from './contact-directory.js';
import { friendRequestOf, requireName } from './contact-input.js';
import { searchContacts } from './contact-search.js';
import type {
  ContactService,
  FindOptions,
  FriendRequestInput,
  RoomMemberView,
} from './contact-service-types.js';
import { searchServer } from './server-search.js';
import { stableIdEntryOf, syncConvPairs } from './stable-id-entries.js';
import type { StableIdRegistry } from './stable-ids.js';

type ContactCounts = { contacts: number; rooms: number; members: number };

/** What operations need: set once the client is logged in. */
export interface OpsDeps {
  rt: Runtime;
  session: Session;
  endSession(error: LoggedOutError): void;
}

/**
 * Sends one operation request and parses its reply; a session-ending Ret ends the session and
 * throws LoggedOutError. Operations are never retried (a retry could apply them twice).
 */
export async function runOp<T>(deps: OpsDeps, spec: HttpRequestSpec, parse: (text: string) => T): Promise<T> {
  try {
    const reply = await deps.rt.send(spec);
    return parse(reply.text);
  } catch (error) {
    const ended = sessionEndOf(error);
    if (ended) deps.endSession(ended);
    throw ended ?? error;
  }
}

export class ContactServiceImpl implements ContactService {
  readonly #directory: MutableContactDirectory;
  readonly #events: TypedEmitter<ClientEvents>;
  readonly #registry: StableIdRegistry;
  /** The web app: the File Transfer web refuses contact management (app-mode.ts). */
  readonly #app: WebApp;
  #deps: OpsDeps | undefined;
  #live = false;
  /** Set while fillQuietly() runs: stable ids are assigned, no change events go out. */
  #quiet = false;
  /** loaded(): settled by the first settleLoaded(). */
  readonly #loaded: Promise<ContactCounts>;
  #settleLoaded: ((outcome: Promise<ContactCounts>) => void) | undefined;
  /** filled(): settled by the first settleFilled(). */
  readonly #filled: Promise<void>;
  #settleFilled: ((filled: Promise<void>) => void) | undefined;

  constructor(
    directory: MutableContactDirectory,
    events: TypedEmitter<ClientEvents>,
    registry: StableIdRegistry,
    app: WebApp = 'web',
  ) {
    this.#directory = directory;
    this.#events = events;
    this.#registry = registry;
    this.#app = app;
    this.#loaded = new Promise<ContactCounts>((resolve) => {
      this.#settleLoaded = resolve;
    });
    this.#loaded.catch(() => {});
    this.#filled = new Promise<void>((resolve) => {
      this.#settleFilled = resolve;
    });
  }

  loaded(): Promise<ContactCounts> {
    return this.#loaded;
  }

  filled(): Promise<void> {
    return this.#filled;
  }

  /** The directory holds a whole list once `filled` settles; later calls change nothing. */
  settleFilled(filled: Promise<void>): void {
    const settle = this.#settleFilled;
    this.#settleFilled = undefined;
    settle?.(filled);
  }

  /** The outcome of the first contact load from the server; later calls change nothing. */
  settleLoaded(outcome: Promise<ContactCounts>): void {
    outcome.catch(() => {}); // settled here or ignored: never unhandled
    const settle = this.#settleLoaded;
    this.#settleLoaded = undefined;
    settle?.(outcome);
  }

  /** Operations become available. */
  attach(deps: OpsDeps): void {
    this.#deps = deps;
  }

  /** The stable-id store reads records by name (StableIdStore.loadNamed). */
  get readsStableIdsByName(): boolean {
    return this.#registry.readsByName;
  }

  /**
   * Reads what gives these UserNames their stable ids at once (StableIdRegistry.loadFor). A lazy
   * resume reads so before a sync reply that names them is applied (contact-phase.ts).
   */
  readStableIds(userNames: readonly string[]): Promise<void> {
    return this.#registry.loadFor(userNames);
  }

  /** Reads every stable-id record (once; goLive and a resume's prefetch wait for the same read). */
  readAllStableIds(): Promise<void> {
    return this.#registry.load();
  }

  /**
   * The initial load is over: every entry gets its stable id, and from now on every change of the
   * directory is an event. `sameLogin`: the entries came from the contact cache of the login being
   * resumed (contact-phase.ts), so each takes the record last seen with its UserName (AssignOptions).
   * `byName`: the directory holds only what webwxinit named (a lazy resume), so only their records are
   * read now (readStableIds) and the rest with the cached contacts.
   */
  async goLive(sameLogin = false, byName = false): Promise<void> {
    const entries = this.#allEntries().map(stableIdEntryOf);
    if (byName) await this.readStableIds(entries.map((e) => e.userName));
    else await this.#registry.load();
    this.#registry.assign(entries, { sameLogin });
    this.#live = true;
    this.#directory.onChange((changes) => this.#onChanges(changes));
  }

  /**
   * Adds entries read back from the contact cache of the login being resumed, after 'ready'
   * (contact-phase.ts): they get their stable ids as goLive(true) gives them, and no
   * 'contact-added'/'room-…' events, since nothing changed.
   */
  fillQuietly(wires: readonly WireContact[]): void {
    this.#quiet = true;
    try {
      this.#directory.upsert(wires);
    } finally {
      this.#quiet = false;
    }
  }

  /** Permanent ids from a status-notify Code 4 message (§9.4): StatusNotifyUserName ↔ <username>. */
  learnFromStatusNotify(raw: WireMessage): void {
    if (Number(raw?.StatusNotifyCode) !== 4) return;
    const pairs = syncConvPairs(String(raw.StatusNotifyUserName ?? ''), String(raw.Content ?? ''));
    if (pairs.length > 0) this.#registry.learnPermanent(pairs);
  }

  get(userName: string): Contact | undefined {
    return this.#directory.get(userName);
  }
  room(userName: string): Room | undefined {
    return this.#directory.room(userName);
  }
  list(): Contact[] {
    return this.#directory.list();
  }
  rooms(): Room[] {
    return this.#directory.rooms();
  }

  find(query: string, options?: FindOptions): (Contact | Room)[] {
    const directory = this.#directory;
    return searchContacts(
      {
        contacts: directory.list(),
        rooms: directory.rooms(),
        isKnown: (userName) => directory.has(userName),
        strangerOf: (member) => strangerFromMember(member),
      },
      typeof query === 'string' ? query : '',
      options,
    );
  }

  async searchServer(keyword: string): Promise<Contact[]> {
    assertAvailable(this.#app, 'contacts.searchServer');
    const deps = this.#require('searchServer');
    const run = <T>(spec: HttpRequestSpec, parse: (text: string) => T) => runOp(deps, spec, parse);
    return searchServer({ session: deps.session, run }, this.#directory, keyword);
  }

  members(roomUserName: string): RoomMemberView[] {
    const self = this.#directory.selfUserName;
    return this.#directory.membersOf(roomUserName).map((m) => {
      const contact = this.#directory.get(m.userName);
      const view: RoomMemberView = {
        ...m,
        name: m.displayName || (contact ? contactDisplayName(contact) : memberDisplayName(m)) || m.userName,
        isSelf: m.userName === self,
      };
      if (contact) view.contact = contact;
      return view;
    });
  }

  stableIdOf(userName: string): string | undefined {
    return this.#registry.idOf(userName);
  }

  /**
   * Each stable id's last UserName → the id (not in the public interface): the outbox's snapshot
   * before a new login covers the cached contacts a resume has not put in the directory yet.
   */
  lastUserNames(): Map<string, string> {
    return this.#registry.lastUserNames();
  }

  byStableId(id: string): Contact | Room | undefined {
    const userName = this.#registry.userNameOf(id);
    if (userName === undefined) return undefined;
    return this.#directory.get(userName) ?? this.#directory.room(userName);
  }

  async setRemark(userName: string, remark: string): Promise<void> {
    assertAvailable(this.#app, 'contacts.setRemark');
    requireName('setRemark', userName);
    if (typeof remark !== 'string')
      throw new InvalidArgumentError('setRemark', 'setRemark: the remark must be a string');
    const deps = this.#require('setRemark');
    await runOp(
      deps,
      buildOplogRequest(deps.session.context(), {
        deviceId: deps.session.deviceId,
        userName,
        cmd: 'remark',
        remarkName: remark,
      }),
      (text) => parseBaseReply('webwxoplog', text),
    );
    this.#directory.patchContact(userName, { remarkName: remark });
  }

  async pin(userName: string): Promise<void> {
    assertAvailable(this.#app, 'contacts.pin');
    return this.#setPinned('pin', userName, true);
  }

  async unpin(userName: string): Promise<void> {
    assertAvailable(this.#app, 'contacts.unpin');
    return this.#setPinned('unpin', userName, false);
  }

  async acceptFriendRequest(request: FriendRequestInput): Promise<void> {
    assertAvailable(this.#app, 'contacts.acceptFriendRequest');
    const { userName, ticket } = friendRequestOf(request);
    const deps = this.#require('acceptFriendRequest');
    await this.#verify(deps, { opcode: VERIFY_OPCODE.accept, userName, ticket, content: '' });
    await this.#refetch(deps, [userName]);
  }

  async sendFriendRequest(userName: string, greeting?: string): Promise<void> {
    assertAvailable(this.#app, 'contacts.sendFriendRequest');
    requireName('sendFriendRequest', userName);
    const deps = this.#require('sendFriendRequest');
    const content = greeting ?? `我是${deps.session.self?.nickName ?? ''}`;
    await this.#verify(deps, { opcode: VERIFY_OPCODE.sendRequest, userName, ticket: '', content });
  }

  async markRead(chatUserName: string): Promise<void> {
    requireName('markRead', chatUserName);
    assertRecipient(this.#app, 'contacts.markRead', chatUserName);
    const deps = this.#require('markRead');
    const { rt, session } = deps;
    await runOp(
      deps,
      buildStatusNotifyRequest(session.context(), {
        deviceId: session.deviceId,
        code: 1,
        from: session.selfUserName,
        to: chatUserName,
        nowMs: rt.options.now(),
      }),
      parseStatusNotifyReply,
    );
  }

  /** batchgetcontact for names whose entry changed on the server; failures are only logged. */
  async #refetch(deps: OpsDeps, userNames: string[]): Promise<void> {
    try {
      await batchGetContacts(deps.rt, deps.session, this.#directory, userNames);
    } catch (error) {
      if (error instanceof LoggedOutError || deps.rt.signal.aborted) throw error;
      deps.rt.logger.warn({ count: userNames.length }, 'refreshing contacts after an operation failed');
    }
  }

  async #verify(
    deps: OpsDeps,
    o: { opcode: number; userName: string; ticket: string; content: string },
  ): Promise<void> {
    await runOp(
      deps,
      buildVerifyUserRequest(deps.session.context(), {
        deviceId: deps.session.deviceId,
        nowMs: deps.rt.options.now(),
        ...o,
      }),
      (text) => parseBaseReply('webwxverifyuser', text),
    );
  }

  async #setPinned(method: string, userName: string, pinned: boolean): Promise<void> {
    requireName(method, userName);
    const deps = this.#require(method);
    const contact = this.#directory.get(userName);
    await runOp(
      deps,
      buildOplogRequest(deps.session.context(), {
        deviceId: deps.session.deviceId,
        userName,
        cmd: 'pin',
        pinned,
        remarkName: contact?.remarkName ?? '',
      }),
      (text) => parseBaseReply('webwxoplog', text),
    );
    if (contact) {
      const contactFlag = pinned
        ? contact.contactFlag | CONTACT_FLAG.pinned
        : contact.contactFlag & ~CONTACT_FLAG.pinned;
      this.#directory.patchContact(userName, { pinned, contactFlag });
    }
  }

  #require(method: string): OpsDeps {
    const deps = this.#deps;
    if (!deps) throw new InvalidStateError(`${method}() needs a logged-in client`);
    if (deps.rt.signal.aborted) throw new InvalidStateError(`${method}() needs a running client`, 'stopped');
    return deps;
  }

  #allEntries(): (Contact | Room)[] {
    return [...this.#directory.list(), ...this.#directory.rooms()];
  }

  #onChanges(changes: DirectoryChange[]): void {
    const assign: (Contact | Room)[] = [];
    for (const change of changes) {
      if (change.type === 'contact-removed') this.#registry.release(change.userName);
      else assign.push(change.type === 'room-updated' ? change.room : change.contact);
    }
    if (assign.length > 0) this.#registry.assign(assign.map(stableIdEntryOf), { sameLogin: this.#quiet });
    if (!this.#live || this.#quiet) return;
    for (const change of changes) {
      const { type, ...payload } = change;
      this.#events.emit(type, payload as never);
    }
  }
}

/**
 * `client.rooms`: create a group, add and remove members, rename, quit (PROTOCOL.md §7.2, §7.3).
 * The local view changes as soon as the server says yes; the ModContactList the server sends later
 * confirms it without a second event.
 */
import { InvalidArgumentError, InvalidStateError } from '../../errors.js';
import { type Room, toRoom, toRoomMember } from '../../model/index.js';
import {
  addMemberFun,
  buildCreateChatroomRequest,
  buildUpdateChatroomRequest,
  DEFAULT_INVITE_START_COUNT,
  parseCreateChatroomReply,
  parseUpdateChatroomReply,
  type UpdateChatroomOptions,
  type UpdateChatroomReply,
} from '../../protocol/index.js';
import type { WebApp } from '../../protocol/session-context.js';
import { assertAvailable } from '../session/app-mode.js';
import { batchGetContacts } from '../session/session-loader.js';
import type { MutableContactDirectory } from './contact-directory.js';
import { type ContactServiceImpl, type OpsDeps, runOp } from './contact-service.js';
import type { RoomAddResult, RoomMemberView, RoomService } from './contact-service-types.js';

function memberList(method: string, members: unknown): string[] {
  if (!Array.isArray(members) || members.length === 0)
    throw new InvalidArgumentError(method, `${method}: expected a non-empty list of UserNames`);
  const names = members.map((m) => {
    if (typeof m !== 'string' || m.trim() === '' || m.includes(','))
      throw new InvalidArgumentError(method, `${method}: ${JSON.stringify(m)} is not a UserName`);
    return m;
  });
  return [...new Set(names)];
}

function roomName(method: string, room: unknown): string {
  if (typeof room !== 'string' || !room)
    throw new InvalidArgumentError(method, `${method}: expected a room UserName`);
  return room;
}

export class RoomServiceImpl implements RoomService {
  readonly #directory: MutableContactDirectory;
  readonly #contacts: ContactServiceImpl;
  #deps: OpsDeps | undefined;
  /** webwxinit's InviteStartCount. */
  inviteStartCount = DEFAULT_INVITE_START_COUNT;

  /** The web app: the File Transfer web refuses every room operation (app-mode.ts). */
  readonly #app: WebApp;

  constructor(directory: MutableContactDirectory, contacts: ContactServiceImpl, app: WebApp = 'web') {
    this.#directory = directory;
    this.#contacts = contacts;
    this.#app = app;
  }

  attach(deps: OpsDeps, inviteStartCount?: number): void {
    this.#deps = deps;
    if (inviteStartCount !== undefined && inviteStartCount > 0) this.inviteStartCount = inviteStartCount;
  }

  async create(members: readonly string[], topic?: string): Promise<Room> {
    assertAvailable(this.#app, 'rooms.create');
    const names = memberList('rooms.create', members);
    if (topic !== undefined && typeof topic !== 'string')
      throw new InvalidArgumentError('rooms.create', 'rooms.create: the topic must be a string');
    const deps = this.#require('create');
    const { rt, session } = deps;
    const reply = await runOp(
      deps,
      buildCreateChatroomRequest(session.context(), {
        deviceId: session.deviceId,
        members: names,
        topic: topic ?? '',
        nowMs: rt.options.now(),
      }),
      parseCreateChatroomReply,
    );
    const userName = reply.ChatRoomName;
    try {
      await batchGetContacts(rt, session, this.#directory, [userName]);
    } catch (error) {
      if (rt.signal.aborted) throw error;
      rt.logger.warn({}, 'loading a created room failed; using the create reply');
    }
    if (!this.#directory.room(userName)) {
      this.#directory.upsert([
        {
          UserName: userName,
          NickName: reply.Topic,
          MemberCount: reply.MemberCount,
          MemberList: reply.MemberList,
        } as never,
      ]);
    }
    return this.#directory.room(userName) ?? toRoom({ UserName: userName, NickName: reply.Topic } as never);
  }

  async add(room: string, members: readonly string[]): Promise<RoomAddResult> {
    assertAvailable(this.#app, 'rooms.add');
    const name = roomName('rooms.add', room);
    const names = memberList('rooms.add', members);
    const current = this.#directory.room(name);
    const count = current ? Math.max(current.memberCount, current.members.length) : 0;
    const fun = addMemberFun(count, this.inviteStartCount);
    const reply = await this.#update({ deviceId: '', room: name, fun, members: names });
    if (fun === 'addmember')
      this.#applyMembers(name, reply, (m) => [...m, ...names.filter((n) => !m.includes(n))]);
    return { method: fun };
  }

  async remove(room: string, members: readonly string[]): Promise<void> {
    assertAvailable(this.#app, 'rooms.remove');
    const name = roomName('rooms.remove', room);
    const names = memberList('rooms.remove', members);
    const reply = await this.#update({ deviceId: '', room: name, fun: 'delmember', members: names });
    this.#applyMembers(name, reply, (m) => m.filter((n) => !names.includes(n)));
  }

  async rename(room: string, topic: string): Promise<void> {
    assertAvailable(this.#app, 'rooms.rename');
    const name = roomName('rooms.rename', room);
    if (typeof topic !== 'string' || topic.trim() === '')
      throw new InvalidArgumentError('rooms.rename', 'rooms.rename: expected a non-empty topic');
    await this.#update({ deviceId: '', room: name, fun: 'modtopic', topic });
    this.#directory.patchRoom(name, { topic });
  }

  async quit(room: string): Promise<void> {
    assertAvailable(this.#app, 'rooms.quit');
    const name = roomName('rooms.quit', room);
    await this.#update({ deviceId: '', room: name, fun: 'quitchatroom' });
    this.#directory.remove([name]);
  }

  members(room: string): RoomMemberView[] {
    return this.#contacts.members(room);
  }

  async #update(o: UpdateChatroomOptions): Promise<UpdateChatroomReply> {
    const deps = this.#require(o.fun);
    return runOp(
      deps,
      buildUpdateChatroomRequest(deps.session.context(), { ...o, deviceId: deps.session.deviceId }),
      parseUpdateChatroomReply,
    );
  }

  /**
   * The members after an operation: the reply's list when it has one, else the known list changed
   * by `edit` (names the directory does not know yet come with the next ModContactList).
   */
  #applyMembers(room: string, reply: UpdateChatroomReply, edit: (userNames: string[]) => string[]): void {
    const current = this.#directory.room(room);
    if (!current) return;
    if (reply.MemberList.length > 0) {
      this.#directory.patchRoom(room, { members: reply.MemberList.map(toRoomMember) });
      return;
    }
    const known = new Map(current.members.map((m) => [m.userName, m]));
    const next = edit(current.members.map((m) => m.userName)).map(
      (userName) =>
        known.get(userName) ?? {
          userName,
          nickName: this.#directory.get(userName)?.nickName ?? '',
          displayName: '',
        },
    );
    this.#directory.patchRoom(room, { members: next });
  }

  #require(method: string): OpsDeps {
    const deps = this.#deps;
    if (!deps) throw new InvalidStateError(`rooms.${method}() needs a logged-in client`);
    return deps;
  }
}

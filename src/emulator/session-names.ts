/**
 * Per-session UserNames. Each login gets fresh ones, as the real server does: '@' + 64 hex for people,
 * '@@' + 64 hex for rooms, '@' + 32 hex for the self and official accounts, special names unchanged;
 * rooms also get a fresh EncryChatRoomId ('@' + 32 hex). Assigned lazily, so a huge world costs
 * nothing until the client asks.
 */
import { hex } from './ids.js';
import type { World } from './world-types.js';

export class SessionNames {
  private readonly byId = new Map<string, string>();
  private readonly byName = new Map<string, string>();
  private readonly encryById = new Map<string, string>();
  private readonly roomByEncry = new Map<string, string>();

  constructor(private readonly world: World) {}

  /** The session UserName of a stable id (self, person or room). */
  userName(id: string): string {
    let name = this.byId.get(id);
    if (name === undefined) {
      name = this.mint(id);
      this.byId.set(id, name);
      this.byName.set(name, id);
    }
    return name;
  }

  /** The stable id behind a UserName this session handed out (special names map to themselves). */
  idOf(userName: string): string | undefined {
    const id = this.byName.get(userName);
    if (id !== undefined) return id;
    const p = this.world.person(userName);
    if (p !== undefined && p.kind === 'special') return p.id;
    return undefined;
  }

  encryChatRoomId(roomId: string): string {
    let e = this.encryById.get(roomId);
    if (e === undefined) {
      e = `@${hex(16)}`;
      this.encryById.set(roomId, e);
      this.roomByEncry.set(e, roomId);
    }
    return e;
  }

  /** A room's stable id from its @@UserName or its EncryChatRoomId. */
  roomIdOf(userNameOrEncry: string): string | undefined {
    const byEncry = this.roomByEncry.get(userNameOrEncry);
    if (byEncry !== undefined) return byEncry;
    const id = this.idOf(userNameOrEncry);
    return id !== undefined && this.world.room(id) !== undefined ? id : undefined;
  }

  private mint(id: string): string {
    if (id === this.world.self.id) return `@${hex(16)}`;
    if (this.world.room(id) !== undefined) return `@@${hex(32)}`;
    const p = this.world.person(id);
    if (p?.kind === 'special') return id;
    if (p?.kind === 'official') return `@${hex(16)}`;
    return `@${hex(32)}`;
  }
}

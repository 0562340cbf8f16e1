/**
 * Rooms several accounts share (docs/emulator.md "Several accounts"): a change one account's world
 * makes to a room (a rename, members joining or removed, a member quitting, a room created with
 * another account in it) is made in the world of every other account that has the room, or that
 * joins it, under the same rules: those accounts' sessions get the system notices and the
 * ModContactList/DelContactList as from any member's change.
 */
import type { EmulatorContext } from './route-context.js';
import type { RoomChange } from './world-change-records.js';
import type { WorldPerson, WorldRoom } from './world-types.js';

/** The person `id` is in `from`'s world (another account's self included), to add to another world. */
function personFrom(from: EmulatorContext, id: string): WorldPerson | undefined {
  const known = from.world.person(id);
  if (known !== undefined) return known;
  const self = from.world.self;
  if (id !== self.id) return undefined;
  return {
    id,
    nickName: self.nickName,
    kind: 'stranger',
    remarkName: '',
    alias: self.alias,
    sex: self.sex,
    signature: self.signature,
    province: '',
    city: '',
    verifyFlag: 0,
    starred: false,
    pinyin: self.pinyin,
    remarkPinyin: '',
  };
}

/** People `to` has never seen become strangers of its world (a room member only). */
export function addStrangers(from: EmulatorContext, to: EmulatorContext, ids: readonly string[]): void {
  for (const id of ids) {
    if (id === to.accountId || to.world.person(id) !== undefined) continue;
    const p = personFrom(from, id);
    if (p === undefined) continue;
    to.world.addPerson({
      ...p,
      kind: 'stranger',
      remarkName: '',
      remarkPinyin: '',
      starred: false,
      pinned: false,
    });
  }
}

/** The room as `to` has to start from when it joins a room it did not have: without the newcomers. */
function roomBefore(room: WorldRoom, joined: readonly string[]): WorldRoom {
  return {
    id: room.id,
    topic: room.topic,
    owner: room.owner,
    memberIds: room.memberIds.filter((m) => !joined.includes(m)),
    displayNames: new Map(room.displayNames),
    saved: false,
    pinyin: '',
  };
}

function mirror(from: EmulatorContext, to: EmulatorContext, change: RoomChange): void {
  const id = change.room.id;
  const has = to.world.room(id) !== undefined;
  if (change.kind === 'join') {
    if (!has && !change.members.includes(to.accountId)) return;
    addStrangers(from, to, change.room.memberIds);
    if (!has) to.world.addRoom(roomBefore(change.room, change.members));
    const current = to.world.room(id)!;
    const joining = change.members.filter((m) => !current.memberIds.includes(m));
    if (joining.length > 0) to.changes.applyJoin(id, change.actor, joining);
    return;
  }
  if (!has) return;
  if (change.kind === 'rename') to.changes.renameRoom(change.actor, id, change.topic);
  else if (change.kind === 'remove') to.changes.removeMembers(change.actor, id, change.members);
  else to.changes.quit(change.actor, id);
}

/**
 * Makes the accounts' room changes shared: each account's WorldChanges tells the others. The changes
 * the others make as a result are not told again.
 */
export function shareRoomChanges(accounts: readonly EmulatorContext[]): void {
  if (accounts.length < 2) return;
  let mirroring = false;
  for (const from of accounts) {
    from.changes.onRoomChange = (change) => {
      if (mirroring) return;
      mirroring = true;
      try {
        for (const to of accounts) {
          if (to === from) continue;
          try {
            mirror(from, to, change);
          } catch (error) {
            // The other world disagrees (a member it lacks, another owner): it keeps its own state.
            from.logger.debug(
              { err: error, room: change.room.id, to: to.accountId },
              'emulator: room change not shared',
            );
          }
        }
      } finally {
        mirroring = false;
      }
    };
  }
}

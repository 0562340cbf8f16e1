/**
 * Several accounts in one emulator (docs/emulator.md "Several accounts"): two real webwx clients log in
 * as two accounts that are friends and share a room; what one sends reaches the other as the real
 * server delivers it; each account has its own phone.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvents } from '../../src/client/index.js';
import { type Emulator, type MultiWorldSpec, startEmulator } from '../../src/emulator/index.js';
import { type Logged, loginAs as loginAccount, userNameOf, waitFor } from './account-logins.js';

const ALICE = 'wxid_alice_bot';
const BOB = 'wxid_bob_bot';
const DORA = 'wxid_dora_bot';
const ROOM = '7001@chatroom';

const TWO_ACCOUNTS: MultiWorldSpec = {
  accounts: [
    {
      self: { id: ALICE, nickName: 'Alice Bot' },
      contacts: [{ id: BOB }, { id: 'wxid_carol', nickName: 'Carol' }],
    },
    { self: { id: BOB, nickName: 'Bob Bot' }, contacts: [{ id: ALICE }] },
    // Dora knows the others only from the room: strangers of her world, and she of theirs.
    { self: { id: DORA, nickName: 'Dora Bot' }, contacts: [] },
  ],
  rooms: [{ id: ROOM, topic: 'Bots and Carol', owner: ALICE, members: [ALICE, BOB, 'wxid_carol', DORA] }],
};

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let emu: Emulator;
let alice: Logged;
let bob: Logged;
let dora: Logged;
let downloads: string;

function roomOf(who: Logged): string {
  const room = who.client.contacts
    .rooms()
    .find((r) => r.topic === 'Bots and Carol' || r.topic === 'Renamed by Alice');
  if (room === undefined) throw new Error('no shared room');
  return room.userName;
}

beforeAll(async () => {
  downloads = await mkdtemp(join(tmpdir(), 'webwx-accounts-'));
  emu = await startEmulator({
    world: TWO_ACCOUNTS,
    timing: { loginPollHoldMs: 1500, syncCheckHoldMs: 1500, qrExpiryMs: 60_000 },
  });
  alice = await loginAccount(emu, ALICE, { media: { downloadDir: downloads } });
  bob = await loginAccount(emu, BOB, { media: { downloadDir: downloads } });
  dora = await loginAccount(emu, DORA);
}, 30_000);

afterAll(async () => {
  await alice?.client.stop();
  await bob?.client.stop();
  await dora?.client.stop();
  await emu?.close();
});

describe('two accounts in one emulator', () => {
  it('has one phone per account; emulator.phone is the first account', () => {
    expect(emu.accounts.map((a) => a.id)).toEqual([ALICE, BOB, DORA]);
    expect(emu.phone).toBe(emu.phoneOf(ALICE));
    expect(emu.phoneOf(BOB)).not.toBe(emu.phone);
    expect(emu.accounts[1]?.world.self.nickName).toBe('Bob Bot');
    expect(() => emu.phoneOf('wxid_nobody')).toThrow(/no account "wxid_nobody"/);
    // Each login is its account's: the sessions and the clients' selves.
    expect(
      emu
        .phoneOf(ALICE)
        .sessions()
        .filter((s) => s.state === 'active'),
    ).toHaveLength(1);
    expect(
      emu
        .phoneOf(BOB)
        .sessions()
        .filter((s) => s.state === 'active'),
    ).toHaveLength(1);
    expect(alice.client.self?.nickName).toBe('Alice Bot');
    expect(bob.client.self?.nickName).toBe('Bob Bot');
    // Bob's world has Carol as a stranger (she is in the shared room only).
    expect(emu.accounts[1]?.world.person('wxid_carol')?.kind).toBe('stranger');
  });

  it('a text from A to B arrives at B from A, as B names A', async () => {
    const sent = await alice.client.sendText(userNameOf(alice, 'Bob Bot'), 'hi Bob <b> & 👋');
    const got = await waitFor(bob, (m) => m.text === 'hi Bob <b> & 👋');
    const aliceInBob = userNameOf(bob, 'Alice Bot');
    expect(got).toMatchObject({
      kind: 'text',
      isSelf: false,
      chat: { userName: aliceInBob, isRoom: false },
      sender: { userName: aliceInBob },
    });
    expect(got.id).toBe(sent.msgId);
    // The records are per account: Alice's phone saw her client send, Bob's did not.
    expect(
      emu
        .phoneOf(ALICE)
        .sent()
        .some((r) => r.msgId === sent.msgId && r.to === BOB),
    ).toBe(true);
    expect(
      emu
        .phoneOf(BOB)
        .sent()
        .some((r) => r.msgId === sent.msgId),
    ).toBe(false);
  });

  it('B answers A, and an image from A reaches B with its bytes', async () => {
    await bob.client.sendText(userNameOf(bob, 'Alice Bot'), 'hello Alice');
    const back = await waitFor(alice, (m) => m.text === 'hello Alice');
    expect(back.sender?.userName).toBe(userNameOf(alice, 'Bob Bot'));

    const data = Buffer.concat([PNG_HEAD, randomBytes(2000)]);
    const sent = await alice.client.sendImage(userNameOf(alice, 'Bob Bot'), data, { fileName: 'a.png' });
    const image = await waitFor(bob, (m) => m.id === sent.msgId);
    expect(image.kind).toBe('image');
    expect(image.sender?.userName).toBe(userNameOf(bob, 'Alice Bot'));
    const saved = await bob.client.download(image, { dir: downloads });
    expect((await readFile(saved.path)).equals(data)).toBe(true);
  });

  it('in the shared room, A’s message reaches B from the room, with A as the sender', async () => {
    const sent = await alice.client.sendText(roomOf(alice), 'room hello from Alice');
    const got = await waitFor(bob, (m) => m.id === sent.msgId);
    expect(got).toMatchObject({
      kind: 'text',
      text: 'room hello from Alice',
      chat: { userName: roomOf(bob), isRoom: true },
      sender: { userName: userNameOf(bob, 'Alice Bot') },
    });
    // And back: B in the room reaches A.
    const reply = await bob.client.sendText(roomOf(bob), 'room reply from Bob');
    const back = await waitFor(alice, (m) => m.id === reply.msgId);
    expect(back.chat.userName).toBe(roomOf(alice));
    expect(back.sender?.userName).toBe(userNameOf(alice, 'Bob Bot'));
  });

  it('changes to a shared room reach the other account: a rename, and a new room with both', async () => {
    await alice.client.rooms.rename(roomOf(alice), 'Renamed by Alice');
    await expect
      .poll(() => bob.client.contacts.rooms().some((r) => r.topic === 'Renamed by Alice'), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(emu.accounts[1]?.world.room(ROOM)?.topic).toBe('Renamed by Alice');

    const fresh = await alice.client.rooms.create(
      [userNameOf(alice, 'Bob Bot'), userNameOf(alice, 'Carol')],
      'Fresh room',
    );
    await expect
      .poll(() => bob.client.contacts.rooms().find((r) => r.topic === 'Fresh room'), { timeout: 10_000 })
      .toBeDefined();
    const inBob = bob.client.contacts.rooms().find((r) => r.topic === 'Fresh room')!;
    expect(inBob.members.map((m) => m.nickName).sort()).toEqual(['Alice Bot', 'Bob Bot', 'Carol']);
    const sent = await alice.client.sendText(fresh.userName, 'in the fresh room');
    const got = await waitFor(bob, (m) => m.id === sent.msgId);
    expect(got.chat.userName).toBe(inBob.userName);
    expect(got.sender?.userName).toBe(userNameOf(bob, 'Alice Bot'));
  });

  it('a friend request between two accounts, accepted, makes them friends in both worlds', async () => {
    const doraInAlice = alice.client.contacts.members(roomOf(alice)).find((m) => m.name === 'Dora Bot');
    expect(emu.accounts[0]?.world.person(DORA)?.kind).toBe('stranger');
    const asked = new Promise<ClientEvents['friend-request']>((resolve) => {
      const off = dora.client.on('friend-request', (r) => {
        off();
        resolve(r);
      });
    });
    await alice.client.contacts.sendFriendRequest(doraInAlice!.userName, 'hi Dora, a bot here');
    const request = await asked;
    expect(request).toMatchObject({ greeting: 'hi Dora, a bot here' });
    await dora.client.contacts.acceptFriendRequest(request);
    await expect.poll(() => emu.accounts[0]?.world.person(DORA)?.kind, { timeout: 10_000 }).toBe('friend');
    expect(emu.accounts[2]?.world.person(ALICE)?.kind).toBe('friend');
    // Now friends, a private text goes through.
    await expect.poll(() => alice.client.contacts.find('Dora Bot').length, { timeout: 10_000 }).toBe(1);
    const sent = await alice.client.sendText(userNameOf(alice, 'Dora Bot'), 'friends now');
    const got = await waitFor(dora, (m) => m.id === sent.msgId);
    expect(got.sender?.userName).toBe(userNameOf(dora, 'Alice Bot'));
  });

  it('each phone writes into its own account only', async () => {
    const toBob = emu.phoneOf(BOB).sendText({ from: 'wxid_carol', room: ROOM, text: 'Carol to Bob only' });
    expect(toBob.deliveredTo).toBe(1);
    const toAlice = emu.phone.sendText({ from: 'wxid_carol', text: 'Carol to Alice' });
    await waitFor(bob, (m) => m.id === toBob.msgId);
    await waitFor(alice, (m) => m.id === toAlice.msgId);
    expect(alice.messages.some((m) => m.id === toBob.msgId)).toBe(false);
    expect(bob.messages.some((m) => m.id === toAlice.msgId)).toBe(false);
  });
});

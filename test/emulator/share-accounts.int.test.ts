/**
 * Shares between two accounts of one emulator: what one real client sends as a contact card, a music
 * card, a mini program or a link card, the other real client receives as the phone writes them
 * (share-delivery.ts), decoded to the same fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type MultiWorldSpec, startEmulator } from '../../src/emulator/index.js';
import type { Message } from '../../src/model/index.js';
import { type Logged, loginAs, userNameOf, waitFor } from './account-logins.js';

const ALICE = 'wxid_alice_bot';
const BOB = 'wxid_bob_bot';
const ROOM = '7002@chatroom';

const WORLD: MultiWorldSpec = {
  accounts: [
    {
      self: { id: ALICE, nickName: 'Alice Bot' },
      contacts: [{ id: BOB }, { id: 'wxid_carol', nickName: 'Carol', alias: 'carol_wx', city: '杭州' }],
    },
    {
      self: { id: BOB, nickName: 'Bob Bot' },
      contacts: [{ id: ALICE }, { id: 'wxid_carol', nickName: 'Carol', alias: 'carol_wx', city: '杭州' }],
    },
  ],
  rooms: [{ id: ROOM, topic: 'Shares', owner: ALICE, members: [ALICE, BOB] }],
};

let emu: Emulator;
let alice: Logged;
let bob: Logged;

function received(who: Logged, kind: Message['kind']): Promise<Message> {
  return waitFor(who, (m) => m.kind === kind && !m.isSelf);
}

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    world: WORLD,
    timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000, qrExpiryMs: 60_000 },
  });
  alice = await loginAs(emu, ALICE);
  bob = await loginAs(emu, BOB);
}, 30_000);

afterAll(async () => {
  await alice?.client.stop();
  await bob?.client.stop();
  await emu?.close();
});

describe('shares between accounts', () => {
  it('a contact card Alice sends reaches Bob as a card of the person it names', async () => {
    const card = received(bob, 'card');
    await alice.client.sendContactCard(userNameOf(alice, 'Bob Bot'), userNameOf(alice, 'Carol'));
    const m = await card;
    if (m.kind !== 'card') throw new Error(m.kind);
    expect([m.card.id, m.card.nickName, m.card.alias, m.card.city]).toEqual([
      'wxid_carol',
      'Carol',
      'carol_wx',
      '杭州',
    ]);
    expect(m.sender.userName).toBe(userNameOf(bob, 'Alice Bot'));
  });

  it('music and a mini program reach Bob with their fields; a link card reaches the room', async () => {
    const music = received(bob, 'music');
    await alice.client.sendMusic(userNameOf(alice, 'Bob Bot'), {
      title: '晴天',
      description: '周杰伦',
      url: 'https://music.example.com/song?id=1',
      dataUrl: 'https://music.example.com/song.mp3',
    });
    const song = await music;
    if (song.kind !== 'music') throw new Error(song.kind);
    expect([song.title, song.description, song.url, song.dataUrl]).toEqual([
      '晴天',
      '周杰伦',
      'https://music.example.com/song?id=1',
      'https://music.example.com/song.mp3',
    ]);

    const mini = received(bob, 'mini-program');
    await alice.client.sendMiniProgram(userNameOf(alice, 'Bob Bot'), {
      title: '下午例会',
      appId: 'wxe638e634ed8b3907',
      pagePath: 'pages/index/index.html?room=3',
    });
    const program = await mini;
    if (program.kind !== 'mini-program') throw new Error(program.kind);
    expect([program.title, program.weappAppId, program.pagePath]).toEqual([
      '下午例会',
      'wxe638e634ed8b3907',
      'pages/index/index.html?room=3',
    ]);

    const link = received(bob, 'link');
    const room = alice.client.contacts.rooms().find((r) => r.topic === 'Shares');
    if (!room) throw new Error('no room');
    await alice.client.sendLink(room.userName, { title: 'Docs', url: 'https://example.com/docs' });
    const got = await link;
    if (got.kind !== 'link') throw new Error(got.kind);
    expect([got.title, got.url, got.chat.isRoom]).toEqual(['Docs', 'https://example.com/docs', true]);
  });
});

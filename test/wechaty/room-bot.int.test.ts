/**
 * A Wechaty room bot on PuppetWebwx: it sees members join and leave and the topic change (the phone's
 * world changes, src/emulator/phone-world.ts), answers a mention with a mention, and changes the room
 * itself (topic, members) through the puppet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Contact, Message, Room } from 'wechaty';
import { buildBot, nextEvent, startBot, startTestEmulator, stopLaunched } from './wechaty-bots.js';

afterEach(stopLaunched);

const FAMILY = '相亲相爱一家人';

describe('a room bot on PuppetWebwx', () => {
  it('sees join, leave and topic events, and answers a mention with a mention', async () => {
    const emulator = await startTestEmulator();
    const { bot, errors } = buildBot(emulator);
    await startBot(bot);
    const room = await bot.Room.find({ topic: FAMILY });
    expect(room).toBeDefined();
    if (!room) return;
    expect(room.id).toMatch(/^[paf]:/);
    const members = await room.memberAll();
    expect(members.map((m) => m.name()).sort()).toEqual(
      ['周丽', '妈妈', '小明', '李建国', '爸爸', '王芳'].sort(),
    );
    const mama = members.find((m) => m.name() === '妈妈');
    expect(await room.alias(members.find((m) => m.name() === '李建国') as Contact)).toBe('三舅');

    // The owner adds 老张: room-join with the invitee and the inviter.
    const joined = nextEvent<[Room, Contact[], Contact]>(bot, 'room-join');
    emulator.phone.addToRoom(FAMILY, ['wxid_zhangwei01']);
    const [joinRoom, invitees, inviter] = await joined;
    expect(joinRoom.id).toBe(room.id);
    expect(invitees.map((c) => c.name())).toEqual(['张伟']);
    expect(inviter.id).toBe(mama?.id);
    expect((await joinRoom.memberAll()).map((m) => m.name())).toContain('张伟');

    // He quits: the server tells the other members nothing but the new member list; the bot still
    // gets room-leave, with him as the one who left.
    const left = nextEvent<[Room, Contact[], Contact]>(bot, 'room-leave');
    emulator.phone.leaveRoom(FAMILY, 'wxid_zhangwei01');
    const [leaveRoom, leavers, remover] = await left;
    expect(leaveRoom.id).toBe(room.id);
    expect(leavers.map((c) => c.name())).toEqual(['张伟']);
    expect(remover.name()).toBe('张伟');
    expect((await leaveRoom.memberAll()).map((m) => m.name())).not.toContain('张伟');

    // The owner renames the room: room-topic with the old and the new topic; the room keeps its id.
    const renamed = nextEvent<[Room, string, string, Contact]>(bot, 'room-topic');
    emulator.phone.renameRoom(FAMILY, '一家人');
    const [topicRoom, newTopic, oldTopic, changer] = await renamed;
    expect(topicRoom.id).toBe(room.id);
    expect([newTopic, oldTopic]).toEqual(['一家人', FAMILY]);
    expect(changer.id).toBe(mama?.id);
    expect(await topicRoom.topic()).toBe('一家人');

    // 爸爸 mentions the bot; it answers him with a mention (U+2005 after the name).
    const mentioned = nextEvent<[Message]>(bot, 'message', (m) => m.room() !== undefined);
    emulator.phone.sendText({ from: 'wxid_baba12', room: '一家人', text: '@小明\u2005吃饭了吗' });
    const [msg] = await mentioned;
    expect(await msg.mentionSelf()).toBe(true);
    expect(await msg.mentionText()).toBe('吃饭了吗');
    const talker = msg.talker();
    await msg.room()?.say('来了', talker);
    const sent = await emulator.phone.waitForSent((r) => r.content.includes('来了'));
    expect(sent.content).toBe('@爸爸\u2005来了');
    expect(errors).toEqual([]);
  });

  it('changes a room it owns: topic, remove and add members, through the puppet', async () => {
    const emulator = await startTestEmulator();
    const { bot } = buildBot(emulator);
    await startBot(bot);
    const room = await bot.Room.find({ topic: '项目组-工作群' });
    if (!room) throw new Error('no room');
    await room.topic('项目组');
    const world = emulator.world;
    expect(world.findRoom('20190101002@chatroom')?.topic).toBe('项目组');
    const david = await bot.Contact.find({ name: 'David Lee' });
    if (!david) throw new Error('no contact');
    const left = nextEvent<[Room, Contact[], Contact]>(bot, 'room-leave');
    // Wechaty types del() with its ContactImpl class, which Contact.find() returns at run time.
    await room.del(david as Parameters<typeof room.del>[0]);
    expect(world.findRoom('20190101002@chatroom')?.memberIds).not.toContain('wxid_david10');
    const [, leavers, remover] = await left;
    expect(leavers.map((c) => c.id)).toEqual([david.id]);
    expect(remover.id).toBe(bot.currentUser.id);
    const joined = nextEvent<[Room, Contact[], Contact]>(bot, 'room-join');
    await room.add(david);
    expect(world.findRoom('20190101002@chatroom')?.memberIds).toContain('wxid_david10');
    const [, invitees, inviter] = await joined;
    expect(invitees.map((c) => c.id)).toEqual([david.id]);
    expect(inviter.id).toBe(bot.currentUser.id);
    expect((await room.memberAll()).map((m) => m.id)).toContain(david.id);
  });
});

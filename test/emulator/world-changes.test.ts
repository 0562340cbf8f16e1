/** The emulator's world changes: rules, system texts (§9.6), and ModContactList delivery over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator, type WorldSpec } from '../../src/emulator/index.js';
import { systemText } from '../../src/emulator/system-texts.js';
import { API, init, type LoggedIn, login, q, sync, syncCheck } from './helpers.js';

const WORLD: WorldSpec = {
  self: { id: 'wxid_me', nickName: 'Me' },
  contacts: [
    { id: 'wxid_a', nickName: 'A' },
    { id: 'wxid_b', nickName: 'B' },
    { id: 'wxid_s', nickName: 'S', kind: 'stranger' },
  ],
  rooms: [{ id: '9001@chatroom', topic: 'T', owner: 'wxid_a', members: ['wxid_a', 'wxid_b', 'wxid_s'] }],
  recent: [],
};

describe('system texts (§9.6)', () => {
  it.each([
    [
      { kind: 'you-accepted', name: 'N' },
      '你已添加了N，现在可以开始聊天了。',
      'You have added N as your WeChat contact. Start chatting!',
    ],
    [
      { kind: 'they-accepted', name: 'N' },
      'N刚刚把你添加到通讯录，现在可以开始聊天了。',
      'N just added you to his/her contacts list. Send a message to him/her now!',
    ],
    [
      { kind: 'you-invited', names: ['A', 'B'] },
      '你邀请"A、B"加入了群聊  ',
      'You invited A、B to the group chat.   ',
    ],
    [
      { kind: 'x-invited', inviter: 'X', names: ['A'] },
      '"X"邀请"A"加入了群聊',
      'X invited A to the group chat',
    ],
    [
      { kind: 'x-invited-you', inviter: 'X', others: ['A', 'B'] },
      '"X"邀请你加入了群聊，群聊参与人还有：A、B',
      'X invited you to a group chat with A、B',
    ],
    [
      { kind: 'x-invited-you-and', inviter: 'X', names: ['A'] },
      '"X"邀请你和"A"加入了群聊',
      'X invited you and A to the group chat',
    ],
    [{ kind: 'you-removed', name: 'A' }, '你将"A"移出了群聊', 'You removed "A" from the group chat'],
    [{ kind: 'you-were-removed', by: 'X' }, '你被"X"移出群聊', 'You were removed from the group chat by "X"'],
    [{ kind: 'x-renamed', by: 'X', topic: 'T' }, '"X"修改群名为“T”', '"X" changed the group name to "T"'],
    [{ kind: 'you-renamed', topic: 'T' }, '你修改群名为“T”', 'You changed the group name to "T"'],
  ] as const)('%o', (event, zh, en) => {
    expect(systemText(event, 'zh')).toBe(zh);
    expect(systemText(event, 'en')).toBe(en);
  });
});

describe('world changes over HTTP', () => {
  let emu: Emulator;
  let li: LoggedIn;
  let key: Parameters<typeof sync>[1];
  const post = async (path: string, body: Record<string, unknown>) =>
    JSON.parse(
      (
        await li.browser.post(`${API}/${path}${path.includes('?') ? '&' : '?'}${q(li)}`, {
          BaseRequest: li.baseRequest,
          ...body,
        })
      ).text,
    ) as {
      BaseResponse: { Ret: number; ErrMsg: string };
      [k: string]: unknown;
    };
  let names: Map<string, string>;

  beforeAll(async () => {
    emu = await startEmulator({
      port: 0,
      world: WORLD,
      kickPreviousSession: false,
      timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 },
    });
    li = await login(emu);
    const i = await init(li);
    key = i.SyncKey as typeof key;
    const batch = JSON.parse(
      (
        await li.browser.post(`${API}/webwxbatchgetcontact?type=ex&${q(li)}`, {
          BaseRequest: li.baseRequest,
          Count: 1,
          List: [{ UserName: '' }],
        })
      ).text,
    );
    expect(batch.BaseResponse.Ret).toBe(0);
    const contacts = JSON.parse(
      (await li.browser.get(`${API}/webwxgetcontact?${q(li)}&seq=0&skey=${li.skey}`)).text,
    );
    names = new Map<string, string>();
    for (const c of contacts.MemberList as { UserName: string; NickName: string }[])
      names.set(c.NickName, c.UserName);
    const s = await sync(li, key);
    key = s.SyncKey;
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('delivers a phone-side change in the next webwxsync, after synccheck selector 4', async () => {
    emu.phone.setRemark('wxid_a', 'Ay');
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"0",selector:"4"}');
    const s = await sync(li, key);
    key = s.SyncKey;
    expect(s.ModContactCount).toBe(1);
    expect((s.ModContactList as { RemarkName: string; UserName: string }[])[0]).toMatchObject({
      RemarkName: 'Ay',
      UserName: names.get('A'),
    });
    const again = await sync(li, key);
    expect(again.ModContactCount).toBe(0);
  });

  it('answers the rule violations with their Ret and changes nothing', async () => {
    const room = (
      JSON.parse((await li.browser.get(`${API}/webwxgetcontact?${q(li)}&seq=0&skey=${li.skey}`)).text)
        .MemberList as { UserName: string; NickName: string }[]
    ).find((c) => c.NickName === 'T')?.UserName as string;
    // Only the owner (A) may remove.
    const del = await post('webwxupdatechatroom?fun=delmember', {
      ChatRoomName: room,
      DelMemberList: names.get('B'),
    });
    expect(del.BaseResponse.Ret).toBe(1);
    expect(emu.world.room('9001@chatroom')?.memberIds).toContain('wxid_b');
    // Unknown members, empty topics, unknown fun, a bad opcode.
    expect(
      (await post('webwxupdatechatroom?fun=addmember', { ChatRoomName: room, AddMemberList: '@nobody' }))
        .BaseResponse.Ret,
    ).toBe(1);
    expect(
      (await post('webwxupdatechatroom?fun=modtopic', { ChatRoomName: room, NewTopic: '' })).BaseResponse.Ret,
    ).toBe(1);
    expect((await post('webwxupdatechatroom?fun=explode', { ChatRoomName: room })).BaseResponse.Ret).toBe(1);
    expect(
      (await post('webwxupdatechatroom?fun=modtopic', { ChatRoomName: '@@nope', NewTopic: 'x' })).BaseResponse
        .Ret,
    ).toBe(1);
    expect(
      (
        await post('webwxverifyuser?r=1', {
          Opcode: 9,
          VerifyUserList: [{ Value: names.get('A'), VerifyUserTicket: '' }],
        })
      ).BaseResponse.Ret,
    ).toBe(1);
    expect((await post('webwxoplog', { UserName: names.get('A'), CmdId: 7 })).BaseResponse.Ret).toBe(1);
    expect(
      (await post('webwxcreatechatroom?r=1', { MemberCount: 1, MemberList: [{ UserName: names.get('A') }] }))
        .BaseResponse.Ret,
    ).toBe(1);
    // A stranger cannot be added by the self.
    const strangerRoom = emu.world.room('9001@chatroom');
    expect(strangerRoom?.memberIds).toContain('wxid_s');
    // Not logged in: 1101.
    const anon = JSON.parse(
      (await li.browser.post(`${API}/webwxoplog`, { BaseRequest: { Uin: 1, Sid: 'x', Skey: 'y' } })).text,
    );
    expect(anon.BaseResponse.Ret).toBe(1101);
    expect(emu.world.room('9001@chatroom')?.topic).toBe('T');
  });

  it('sends the system texts in English when asked, and to every active session', async () => {
    const other = await login(emu);
    emu.phone.setSystemLanguage('en');
    try {
      emu.phone.renameRoom('9001@chatroom', 'New');
      const s = await sync(li, key);
      key = s.SyncKey;
      const texts = s.AddMsgList.filter((m) => m.MsgType === 10000).map((m) => m.Content);
      expect(texts).toEqual(['"Ay" changed the group name to "New"']);
      expect((s.ModContactList as { NickName: string }[])[0]?.NickName).toBe('New');
      const i2 = await init(other);
      const s2 = await sync(other, i2.SyncKey as typeof key);
      expect(s2.AddMsgList.some((m) => m.Content === '"Ay" changed the group name to "New"')).toBe(true);
    } finally {
      emu.phone.setSystemLanguage('zh');
    }
  });
});

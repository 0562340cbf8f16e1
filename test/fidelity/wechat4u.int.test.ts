/**
 * Fidelity: unmodified wechat4u 0.7.14 (from node_modules, in a child process) logs in and chats
 * through the emulator's proxy mode, configured only by HTTPS_PROXY and NODE_EXTRA_CA_CERTS, and
 * driven only through its public API and documented events. The phone side is the emulator's.
 */
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { type DriverContact, Wechat4uProcess } from './wechat4u-process.js';

let emu: Emulator;
let bot: Wechat4uProcess;
let contacts: DriverContact[] = [];
let second: Wechat4uProcess | undefined;

function userNameOf(nickName: string): string {
  const c = contacts.find((x) => x.NickName === nickName);
  if (c === undefined) throw new Error(`wechat4u has no contact ${nickName}`);
  return c.UserName;
}

beforeAll(async () => {
  emu = await startEmulator({
    proxy: true,
    timing: { loginPollHoldMs: 3_000, syncCheckHoldMs: 5_000 },
  });
  bot = new Wechat4uProcess(emu.proxy!);
});

afterAll(async () => {
  await second?.kill();
  await bot?.kill();
  await emu?.close();
});

describe('wechat4u through proxy mode', () => {
  it('logs in by QR: uuid, scan (user-avatar), confirm (login) — as a UOS desktop session', async () => {
    const uuidEvent = await bot.waitFor((e) => e.event === 'uuid', { what: 'uuid' });
    const uuid = uuidEvent.uuid as string;
    expect(uuid).toMatch(/^[A-Za-z0-9+/_-]{10}==$/);
    const qr = emu.phone.qrCodes().find((q) => q.uuid === uuid);
    expect(qr).toMatchObject({ state: 'waiting', desktop: true });
    emu.phone.scan(uuid);
    const avatar = await bot.waitFor((e) => e.event === 'user-avatar', { what: 'user-avatar' });
    expect(avatar.prefix).toBe('data:img/jpg;base64,/9j');
    emu.phone.confirm(uuid);
    const login = await bot.waitFor((e) => e.event === 'login', { what: 'login' });
    expect(login.user).toMatchObject({ NickName: emu.world.self.nickName, Uin: emu.world.self.uin });
    const [session] = emu.phone.sessions();
    expect(session).toMatchObject({ state: 'active', desktop: true, initialized: true });
    expect((login.user as { UserName: string }).UserName).toBe(session!.selfUserName);
  });

  it('loads the contacts: every listed contact, and every saved room with its members', async () => {
    const listed = emu.world.listedContacts();
    const rooms = emu.world.rooms.filter((r) => r.saved);
    const expected = listed.length + rooms.length;
    await bot.waitFor((e) => e.event === 'contacts-updated' && (e.total as number) >= expected, {
      what: `${expected} contacts`,
    });
    // Rooms are filled by webwxbatchgetcontact (MemberCount > 0) after webwxgetcontact listed them empty.
    const deadline = Date.now() + 10_000;
    for (;;) {
      contacts = await bot.command<DriverContact[]>('contacts');
      const roomsFilled = contacts.filter((c) => c.UserName.startsWith('@@') && c.MemberCount > 0);
      if (roomsFilled.length >= rooms.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Emoji come back from their spans (§9.3); the span form drops U+FE0F.
    const plain = (name: string) => name.replace(/\uFE0F/g, '');
    const names = new Set(contacts.map((c) => c.NickName));
    for (const c of listed) expect(names, c.nickName).toContain(plain(c.nickName));
    for (const r of rooms) {
      const room = contacts.find((c) => c.UserName.startsWith('@@') && c.NickName === plain(r.topic));
      expect(room, r.topic).toBeDefined();
      expect(room!.MemberCount).toBe(r.memberIds.length);
    }
    // Avatars: HeadImgUrl is relative; wechat4u prefixes https://wx.qq.com (§6.3).
    const zhang = contacts.find((c) => c.NickName === '张伟')!;
    expect(zhang.HeadImgUrl).toMatch(/^\/cgi-bin\/mmwebwx-bin\/webwxgeticon\?/);
    const head = await bot.command<{ base64: string; type: string }>('getHeadImg', { url: zhang.HeadImgUrl });
    expect(head.type).toBe('image/jpeg');
    expect(Buffer.from(head.base64, 'base64').subarray(0, 2).toString('hex')).toBe('ffd8');
    // Code 3 after init (§4.2), and the heartbeat to filehelper wechat4u sends at once (§12).
    expect(emu.phone.statusNotifications().some((n) => n.code === 3)).toBe(true);
    const heartbeat = await emu.phone.waitForSent((r) => r.to === 'filehelper');
    expect(heartbeat.content).toMatch(/^心跳：/);
  });

  it('receives a text from the phone as a message event, decoded back to the original text', async () => {
    const text = '在吗？ <b>晚上</b> & 吃饭\n第二行 😄';
    const injected = emu.phone.sendText({ from: '老张', text });
    expect(injected.deliveredTo).toBe(1);
    const msg = await bot.waitForMessage((m) => m.MsgId === injected.msgId);
    expect(msg).toMatchObject({ MsgType: 1, FromUserName: userNameOf('张伟'), isSendBySelf: false });
    expect(msg.Content).toBe(text);
  });

  it('receives a group message from a non-friend member, named by the in-group display name from the full MemberList', async () => {
    const injected = emu.phone.sendText({ from: 'wxid_uncle_s1', room: '相亲相爱一家人', text: '大家好' });
    const msg = await bot.waitForMessage((m) => m.MsgId === injected.msgId);
    const room = contacts.find((c) => c.NickName === '相亲相爱一家人')!;
    expect(msg.FromUserName).toBe(room.UserName);
    // wechat4u swaps the @member prefix for the member's display name (§9.3, §12 batchgetcontact).
    expect(msg.Content).toBe('三舅:\n大家好');
  });

  it('receives an image from the phone (MsgType 3) and downloads it with getMsgImg', async () => {
    const png = await QRCode.toBuffer('webwx fidelity image', { type: 'png' });
    const injected = await emu.phone.sendImage({ from: '老张', data: png, fileName: 'photo.png' });
    expect(injected.deliveredTo).toBe(1);
    const msg = await bot.waitForMessage((m) => m.MsgId === injected.msgId);
    expect(msg).toMatchObject({ MsgType: 3, FromUserName: userNameOf('张伟') });
    const img = await bot.command<{ base64: string; type: string }>('getMsgImg', { msgId: msg.MsgId });
    expect(Buffer.from(img.base64, 'base64').equals(png)).toBe(true);
  });

  it('receives a file from the phone (MsgType 49 / AppMsgType 6) and downloads it with getDoc', async () => {
    const data = randomBytes(70_000);
    const injected = await emu.phone.sendFile({ from: '老张', data, fileName: '季度报告.pdf' });
    const msg = await bot.waitForMessage((m) => m.MsgId === injected.msgId);
    expect(msg).toMatchObject({ MsgType: 49, AppMsgType: 6, FileName: '季度报告.pdf', FileSize: '70000' });
    const doc = await bot.command<{ base64: string; type: string }>('getDoc', {
      from: msg.FromUserName,
      mediaId: msg.MediaId,
      fileName: msg.FileName,
    });
    expect(Buffer.from(doc.base64, 'base64').equals(data)).toBe(true);
  });

  it('sends a text that the phone sees byte for byte', async () => {
    const to = userNameOf('张伟');
    const text = '好的，七点见 👍\n带上伞';
    const reply = await bot.command<{ MsgID: string; LocalID: string }>('sendText', { to, text });
    const sent = await emu.phone.waitForSent((r) => r.to === 'wxid_zhangwei01' && r.type === 1);
    expect(sent.content).toBe(text);
    expect(reply.MsgID).toBe(sent.msgId);
    expect(reply.LocalID).toBe(sent.localId);
    expect(sent.localId).toMatch(/^\d{16}$/);
  });

  it('sends an image (chunked upload to file.wx.qq.com, then webwxsendmsgimg) that the phone sees byte for byte', async () => {
    const to = userNameOf('张伟');
    // Over 512 KiB: wechat4u uploads it in two chunks. Bytes after IEND keep it a valid PNG.
    const png = Buffer.concat([await QRCode.toBuffer('webwx reply', { type: 'png' }), randomBytes(600_000)]);
    const reply = await bot.command<{ MsgID: string; LocalID: string }>(
      'sendFile',
      { to, filename: 'reply.png', base64: png.toString('base64') },
      30_000,
    );
    const sent = await emu.phone.waitForSent((r) => r.to === 'wxid_zhangwei01' && r.type === 3);
    expect(reply.MsgID).toBe(sent.msgId);
    expect(sent.media).toBeDefined();
    expect(sent.media!.size).toBe(png.length);
    expect(sent.media!.md5).toBe(createHash('md5').update(png).digest('hex'));
    expect((await sent.media!.bytes()).equals(png)).toBe(true);
  });

  it('revokes a sent text: the phone sees the revoke of that MsgID', async () => {
    const to = userNameOf('张伟');
    const reply = await bot.command<{ MsgID: string }>('sendText', { to, text: '发错了' });
    await emu.phone.waitForSent((r) => r.msgId === reply.MsgID);
    const revoked = await bot.command<{ Introduction?: string }>('revoke', { msgId: reply.MsgID, to });
    expect(revoked.Introduction).toContain('2分钟');
    const record = emu.phone.revokes().find((r) => r.msgId === reply.MsgID);
    expect(record).toMatchObject({ to: 'wxid_zhangwei01', found: true });
    // The whole session so far ran without a single wechat4u error event.
    expect(bot.errors).toEqual([]);
  });

  it('a logout from the phone reaches wechat4u as its logout event (synccheck 1100, then re-init answers 1101)', async () => {
    const from = bot.events.length;
    emu.phone.logout(1100);
    await bot.waitFor((e) => e.event === 'logout', { from, timeoutMs: 30_000, what: 'logout' });
    // The synccheck failures it counts are errors; the re-init itself is not (Ret 1101 is its logout).
    const after = bot.events.slice(from);
    expect(after.filter((e) => e.event === 'error' && e.tips === '同步失败').length).toBeGreaterThanOrEqual(
      3,
    );
    expect(after.filter((e) => e.event === 'error' && e.tips === '微信初始化失败')).toEqual([]);
    expect(emu.phone.sessions()[0]).toMatchObject({ state: 'ended', endCode: 1100, endReason: 'phone' });
  }, 40_000);

  it('a second wechat4u logs in again and bot.stop() logs out (webwxlogout) with its logout event', async () => {
    second = new Wechat4uProcess(emu.proxy!);
    const uuid = (await second.waitFor((e) => e.event === 'uuid', { what: 'uuid' })).uuid as string;
    emu.phone.scan(uuid);
    emu.phone.confirm(uuid);
    await second.waitFor((e) => e.event === 'login', { what: 'login' });
    const session = emu.phone.sessions().at(-1)!;
    expect(session.state).toBe('active');
    const ended = new Promise((resolve) => emu.phone.on('logout', resolve));
    const from = second.events.length;
    await second.command('stop');
    await second.waitFor((e) => e.event === 'logout', { from, what: 'logout' });
    expect(await ended).toEqual({ sessionId: session.id, code: 1101, reason: 'client-logout' });
  });
});

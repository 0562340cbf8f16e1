import { describe, expect, it } from 'vitest';
import { emptyWireContact } from '../../src/protocol/wire-defaults.js';
import { API, emulatorPerTest, init, login, q, type SyncKeyObj } from './helpers.js';

const start = emulatorPerTest();

/** Each contact field (§10.1) with its JSON type, from the protocol's empty contact (wire-defaults.ts). */
const CONTACT_FIELDS: Record<string, string> = Object.fromEntries(
  Object.entries(emptyWireContact()).map(([key, value]) => [key, typeof value]),
);

function expectContactShape(c: Record<string, unknown>): void {
  for (const [k, t] of Object.entries(CONTACT_FIELDS))
    expect(typeof c[k], `${k} of ${String(c.UserName)}`).toBe(t);
}

describe('webwxinit and webwxstatusnotify', () => {
  it('init has the full §4.1 shape; statusnotify answers MsgID and is recorded', async () => {
    const e = await start();
    const li = await login(e);
    const r = await init(li);
    expect(r.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
    const key = r.SyncKey as SyncKeyObj;
    expect(key.List.map((k) => k.Key)).toEqual([1, 2, 3, 1000]);
    expect(key.Count).toBe(4);
    expect(r.SKey).toBe(li.skey);
    expect(r.InviteStartCount).toBe(40);
    expect(r.GrayScale).toBe(1);
    expect(r.ClickReportInterval).toBe(600000);
    expect(typeof r.ClientVersion).toBe('number');
    expect(typeof r.SystemTime).toBe('number');
    expect(r.MPSubscribeMsgCount).toBe(1);
    const user = r.User as Record<string, unknown>;
    expect(user.Uin).toBe(Number(li.uin));
    expect(user.UserName).toMatch(/^@[0-9a-f]{32}$/);
    expect(user.NickName).toBe('小明');
    const list = r.ContactList as Record<string, unknown>[];
    expect(r.Count).toBe(list.length);
    for (const c of list) expectContactShape(c);
    const rooms = list.filter((c) => String(c.UserName).startsWith('@@'));
    expect(rooms.length).toBe(3);
    expect((rooms[0]!.MemberList as unknown[]).length).toBeGreaterThan(0);
    expect(r.ChatSet).toMatch(/^filehelper,.*,$/);

    const sn = await li.browser.post(`${API}/webwxstatusnotify?${q(li)}`, {
      BaseRequest: { ...li.baseRequest, Uin: li.uin },
      Code: 3,
      FromUserName: user.UserName,
      ToUserName: user.UserName,
      ClientMsgId: Date.now(),
    });
    expect(sn.headers.get('content-type')).toBe('text/plain');
    const snr = JSON.parse(sn.text);
    expect(snr.BaseResponse.Ret).toBe(0);
    expect(snr.MsgID).toMatch(/^\d{19}$/);
    expect(e.phone.statusNotifications()[0]).toMatchObject({ code: 3, to: e.world.self.id });
  });

  it('accepts Uin as a string, no DeviceID, JSON labelled as a form, twice-encoded or undefined pass_ticket', async () => {
    const e = await start();
    const li = await login(e);
    const body = JSON.stringify({ BaseRequest: { Uin: li.uin, Sid: li.sid, Skey: li.skey } });
    for (const pt of [encodeURIComponent(li.passTicket), 'undefined', decodeURIComponent(li.passTicket)]) {
      const r = await li.browser.request(`${API}/webwxinit?r=-1&pass_ticket=${pt}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(JSON.parse(r.text).BaseResponse.Ret).toBe(0);
    }
    const wrong = await li.browser.post(`${API}/webwxinit?pass_ticket=abc`, { BaseRequest: li.baseRequest });
    expect(JSON.parse(wrong.text).BaseResponse.Ret).toBe(1);
    const bad = await li.browser.post(`${API}/webwxinit?${q(li)}`, {
      BaseRequest: { ...li.baseRequest, Sid: 'nope' },
    });
    expect(JSON.parse(bad.text).BaseResponse.Ret).toBe(1101);
  });
});

describe('contacts', () => {
  it('demo getcontact lists friends, official, filehelper and saved groups with every §10.1 field', async () => {
    const e = await start();
    const li = await login(e);
    const r = JSON.parse(
      (await li.browser.get(`${API}/webwxgetcontact?${q(li)}&r=1&seq=0&skey=${li.skey}`)).text,
    );
    expect(r.Seq).toBe(0);
    expect(r.MemberCount).toBe(r.MemberList.length);
    for (const c of r.MemberList) expectContactShape(c);
    const names = r.MemberList.map((c: { NickName: string }) => c.NickName);
    expect(names).toContain('文件传输助手');
    expect(names).toContain('Carol <span class="emoji emoji1f338"></span>');
    const official = r.MemberList.find((c: { KeyWord: string }) => c.KeyWord === 'gh_');
    expect(official.VerifyFlag).toBe(24);
    const groups = r.MemberList.filter((c: { UserName: string }) => c.UserName.startsWith('@@'));
    expect(groups).toHaveLength(3);
    for (const g of groups) expect([g.MemberCount, g.MemberList.length]).toEqual([0, 0]);
    expect(r.MemberList.some((c: { NickName: string }) => c.NickName === 'Kevin W')).toBe(false);
    // POST with {} works too
    const post = JSON.parse(
      (await li.browser.post(`${API}/webwxgetcontact?skey=${li.skey}&${q(li)}`, {})).text,
    );
    expect(post.MemberCount).toBe(r.MemberCount);
  });

  it('batchgetcontact: groups with full members, member lookup by @@room or EncryChatRoomId, more than 50 → Ret 1', async () => {
    const e = await start();
    const li = await login(e);
    const r = JSON.parse((await li.browser.get(`${API}/webwxgetcontact?seq=0&skey=${li.skey}`)).text);
    const groups = r.MemberList.filter((c: { UserName: string }) => c.UserName.startsWith('@@'));
    const b = JSON.parse(
      (
        await li.browser.post(`${API}/webwxbatchgetcontact?type=ex&r=1&${q(li)}`, {
          BaseRequest: li.baseRequest,
          Count: groups.length,
          List: groups.map((g: { UserName: string }) => ({ UserName: g.UserName, ChatRoomId: '' })),
        })
      ).text,
    );
    expect(b.Count).toBe(3);
    const family = b.ContactList.find((g: { NickName: string }) => g.NickName === '相亲相爱一家人');
    expectContactShape(family);
    expect(family.EncryChatRoomId).toMatch(/^@[0-9a-f]{32}$/);
    expect(family.MemberCount).toBe(6);
    const uncle = family.MemberList.find((m: { DisplayName: string }) => m.DisplayName === '三舅');
    expect(uncle).toMatchObject({ Uin: 0, NickName: '李建国', MemberStatus: 0, KeyWord: '' });
    for (const ref of [family.UserName, family.EncryChatRoomId]) {
      const m = JSON.parse(
        (
          await li.browser.post(`${API}/webwxbatchgetcontact?type=ex&${q(li)}`, {
            BaseRequest: li.baseRequest,
            Count: 1,
            List: [{ UserName: uncle.UserName, EncryChatRoomId: ref }],
          })
        ).text,
      );
      expect(m.ContactList[0]).toMatchObject({
        UserName: uncle.UserName,
        NickName: '李建国',
        ContactFlag: 0,
        DisplayName: '三舅',
      });
    }
    const tooMany = JSON.parse(
      (
        await li.browser.post(`${API}/webwxbatchgetcontact?type=ex&${q(li)}`, {
          BaseRequest: li.baseRequest,
          Count: 51,
          List: Array.from({ length: 51 }, () => ({ UserName: uncle.UserName, EncryChatRoomId: '' })),
        })
      ).text,
    );
    expect(tooMany.BaseResponse.Ret).toBe(1);
  });

  it('session UserNames are fresh for every login', async () => {
    const e = await start({ kickPreviousSession: false });
    const a = await login(e);
    const b = await login(e);
    const ua = ((await init(a)).User as { UserName: string }).UserName;
    const ub = ((await init(b)).User as { UserName: string }).UserName;
    expect(ua).not.toBe(ub);
    expect(e.phone.sessions().every((s) => s.state === 'active')).toBe(true);
  });
});

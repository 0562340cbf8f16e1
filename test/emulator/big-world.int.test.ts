import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { API, login, q } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    world: { generate: { contacts: 5000, rooms: 200, membersPerRoom: 500, seed: 7 } },
  });
});
afterAll(async () => {
  await emu.close();
});

describe('a generated 5,000 / 200 / 500 world', () => {
  it('serves every contact through paged getcontact and every member through batchgetcontact', async () => {
    const li = await login(emu);
    const all: { UserName: string; MemberCount: number }[] = [];
    let seq = 0;
    let pages = 0;
    do {
      const r = JSON.parse(
        (await li.browser.get(`${API}/webwxgetcontact?${q(li)}&r=1&seq=${seq}&skey=${li.skey}`)).text,
      );
      expect(r.BaseResponse.Ret).toBe(0);
      expect(r.MemberList).toHaveLength(r.MemberCount);
      all.push(...r.MemberList);
      seq = r.Seq;
      pages += 1;
    } while (seq !== 0 && pages < 50);
    expect(pages).toBeGreaterThan(1);
    const rooms = all.filter((c) => c.UserName.startsWith('@@'));
    expect(all.length).toBe(5000 + 1 + 200); // contacts + filehelper + saved rooms
    expect(new Set(all.map((c) => c.UserName)).size).toBe(all.length);
    expect(rooms).toHaveLength(200);

    let members = 0;
    const memberNames = new Set<string>();
    for (let i = 0; i < rooms.length; i += 50) {
      const batch = rooms.slice(i, i + 50);
      const r = JSON.parse(
        (
          await li.browser.post(`${API}/webwxbatchgetcontact?type=ex&r=1&${q(li)}`, {
            BaseRequest: li.baseRequest,
            Count: batch.length,
            List: batch.map((g) => ({ UserName: g.UserName, EncryChatRoomId: '' })),
          })
        ).text,
      );
      expect(r.Count).toBe(batch.length);
      for (const g of r.ContactList) {
        expect(g.MemberCount).toBe(500);
        expect(g.MemberList).toHaveLength(500);
        members += g.MemberList.length;
        for (const m of g.MemberList) memberNames.add(m.UserName);
      }
    }
    expect(members).toBe(200 * 500);
    const friendNames = new Set(all.map((c) => c.UserName));
    const strangers = [...memberNames].filter((n) => !friendNames.has(n));
    expect(strangers.length).toBeGreaterThan(1000);
  });
});

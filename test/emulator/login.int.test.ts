import { describe, expect, it } from 'vitest';
import { REFUSAL_MESSAGE, startEmulator } from '../../src/emulator/index.js';
import { API, Browser, emulatorPerTest, jslogin, login } from './helpers.js';

const start = emulatorPerTest();

describe('login family', () => {
  it('answers GET / with 200 and unknown paths with 404', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    expect((await b.get('/')).status).toBe(200);
    const nf = await b.get(`${API}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.text.length).toBeLessThan(100);
  });

  it('jslogin is byte-exact for GET, POST-with-query and POST-with-form', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const shape = /^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "([A-Za-z0-9]{10}==)";$/;
    const get = await b.get(
      '/jslogin?appid=wx782c26e4c19acffb&redirect_uri=https%3A%2F%2Fwx.qq.com%2Fcgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage&fun=new&lang=zh_CN&_=1',
    );
    expect(get.text).toMatch(shape);
    expect(get.text).toHaveLength(64);
    expect(get.headers.get('content-type')).toBe('text/javascript');
    const postQuery = await b.request(
      '/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh-CN&redirect_uri=https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop',
      { method: 'POST' },
    );
    expect(postQuery.text).toMatch(shape);
    const postForm = await b.request('/jslogin', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1',
    });
    expect(postForm.text).toMatch(shape);
    const desktopUuid = shape.exec(postQuery.text)![1]!;
    expect(e.phone.qrCodes().find((q) => q.uuid === desktopUuid)?.desktop).toBe(true);
    expect(e.phone.qrCodes().filter((q) => !q.desktop)).toHaveLength(2);
  });

  it('serves the QR as a PNG of <baseUrl>/l/<uuid> and a small /l/ page', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    const res = await fetch(`${e.baseUrl}/qrcode/${uuid}`);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const page = await b.get(`/l/${uuid}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(uuid);
  });

  it('holds the poll and answers at once on scan (201 with avatar), then 200 on confirm', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    const t0 = Date.now();
    const pending = b.get(`${API}/login?loginicon=true&uuid=${uuid}&tip=1&r=-1&_=1`);
    await new Promise((r) => setTimeout(r, 200));
    e.phone.scan(uuid);
    const scanned = await pending;
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1500);
    expect(scanned.text).toMatch(
      /^window\.code=201;window\.userAvatar = 'data:img\/jpg;base64,\/9j\/[A-Za-z0-9+/=]+';$/,
    );
    expect(scanned.headers.get('content-type')).toBe('text/javascript');
    const next = b.get(`${API}/login?loginicon=true&uuid=${uuid}&tip=0&r=-1&_=2`);
    setTimeout(() => e.phone.confirm(uuid), 100);
    const confirmed = await next;
    expect(confirmed.text).toMatch(
      new RegExp(
        `^window\\.code=200;window\\.redirect_uri="${e.baseUrl.replace(/\./g, '\\.')}/cgi-bin/mmwebwx-bin/webwxnewloginpage\\?ticket=[A-Za-z0-9_-]{24}@qrticket_0&uuid=${uuid.replace(/=/g, '=')}&lang=zh_CN&scan=\\d{10}";$`,
      ),
    );
    expect(e.phone.qrCodes()[0]!.state).toBe('confirmed');
  });

  it('answers 201 without avatar when loginicon is absent; 408 after the hold; 400 for unknown or expired', async () => {
    const e = await start({ timing: { loginPollHoldMs: 300, syncCheckHoldMs: 300, qrExpiryMs: 60_000 } });
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    const t0 = Date.now();
    expect((await b.get(`${API}/login?uuid=${uuid}&tip=1`)).text).toBe('window.code=408;');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    e.phone.scan(uuid);
    expect((await b.get(`${API}/login?uuid=${uuid}&tip=0`)).text).toBe('window.code=201;');
    expect((await b.get(`${API}/login?uuid=${uuid}&tip=0`)).text).toBe('window.code=408;');
    expect((await b.get(`${API}/login?uuid=nope123456==&tip=0`)).text).toBe('window.code=400;');
    const held = b.get(`${API}/login?uuid=${uuid}&tip=0`);
    e.phone.expire(uuid);
    expect((await held).text).toBe('window.code=400;');
  });

  it('expires a QR after qrExpiryMs and answers 202 after cancel', async () => {
    const e = await start({ timing: { loginPollHoldMs: 2000, qrExpiryMs: 150 } });
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    expect((await b.get(`${API}/login?uuid=${uuid}&tip=1`)).text).toBe('window.code=400;');
    expect(e.phone.qrCodes()[0]!.state).toBe('expired');
    const e2 = await startEmulator({ timing: { loginPollHoldMs: 2000 } });
    try {
      const b2 = new Browser(e2.baseUrl);
      const u2 = await jslogin(b2);
      const held = b2.get(`${API}/login?uuid=${u2}&tip=1`);
      e2.phone.cancel(u2);
      expect((await held).text).toBe('window.code=202;');
    } finally {
      await e2.close();
    }
  });

  it('webwxnewloginpage: XML, cookies without Domain, 200 plain and 301 with UOS headers, single-use ticket', async () => {
    const e = await start();
    const plain = await login(e);
    expect(plain.loginPage.status).toBe(200);
    expect(plain.loginPage.headers.get('content-type')).toBe('text/plain;charset=utf-8');
    expect(plain.loginPage.text).toMatch(
      /^<error><ret>0<\/ret><message><\/message><skey>@crypt_[0-9a-f]{8}_[0-9a-f]{32}<\/skey><wxsid>[A-Za-z0-9]{16}<\/wxsid><wxuin>\d{9,10}<\/wxuin><pass_ticket>[A-Za-z0-9%]+<\/pass_ticket><isgrayscale>1<\/isgrayscale><\/error>$/,
    );
    expect(plain.passTicket).toMatch(/%2B/);
    expect(plain.passTicket).toMatch(/%2F/);
    const setCookies = plain.loginPage.headers.getSetCookie();
    const names = setCookies.map((c) => c.split('=')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'wxuin',
        'wxsid',
        'webwx_data_ticket',
        'webwx_auth_ticket',
        'webwxuvid',
        'wxloadtime',
        'mm_lang',
      ]),
    );
    for (const c of setCookies) {
      expect(c).toContain('Path=/');
      expect(c.toLowerCase()).not.toContain('domain');
    }
    expect(plain.browser.cookies.get('wxsid')).toBe(plain.sid);
    expect(plain.browser.cookies.get('wxuin')).toBe(plain.uin);

    const uos = await login(e, { uos: true });
    expect(uos.loginPage.status).toBe(301);
    expect(uos.loginPage.headers.get('location')).toBeNull();
    expect(uos.loginPage.headers.getSetCookie().length).toBe(7);

    // the ticket is single use
    const again = await uos.browser.get(uos.redirectUri);
    expect(again.text).toMatch(/^<error><ret>-14<\/ret>/);
    expect(again.headers.getSetCookie()).toHaveLength(0);
  });

  it('refusal mode answers ret 1203 with the exact message and no cookies', async () => {
    const e = await start({ refuseLogin: {} });
    const b = new Browser(e.baseUrl);
    const uuid = await jslogin(b);
    e.phone.confirm(uuid);
    const poll = await b.get(`${API}/login?uuid=${uuid}&tip=0`);
    const url = /redirect_uri="([^"]+)"/.exec(poll.text)![1]!;
    const page = await b.get(url);
    expect(page.text).toBe(`<error><ret>1203</ret><message>${REFUSAL_MESSAGE}</message></error>`);
    expect(REFUSAL_MESSAGE).toContain('https://pc.weixin.qq.com  Mac');
    expect(page.headers.getSetCookie()).toHaveLength(0);
    expect(e.phone.sessions()).toHaveLength(0);
  });

  it('push login: known uin gets a waiting push QR the phone confirms; unknown uin ret 1', async () => {
    const e = await start();
    const b = new Browser(e.baseUrl);
    const unknown = await b.get(`${API}/webwxpushloginurl?uin=${e.world.self.uin}`);
    expect(JSON.parse(unknown.text).ret).toBe('1');
    const li = await login(e);
    const qrSeen = e.phone.waitForQr({ after: li.uuid });
    const r = await li.browser.get(`${API}/webwxpushloginurl?uin=${li.uin}`);
    const parsed = JSON.parse(r.text) as { ret: string; msg: string; uuid: string };
    expect(parsed).toMatchObject({ ret: '0', msg: 'all ok' });
    const qr = await qrSeen;
    expect(qr).toMatchObject({ uuid: parsed.uuid, state: 'waiting', push: true });
    const held = li.browser.get(`${API}/login?uuid=${parsed.uuid}&tip=0`);
    e.phone.confirm(parsed.uuid);
    expect((await held).text).toMatch(/^window\.code=200;window\.redirect_uri="/);
  });

  it('a new login ends the previous session with 1101 (kicked)', async () => {
    const e = await start();
    await login(e);
    await login(e);
    const sessions = e.phone.sessions();
    expect(sessions.map((s) => s.state)).toEqual(['ended', 'active']);
    expect(sessions[0]).toMatchObject({ endCode: 1101, endReason: 'kicked' });
  });
});

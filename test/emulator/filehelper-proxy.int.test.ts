/** The File Transfer web through proxy mode: the entry hosts, served as themselves (PROTOCOL.md §14). */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, SERVED_HOSTS, startEmulator } from '../../src/emulator/index.js';
import { publicHostFor } from '../../src/emulator/proxy/hosts.js';
import { FH_APPID, MARKER } from './filehelper-login.js';
import { viaProxy } from './proxy-client.js';

const emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function start(): Promise<Emulator> {
  const e = await startEmulator({ proxy: true, timing: { loginPollHoldMs: 300, syncCheckHoldMs: 300 } });
  emulators.push(e);
  return e;
}

const API = '/cgi-bin/mmwebwx-bin';

function jsloginPath(entry: string | undefined): string {
  const redirect =
    entry === undefined
      ? ''
      : `&redirect_uri=${encodeURIComponent(`https://${entry}${API}/webwxnewloginpage`)}`;
  return `/jslogin?appid=${FH_APPID}${redirect}&fun=new&lang=zh_CN&_=${Date.now()}`;
}

/** jslogin and the confirmed poll on `loginHost` through the proxy: the poll's redirect_uri. */
async function redirectVia(e: Emulator, loginHost: string, entry?: string): Promise<string> {
  const j = await viaProxy(e, `https://${loginHost}${jsloginPath(entry)}`);
  const uuid = /uuid = "([^"]+)"/.exec(j.text)![1]!;
  e.phone.scan(uuid);
  e.phone.confirm(uuid);
  const poll = await viaProxy(
    e,
    `https://${loginHost}${API}/login?loginicon=true&uuid=${encodeURIComponent(uuid)}&tip=1&r=-1&_=1&appid=${FH_APPID}`,
  );
  return /window\.redirect_uri="([^"]+)";/.exec(poll.text)![1]!;
}

describe('File Transfer web: proxy mode', () => {
  it('serves the three entry hosts, each in its family but as itself', () => {
    for (const h of ['filehelper.weixin.qq.com', 'szfilehelper.weixin.qq.com', 'cmfilehelper.weixin.qq.com'])
      expect(SERVED_HOSTS.has(h), h).toBe(true);
    expect(publicHostFor('filehelper.weixin.qq.com')).toEqual({
      host: 'filehelper.weixin.qq.com',
      mainHost: 'wx.qq.com',
      cookieDomain: '.qq.com',
      entryHost: 'filehelper.weixin.qq.com',
    });
    expect(publicHostFor('SZFILEHELPER.weixin.qq.com:443')).toMatchObject({
      mainHost: 'wx2.qq.com',
      entryHost: 'szfilehelper.weixin.qq.com',
    });
    expect(publicHostFor('cmfilehelper.weixin.qq.com').mainHost).toBe('wx8.qq.com');
    expect(publicHostFor('file.wx.qq.com').entryHost).toBeUndefined();
  });

  it('terminates TLS for an entry host with a certificate naming it', async () => {
    const e = await start();
    const proxy = new URL(e.proxy!.url);
    const raw = netConnect(Number(proxy.port), proxy.hostname);
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    raw.write(
      'CONNECT szfilehelper.weixin.qq.com:443 HTTP/1.1\r\nHost: szfilehelper.weixin.qq.com:443\r\n\r\n',
    );
    await new Promise<void>((resolve) => raw.once('data', () => resolve()));
    const tls = tlsConnect({ socket: raw, servername: 'szfilehelper.weixin.qq.com', ca: e.proxy!.caCertPem });
    await new Promise<void>((resolve, reject) => {
      tls.once('secureConnect', () => resolve());
      tls.once('error', reject);
    });
    expect(tls.authorized).toBe(true);
    expect(tls.getPeerCertificate().subjectaltname).toBe('DNS:szfilehelper.weixin.qq.com');
    tls.destroy();
  });

  it('the poll redirects to the entry host jslogin named; the session lives there with cookies scoped to it', async () => {
    const e = await start();
    const redirect = await redirectVia(e, 'login.wx2.qq.com', 'szfilehelper.weixin.qq.com');
    expect(redirect).toMatch(
      /^https:\/\/szfilehelper\.weixin\.qq\.com\/cgi-bin\/mmwebwx-bin\/webwxnewloginpage\?ticket=[^&]+@qrticket_0&uuid=/,
    );
    const page = await viaProxy(e, `${redirect}&fun=new&version=v2`, { headers: MARKER });
    expect(page.status).toBe(200);
    const cookies = page.headers['set-cookie'] as string[];
    const byName = new Map(cookies.map((c) => [c.slice(0, c.indexOf('=')), c]));
    for (const name of ['wxuin', 'wxsid', 'webwx_auth_ticket'])
      expect(byName.get(name), name).toMatch(/; Domain=szfilehelper\.weixin\.qq\.com; Secure$/);
    expect(byName.get('webwx_data_ticket')).toMatch(/; Domain=\.qq\.com; Secure$/);
    const tag = (t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(page.text)![1]!;
    const baseRequest = { Uin: Number(tag('wxuin')), Sid: tag('wxsid'), Skey: tag('skey'), DeviceID: 'e1' };
    const cookie = cookies.map((c) => c.slice(0, c.indexOf(';'))).join('; ');
    const entry = 'https://szfilehelper.weixin.qq.com';
    const init = await viaProxy(e, `${entry}${API}/webwxinit?r=-1&pass_ticket=${tag('pass_ticket')}`, {
      method: 'POST',
      body: JSON.stringify({ BaseRequest: baseRequest }),
      cookie,
      headers: MARKER,
    });
    const initReply = JSON.parse(init.text);
    expect(initReply.BaseResponse.Ret).toBe(0);
    expect(initReply.ContactList.map((c: { UserName: string }) => c.UserName)).toEqual(['filehelper']);
    // synccheck on the entry host itself, with the marker as a query parameter.
    const key = initReply.SyncKey.List.map((k: { Key: number; Val: number }) => `${k.Key}_${k.Val}`).join(
      '|',
    );
    await e.phone.writeToFileHelper({ text: 'hi' });
    const check = await viaProxy(
      e,
      `${entry}${API}/synccheck?r=1&skey=${encodeURIComponent(baseRequest.Skey)}&sid=${baseRequest.Sid}&uin=${baseRequest.Uin}&deviceid=e1&synckey=${encodeURIComponent(key)}&mmweb_appid=${FH_APPID}&_=1`,
      { cookie },
    );
    expect(check.text).toBe('window.synccheck={retcode:"0",selector:"2"}');
  });

  it('without an entry host in redirect_uri, the login host’s family picks it; the main web is unchanged', async () => {
    const e = await start();
    expect(await redirectVia(e, 'login.wx8.qq.com')).toMatch(
      /^https:\/\/cmfilehelper\.weixin\.qq\.com\/cgi-bin\//,
    );
    expect(await redirectVia(e, 'login.wx.qq.com', 'wx.qq.com')).toMatch(
      /^https:\/\/filehelper\.weixin\.qq\.com\/cgi-bin\//,
    );
    const j = await viaProxy(
      e,
      `https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&redirect_uri=${encodeURIComponent('https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage')}`,
    );
    const uuid = /uuid = "([^"]+)"/.exec(j.text)![1]!;
    e.phone.confirm(uuid);
    const poll = await viaProxy(
      e,
      `https://login.wx.qq.com${API}/login?uuid=${encodeURIComponent(uuid)}&tip=1`,
    );
    expect(poll.text).toMatch(/^window\.code=200;window\.redirect_uri="https:\/\/wx\.qq\.com\/cgi-bin\//);
  });
});

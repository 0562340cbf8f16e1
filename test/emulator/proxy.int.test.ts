/** Proxy mode: CONNECT + TLS from the local CA, absolute-form requests, refusals, speaking as the real host. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { type Got, viaProxy } from './proxy-client.js';
import { raw } from './raw-http.js';

const emulators: Emulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({
    proxy: true,
    timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 },
    ...options,
  });
  emulators.push(e);
  return e;
}

/** A raw absolute-form request to the proxy (`GET http://host/path HTTP/1.1`). */
function absoluteForm(e: Emulator, url: string): Promise<Got> {
  return raw(e, { path: url, headers: { host: new URL(url).host } });
}

/** Send a CONNECT and return the proxy's raw answer (status line, headers, body). */
function rawConnect(e: Emulator, target: string): Promise<string> {
  const proxy = new URL(e.proxy!.url);
  return new Promise((resolve, reject) => {
    const s = netConnect(Number(proxy.port), proxy.hostname, () => {
      s.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    });
    let data = '';
    s.on('data', (c: Buffer) => {
      data += c.toString('utf8');
      if (data.startsWith('HTTP/1.1 200')) {
        s.destroy();
        resolve(data);
      }
    });
    s.on('end', () => resolve(data));
    s.on('close', () => resolve(data));
    s.on('error', reject);
  });
}

/** A CONNECT tunnel, once the proxy answered it. */
async function openTunnel(e: Emulator, target: string): Promise<Socket> {
  const proxy = new URL(e.proxy!.url);
  const raw = netConnect(Number(proxy.port), proxy.hostname);
  await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
  raw.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  await new Promise<void>((resolve) => raw.once('data', () => resolve()));
  return raw;
}

const JSLOGIN =
  '/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&redirect_uri=https%3A%2F%2Fwx.qq.com%2Fcgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage';

describe('proxy mode', () => {
  it('generates the CA in caDir on first start and reuses it afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webwx-ca-test-'));
    dirs.push(dir);
    const a = await start({ proxy: { caDir: dir } });
    expect(a.proxy).toMatchObject({
      url: a.baseUrl,
      caDir: dir,
      caCertPath: join(dir, 'ca.pem'),
      caCreated: true,
    });
    expect(a.proxy!.caCertPem).toContain('-----BEGIN CERTIFICATE-----');
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    await a.close();
    const b = await start({ proxy: { caDir: dir } });
    expect(b.proxy).toMatchObject({ caCreated: false, caCertPem: a.proxy!.caCertPem });
    // Certificates from the reused CA verify against the first run's ca.pem.
    const r = await viaProxy(b, `https://login.weixin.qq.com${JSLOGIN}`);
    expect(r.text).toMatch(/^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "[^"]{10}==";$/);
  });

  it('without the option there is no proxy: CONNECT is not answered as a tunnel', async () => {
    const e = await startEmulator({});
    emulators.push(e);
    expect(e.proxy).toBeUndefined();
    const answer = await rawConnect({ proxy: { url: e.baseUrl } } as Emulator, 'login.wx.qq.com:443');
    expect(answer).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('terminates TLS for each served host with a CA-signed certificate naming it', async () => {
    const e = await start();
    expect(e.proxy!.hosts).toEqual(
      expect.arrayContaining([
        'login.weixin.qq.com',
        'wx.qq.com',
        'login.wx2.qq.com',
        'file.wx8.qq.com',
        'webpush.web.wechat.com',
        'web2.wechat.com',
        'webpush.weixin.qq.com',
        'webpush2.wx.qq.com',
        'webpush1.wechat.com',
      ]),
    );
    for (const host of ['login.wx.qq.com', 'webpush.wx2.qq.com', 'file.web2.wechat.com']) {
      const raw = await openTunnel(e, `${host}:443`);
      const tls = tlsConnect({ socket: raw, servername: host, ca: e.proxy!.caCertPem });
      await new Promise<void>((resolve, reject) => {
        tls.once('secureConnect', () => resolve());
        tls.once('error', reject);
      });
      expect(tls.authorized).toBe(true);
      const cert = tls.getPeerCertificate();
      expect(cert.subjectaltname).toBe(`DNS:${host}`);
      expect(cert.issuer.CN).toBe('webwx emulator local CA');
      tls.destroy();
    }
  });

  it('serves absolute-form requests for served hosts, plain HTTP and https URLs alike', async () => {
    const e = await start();
    const plain = await absoluteForm(e, `http://login.wx.qq.com${JSLOGIN}`);
    expect(plain.status).toBe(200);
    expect(plain.text).toMatch(/^window\.QRLogin\.code = 200;/);
    const secure = await absoluteForm(e, `https://login.weixin.qq.com${JSLOGIN}`);
    expect(secure.text).toMatch(/^window\.QRLogin\.code = 200;/);
    expect(e.phone.qrCodes()).toHaveLength(2);
    // Absolute-form to the emulator's own address (HTTP_PROXY covering the phone API) is served directly.
    const self = await absoluteForm(e, `${e.baseUrl}/__phone/qr`);
    expect(self.status).toBe(200);
    expect(JSON.parse(self.text)).toHaveLength(2);
  });

  it('refuses every other host with 403 and a text naming it; nothing is forwarded', async () => {
    const e = await start();
    const connect = await rawConnect(e, 'example.com:443');
    expect(connect).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(connect).toContain('refusing "example.com"');
    const port = await rawConnect(e, 'login.wx.qq.com:8443');
    expect(port).toMatch(/^HTTP\/1\.1 403/);
    expect(port).toContain('"login.wx.qq.com:8443"');
    const abs = await absoluteForm(e, 'http://www.example.org/index.html');
    expect(abs.status).toBe(403);
    expect(abs.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(abs.text).toContain('refusing "www.example.org"');
    expect(abs.text).toContain('nothing is forwarded');
    const evilTld = await rawConnect(e, 'wx.qq.com.evil.net:443');
    expect(evilTld).toMatch(/^HTTP\/1\.1 403/);
    // A CONNECT to port 80 of a served host is a plain-HTTP tunnel.
    const ok = await rawConnect(e, 'login.wx.qq.com:80');
    expect(ok).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\n/);
  });

  it('speaks as the real host: https redirect_uri of the family, real cookie domains, Secure', async () => {
    const e = await start();
    const j = await viaProxy(e, `https://login.wx2.qq.com${JSLOGIN}`);
    const uuid = /uuid = "([^"]+)"/.exec(j.text)![1]!;
    e.phone.scan(uuid);
    e.phone.confirm(uuid);
    const poll = await viaProxy(
      e,
      `https://login.wx2.qq.com/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid=${uuid}&tip=0`,
    );
    const redirect = /window\.redirect_uri="([^"]+)";/.exec(poll.text)![1]!;
    expect(redirect).toMatch(
      /^https:\/\/wx2\.qq\.com\/cgi-bin\/mmwebwx-bin\/webwxnewloginpage\?ticket=[^&]+@qrticket_0&uuid=/,
    );
    const page = await viaProxy(e, redirect);
    expect(page.status).toBe(200);
    const cookies = page.headers['set-cookie'] as string[];
    const byName = new Map(cookies.map((c) => [c.slice(0, c.indexOf('=')), c]));
    for (const name of ['wxuin', 'wxsid', 'wxloadtime', 'mm_lang', 'webwxuvid', 'webwx_auth_ticket'])
      expect(byName.get(name), name).toMatch(/; Path=\/; Expires=[^;]+; Domain=wx2\.qq\.com; Secure$/);
    expect(byName.get('webwx_data_ticket')).toMatch(/; Domain=\.qq\.com; Secure$/);

    // login.weixin.qq.com belongs to the wx.qq.com family; wechat.com hosts to theirs.
    const j2 = await viaProxy(e, `https://login.weixin.qq.com${JSLOGIN}`);
    const u2 = /uuid = "([^"]+)"/.exec(j2.text)![1]!;
    e.phone.confirm(u2);
    const p2 = await viaProxy(e, `https://login.weixin.qq.com/cgi-bin/mmwebwx-bin/login?uuid=${u2}&tip=1`);
    expect(p2.text).toMatch(/^window\.code=200;window\.redirect_uri="https:\/\/wx\.qq\.com\/cgi-bin\//);
    const j3 = await viaProxy(e, `https://login.web.wechat.com${JSLOGIN}`);
    const u3 = /uuid = "([^"]+)"/.exec(j3.text)![1]!;
    e.phone.confirm(u3);
    const p3 = await viaProxy(e, `https://login.web.wechat.com/cgi-bin/mmwebwx-bin/login?uuid=${u3}&tip=1`);
    expect(p3.text).toContain('window.redirect_uri="https://web.wechat.com/cgi-bin/');
    const page3 = await viaProxy(e, /redirect_uri="([^"]+)"/.exec(p3.text)![1]!);
    const c3 = page3.headers['set-cookie'] as string[];
    expect(c3.find((c) => c.startsWith('webwx_data_ticket='))).toMatch(/; Domain=\.wechat\.com; Secure$/);
    expect(c3.find((c) => c.startsWith('wxsid='))).toMatch(/; Domain=web\.wechat\.com; Secure$/);
  });

  it('plain requests to the listening address keep the plain origin and host-only cookies', async () => {
    const e = await start();
    const j = await fetch(`${e.baseUrl}${JSLOGIN}`);
    const uuid = /uuid = "([^"]+)"/.exec(await j.text())![1]!;
    e.phone.confirm(uuid);
    const poll = await (await fetch(`${e.baseUrl}/cgi-bin/mmwebwx-bin/login?uuid=${uuid}&tip=0`)).text();
    const redirect = /window\.redirect_uri="([^"]+)";/.exec(poll)![1]!;
    expect(redirect.startsWith(`${e.baseUrl}/cgi-bin/mmwebwx-bin/webwxnewloginpage?`)).toBe(true);
    const page = await fetch(redirect, { redirect: 'manual' });
    for (const c of page.headers.getSetCookie()) expect(c).not.toMatch(/Domain=|Secure/);
  });

  it('a CONNECT to port 80 is a plain-HTTP tunnel served like the rest', async () => {
    const e = await start();
    const raw = await openTunnel(e, 'login.wx.qq.com:80');
    let answer = '';
    raw.on('data', (c: Buffer) => {
      answer += c.toString('utf8');
    });
    raw.write(`GET ${JSLOGIN} HTTP/1.1\r\nHost: login.wx.qq.com\r\nConnection: close\r\n\r\n`);
    await new Promise<void>((resolve) => raw.once('close', () => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\n\r\nwindow\.QRLogin\.code = 200; window\.QRLogin\.uuid = "[^"]+";$/);
  });

  it('close() ends open tunnels and resolves', async () => {
    const e = await start();
    const raw = await openTunnel(e, 'wx.qq.com:443');
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    await e.close();
    await closed;
    expect(raw.destroyed).toBe(true);
  });
});

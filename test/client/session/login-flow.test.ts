/** The QR login state machine over a scripted server. */
import { describe, expect, it } from 'vitest';
import type { ClientOptions } from '../../../src/client/options.js';
import { runQrLogin } from '../../../src/client/session/login-flow.js';
import { LoginRefusedError, TransportError } from '../../../src/errors.js';
import type { HttpReply, HttpRequestSpec } from '../../../src/protocol/http-request.js';
import { UOS_EXTSPAM } from '../../../src/protocol/index.js';
import { fakeRuntime, reply } from '../fake-runtime.js';

const jslogin = (uuid: string) => reply(`window.QRLogin.code = 200; window.QRLogin.uuid = "${uuid}";`);
const poll = (code: number) => reply(`window.code=${code};`);
const REDIRECT =
  'https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T@qrticket_0&uuid=U&lang=zh_CN&scan=1';
const confirmed = reply(`window.code=200;window.redirect_uri="${REDIRECT}";`);
const scanned = reply(`window.code=201;window.userAvatar = 'data:img/jpg;base64,AAAA';`);
const page = (ret = 0, message = '') =>
  reply(
    ret === 0
      ? '<error><ret>0</ret><message></message><skey>@crypt_1234abcd_99</skey><wxsid>SID</wxsid><wxuin>42</wxuin><pass_ticket>p%2Bt</pass_ticket><isgrayscale>1</isgrayscale></error>'
      : `<error><ret>${ret}</ret><message>${message}</message></error>`,
    301,
  );

function script(steps: Record<string, (HttpReply | Error)[]>, options: ClientOptions = {}) {
  return fakeRuntime((spec: HttpRequestSpec) => {
    const next = steps[spec.endpoint]?.shift();
    if (next === undefined) throw new Error(`unexpected ${spec.endpoint}`);
    if (next instanceof Error) throw next;
    return next;
  }, options);
}

describe('runQrLogin', () => {
  it('jslogin → qr → poll (tip 1, then 0): 408, timeout, 201, 200 → newloginpage with UOS headers', async () => {
    const fake = script({
      jslogin: [jslogin('uuid-1==')],
      login: [
        poll(408),
        new TransportError('timed out', { url: 'x', timedOut: true }),
        scanned,
        poll(201),
        confirmed,
      ],
      webwxnewloginpage: [page()],
    });
    const result = await runQrLogin(fake.rt);
    expect(result.credentials).toEqual({
      skey: '@crypt_1234abcd_99',
      sid: 'SID',
      uin: '42',
      passTicket: 'p%2Bt',
    });
    // Derived from redirect_uri (§1.1).
    expect(result.hosts).toMatchObject({
      main: 'https://wx2.qq.com',
      login: 'https://login.wx2.qq.com',
      file: 'https://file.wx2.qq.com',
      push: 'https://webpush.wx2.qq.com',
    });
    const polls = fake.requests
      .filter((r) => r.endpoint === 'login')
      .map((r) => new URL(r.url).searchParams.get('tip'));
    expect(polls).toEqual(['1', '0', '0', '0', '0']);
    expect(fake.events.qr?.map((q) => q.uuid)).toEqual(['uuid-1==']);
    expect(fake.events.qr?.[0]?.url).toContain('uuid-1==');
    expect(fake.events.scanned).toEqual([{ avatar: 'data:img/jpg;base64,AAAA' }]);
    expect(fake.states).toEqual(['waiting-for-scan', 'scanned', 'logging-in']);
    const loginPage = fake.requests.find((r) => r.endpoint === 'webwxnewloginpage');
    expect(loginPage?.headers).toMatchObject({ 'client-version': '2.0.0', extspam: UOS_EXTSPAM });
    expect(loginPage?.url).toContain('mod=desktop');
    expect(fake.requests.find((r) => r.endpoint === 'jslogin')?.url).toContain('mod%3Ddesktop');
  });

  it('an expired or cancelled QR brings a new uuid and a new qr event', async () => {
    const fake = script({
      jslogin: [jslogin('one=='), jslogin('two=='), jslogin('three==')],
      login: [poll(400), scanned, poll(202), confirmed],
      webwxnewloginpage: [page()],
    });
    await runQrLogin(fake.rt);
    expect(fake.events.qr?.map((q) => q.uuid)).toEqual(['one==', 'two==', 'three==']);
    const uuids = fake.requests
      .filter((r) => r.endpoint === 'login')
      .map((r) => new URL(r.url).searchParams.get('uuid'));
    expect(uuids).toEqual(['one==', 'two==', 'two==', 'three==']);
    // (the client drops repeated states; the fake records every call)
    expect(fake.states).toEqual([
      'waiting-for-scan',
      'waiting-for-scan',
      'scanned',
      'waiting-for-scan',
      'logging-in',
    ]);
  });

  it('without UOS: no extra headers, no mod=desktop; explicit hosts win over the derived ones', async () => {
    const fake = script(
      { jslogin: [jslogin('u==')], login: [confirmed], webwxnewloginpage: [page()] },
      { uos: { enabled: false }, hosts: { push: 'https://my-push.test' } },
    );
    const result = await runQrLogin(fake.rt);
    const loginPage = fake.requests.find((r) => r.endpoint === 'webwxnewloginpage');
    expect(loginPage?.headers).toBeUndefined();
    expect(loginPage?.url).not.toContain('mod=desktop');
    expect(result.hosts.push).toBe('https://my-push.test');
    expect(result.hosts.main).toBe('https://wx2.qq.com');
  });

  it('a refusal rejects with LoginRefusedError quoting the server', async () => {
    const fake = script({
      jslogin: [jslogin('u==')],
      login: [confirmed],
      webwxnewloginpage: [page(1203, '此微信号不能登录网页微信')],
    });
    const error = await runQrLogin(fake.rt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginRefusedError);
    expect(error).toMatchObject({ ret: 1203, serverMessage: '此微信号不能登录网页微信' });
  });

  it('retries transient poll failures with a back-off, and gives up on a permanent one', async () => {
    const reset = () => new TransportError('connection reset', { url: 'x' });
    const fake = script({
      jslogin: [jslogin('u==')],
      login: [reset(), reset(), confirmed],
      webwxnewloginpage: [page()],
    });
    await runQrLogin(fake.rt);
    expect(fake.sleeps).toHaveLength(2);

    const notFound = new TransportError('HTTP 404', { url: 'x', status: 404 });
    const failing = script({ jslogin: [jslogin('u==')], login: [notFound] });
    await expect(runQrLogin(failing.rt)).rejects.toBe(notFound);
  });
});

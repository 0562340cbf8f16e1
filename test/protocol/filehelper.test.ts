/** The File Transfer web on the wire (PROTOCOL.md §14): appid, hosts, and the mmweb_appid marker. */
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import type { HttpRequestSpec } from '../../src/protocol/http-request.js';
import {
  appMsgFileXml,
  buildCheckUploadRequest,
  buildGetMediaSpec,
  buildGetMsgImgSpec,
  buildGetVoiceSpec,
  buildInitRequest,
  buildJsLoginRequest,
  buildLoginPollRequest,
  buildLogoutRequest,
  buildNewLoginPageRequest,
  buildSendAppMsgRequest,
  buildSendImageRequest,
  buildSendTextRequest,
  buildStatusNotifyRequest,
  buildSyncCheckRequest,
  buildSyncRequest,
  DEFAULT_HOSTS,
  deriveFileHelperHosts,
  FILEHELPER_APP_ID,
  FILEHELPER_HOSTS,
  isWebApp,
  mmwebAppIdOf,
  UOS_EXTSPAM,
  uploadMediaHeaders,
} from '../../src/protocol/index.js';
import type { SessionContext } from '../../src/protocol/session-context.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

const FH_CTX: SessionContext = {
  ...CAPTURE_CTX,
  hosts: { ...FILEHELPER_HOSTS },
  app: 'filehelper',
};
const NOW = 1_546_214_741_416;
const KEY = {
  Count: 2,
  List: [
    { Key: 1, Val: 11 },
    { Key: 2, Val: 22 },
  ],
};
const REDIRECT =
  'https://szfilehelper.weixin.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T@qrticket_0&uuid=U&lang=zh_CN&scan=1';

function query(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

/** Every JSON POST of a session that §14 says carries the marker header, built for `ctx`. */
function markedPosts(ctx: SessionContext): HttpRequestSpec[] {
  const base = { deviceId: 'e1', from: '@self', to: 'filehelper', clientMsgId: '1' };
  return [
    buildInitRequest(ctx, { deviceId: 'e1', nowMs: NOW }),
    buildStatusNotifyRequest(ctx, { deviceId: 'e1', code: 3, from: '@self', to: '@self', nowMs: NOW }),
    buildSyncRequest(ctx, { deviceId: 'e1', syncKey: KEY, nowMs: NOW }),
    buildSendTextRequest(ctx, { ...base, content: 'hi' }),
    buildSendImageRequest(ctx, { ...base, mediaId: '@m' }),
    buildSendAppMsgRequest(ctx, {
      ...base,
      content: appMsgFileXml({ title: 'a.pdf', totalLen: 3, attachId: '@m', fileExt: 'pdf', desktop: false }),
    }),
    buildCheckUploadRequest(ctx, { ...base, fileSize: 1, fileMd5: 'x', fileName: 'a.pdf' }),
  ];
}

describe('the web apps', () => {
  it('knows the two apps and the marker value of each', () => {
    expect(isWebApp('web')).toBe(true);
    expect(isWebApp('filehelper')).toBe(true);
    expect(isWebApp('wechat')).toBe(false);
    expect(isWebApp(undefined)).toBe(false);
    expect(mmwebAppIdOf('filehelper')).toBe('wx_webfilehelper');
    expect(mmwebAppIdOf('web')).toBeUndefined();
    expect(mmwebAppIdOf(undefined)).toBeUndefined();
  });
});

describe('File Transfer login (§14)', () => {
  it('jslogin: appid wx_webfilehelper and the entry host’s plain webwxnewloginpage as redirect_uri', () => {
    const spec = buildJsLoginRequest({
      hosts: FILEHELPER_HOSTS,
      lang: 'zh_CN',
      desktop: true,
      app: 'filehelper',
      nowMs: NOW,
    });
    expect(spec.method).toBe('GET');
    expect(spec.url.startsWith('https://login.wx.qq.com/jslogin?')).toBe(true);
    const q = query(spec.url);
    expect(q.get('appid')).toBe(FILEHELPER_APP_ID);
    // desktop: true is ignored: the File Transfer web is no desktop client.
    expect(q.get('redirect_uri')).toBe(
      'https://filehelper.weixin.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage',
    );
    expect(q.get('fun')).toBe('new');
    expect(q.get('lang')).toBe('zh_CN');
    expect(q.get('_')).toBe(String(NOW));
  });

  it('jslogin of the main web is unchanged', () => {
    const q = query(
      buildJsLoginRequest({ hosts: DEFAULT_HOSTS, lang: 'zh_CN', desktop: true, nowMs: NOW }).url,
    );
    expect(q.get('appid')).toBe('wx782c26e4c19acffb');
    expect(q.get('redirect_uri')).toBe('https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop');
  });

  it('login poll: appid=wx_webfilehelper last, nothing extra for the main web', () => {
    const fh = buildLoginPollRequest({
      hosts: FILEHELPER_HOSTS,
      uuid: 'u==',
      tip: 1,
      nowMs: NOW,
      app: 'filehelper',
    });
    expect(
      fh.url.startsWith(
        'https://login.wx.qq.com/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid=u%3D%3D&tip=1',
      ),
    ).toBe(true);
    expect(fh.url.endsWith(`&_=${NOW}&appid=wx_webfilehelper`)).toBe(true);
    const web = buildLoginPollRequest({ hosts: DEFAULT_HOSTS, uuid: 'u==', tip: 1, nowMs: NOW });
    expect(query(web.url).has('appid')).toBe(false);
  });

  it('webwxnewloginpage: fun=new&version=v2 and the mmweb_appid header, never mod=desktop or the UOS headers', () => {
    const spec = buildNewLoginPageRequest({
      redirectUri: REDIRECT,
      desktop: true,
      uos: { extspam: UOS_EXTSPAM },
      app: 'filehelper',
    });
    expect(spec.url).toBe(`${REDIRECT}&fun=new&version=v2`);
    expect(spec.headers).toEqual({ mmweb_appid: 'wx_webfilehelper' });
    expect(spec.followRedirects).toBe(false);
    // The main web with the same input keeps its desktop query and UOS headers.
    const web = buildNewLoginPageRequest({
      redirectUri: REDIRECT,
      desktop: true,
      uos: { extspam: UOS_EXTSPAM },
    });
    expect(web.url).toBe(`${REDIRECT}&fun=new&version=v2&mod=desktop`);
    expect(web.headers).toMatchObject({ extspam: UOS_EXTSPAM, 'client-version': '2.0.0' });
    expect(web.headers).not.toHaveProperty('mmweb_appid');
  });
});

describe('deriveFileHelperHosts (§14)', () => {
  it.each([
    ['filehelper.weixin.qq.com', 'login.wx.qq.com', 'file.wx.qq.com'],
    ['szfilehelper.weixin.qq.com', 'login.wx2.qq.com', 'file.wx2.qq.com'],
    ['cmfilehelper.weixin.qq.com', 'login.wx8.qq.com', 'file.wx8.qq.com'],
  ])('%s → login %s, file %s; main = push = the entry host', (entry, login, file) => {
    const hosts = deriveFileHelperHosts(`https://${entry}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T`);
    expect(hosts).toEqual({
      login: `https://${login}`,
      qr: 'https://login.weixin.qq.com',
      main: `https://${entry}`,
      file: `https://${file}`,
      push: `https://${entry}`,
    });
  });

  it('differs from the main web’s table: no webpush host, no wx.qq.com main host', () => {
    const hosts = deriveFileHelperHosts(REDIRECT, 'https://qr.example');
    expect(hosts.push).toBe('https://szfilehelper.weixin.qq.com');
    expect(hosts.main).toBe('https://szfilehelper.weixin.qq.com');
    expect(hosts.qr).toBe('https://qr.example');
  });

  it('another Tencent host is the entry host with filehelper.weixin.qq.com’s login and file hosts', () => {
    const hosts = deriveFileHelperHosts(
      'https://newfilehelper.weixin.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage',
    );
    expect(hosts).toMatchObject({
      main: 'https://newfilehelper.weixin.qq.com',
      push: 'https://newfilehelper.weixin.qq.com',
      login: 'https://login.wx.qq.com',
      file: 'https://file.wx.qq.com',
    });
  });

  it('an emulator origin is every host, port and scheme kept', () => {
    const origin = 'http://127.0.0.1:4567';
    expect(deriveFileHelperHosts(`${origin}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T`)).toEqual({
      login: origin,
      qr: origin,
      main: origin,
      file: origin,
      push: origin,
    });
  });

  it('a redirect that is no http(s) URL is a ParseError', () => {
    expect(catchError(() => deriveFileHelperHosts('not a url'))).toBeInstanceOf(ParseError);
    expect(catchError(() => deriveFileHelperHosts('ftp://filehelper.weixin.qq.com/x'))).toBeInstanceOf(
      ParseError,
    );
  });
});

describe('the mmweb_appid marker (§14)', () => {
  it('is a header on webwxinit, webwxstatusnotify, webwxsync, the sends and checkupload of a File Transfer session', () => {
    const specs = markedPosts(FH_CTX);
    expect(specs.map((s) => s.endpoint)).toEqual([
      'webwxinit',
      'webwxstatusnotify',
      'webwxsync',
      'webwxsendmsg',
      'webwxsendmsgimg',
      'webwxsendappmsg',
      'webwxcheckupload',
    ]);
    for (const spec of specs) {
      expect(spec.headers, spec.endpoint).toEqual({ mmweb_appid: 'wx_webfilehelper' });
      expect(
        spec.url.startsWith('https://filehelper.weixin.qq.com/cgi-bin/mmwebwx-bin/'),
        spec.endpoint,
      ).toBe(true);
      expect(query(spec.url).has('mmweb_appid'), spec.endpoint).toBe(false);
    }
  });

  it('is on no request of a main-web session (app absent or "web")', () => {
    for (const ctx of [CAPTURE_CTX, { ...CAPTURE_CTX, app: 'web' as const }]) {
      for (const spec of markedPosts(ctx)) expect(spec.headers?.mmweb_appid, spec.endpoint).toBeUndefined();
      expect(uploadMediaHeaders(ctx)).toEqual({});
      expect(
        query(buildSyncCheckRequest(ctx, { deviceId: 'e1', syncKey: KEY, nowMs: NOW }).url).has(
          'mmweb_appid',
        ),
      ).toBe(false);
      expect(query(buildGetMsgImgSpec(ctx, '1').url).has('mmweb_appid')).toBe(false);
    }
  });

  it('is a header on every upload part', () => {
    expect(uploadMediaHeaders(FH_CTX)).toEqual({ mmweb_appid: 'wx_webfilehelper' });
    // A copy: the caller may add to it.
    expect(uploadMediaHeaders(FH_CTX)).not.toBe(uploadMediaHeaders(FH_CTX));
  });

  it('is a query parameter on synccheck, on the entry host, after synckey', () => {
    const spec = buildSyncCheckRequest(FH_CTX, { deviceId: 'e1', syncKey: KEY, nowMs: NOW });
    expect(spec.url.startsWith('https://filehelper.weixin.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=')).toBe(
      true,
    );
    const q = query(spec.url);
    expect([...q.keys()]).toEqual(['r', 'skey', 'sid', 'uin', 'deviceid', 'synckey', 'mmweb_appid', '_']);
    expect(q.get('mmweb_appid')).toBe('wx_webfilehelper');
    expect(q.get('synckey')).toBe('1_11|2_22');
    expect(spec.headers).toBeUndefined();
  });

  it('synccheck follows the session’s app from one call to the next (the URL parts are cached)', () => {
    const first = buildSyncCheckRequest(FH_CTX, { deviceId: 'e1', syncKey: KEY, nowMs: NOW });
    const web = buildSyncCheckRequest(
      { ...FH_CTX, app: 'web' },
      { deviceId: 'e1', syncKey: KEY, nowMs: NOW },
    );
    const again = buildSyncCheckRequest(FH_CTX, { deviceId: 'e1', syncKey: KEY, nowMs: NOW });
    expect(query(first.url).has('mmweb_appid')).toBe(true);
    expect(query(web.url).has('mmweb_appid')).toBe(false);
    expect(query(again.url).has('mmweb_appid')).toBe(true);
  });

  it('is a query parameter on webwxgetmsgimg and webwxgetmedia (which also carries sid)', () => {
    const img = query(buildGetMsgImgSpec(FH_CTX, '123', 'slave').url);
    expect([...img.entries()]).toEqual([
      ['MsgID', '123'],
      ['skey', CAPTURE_CTX.credentials.skey],
      ['type', 'slave'],
      ['mmweb_appid', 'wx_webfilehelper'],
    ]);
    const media = buildGetMediaSpec(FH_CTX, {
      sender: '@self',
      mediaId: '@m',
      encryFileName: 'a%2Epdf',
      fromUser: '176666155',
      dataTicket: 'dt',
    });
    expect(media.url.startsWith('https://file.wx.qq.com/cgi-bin/mmwebwx-bin/webwxgetmedia?')).toBe(true);
    const q = query(media.url);
    expect(q.get('mmweb_appid')).toBe('wx_webfilehelper');
    expect(q.get('sid')).toBe(CAPTURE_CTX.credentials.sid);
    expect(q.get('mediaid')).toBe('@m');
    const web = query(
      buildGetMediaSpec(CAPTURE_CTX, {
        sender: '@self',
        mediaId: '@m',
        encryFileName: 'a',
        fromUser: '1',
        dataTicket: 'dt',
      }).url,
    );
    expect(web.has('sid')).toBe(false);
    expect(web.has('mmweb_appid')).toBe(false);
  });

  it('is not added where §14 does not list it (voice downloads, logout)', () => {
    expect(query(buildGetVoiceSpec(FH_CTX, '1').url).has('mmweb_appid')).toBe(false);
    expect(buildLogoutRequest(FH_CTX, 0).headers).toBeUndefined();
  });

  it('sends go to filehelper from the own UserName with Scene 0', () => {
    const spec = buildSendTextRequest(FH_CTX, {
      deviceId: 'e1',
      from: '@self',
      to: 'filehelper',
      content: 'hi',
      clientMsgId: '7',
    });
    expect(spec.body).toEqual({
      kind: 'json',
      value: {
        BaseRequest: expect.anything(),
        Msg: {
          Type: 1,
          Content: 'hi',
          FromUserName: '@self',
          ToUserName: 'filehelper',
          LocalID: '7',
          ClientMsgId: '7',
        },
        Scene: 0,
      },
    });
  });
});

/**
 * A File Transfer client over a scripted server: login requests, the session start (init and status
 * notify only), resume without push login, a saved session of the other app, and the refused calls,
 * which must fail before any request.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import type { ClientEvents, LoginStepEvent } from '../../src/client/client-types.js';
import { MutableContactDirectory } from '../../src/client/contacts/contact-directory.js';
import { ContactServiceImpl } from '../../src/client/contacts/contact-service.js';
import { RoomServiceImpl } from '../../src/client/contacts/room-service.js';
import { MemoryStableIdStore, StableIdRegistry } from '../../src/client/contacts/stable-ids.js';
import { runQrLogin } from '../../src/client/session/login-flow.js';
import { batchGetContacts, initSession, loadContacts } from '../../src/client/session/session-loader.js';
import {
  establishSession,
  loadSavedSession,
  savedSessionOf,
} from '../../src/client/session/session-resume.js';
import type { Session } from '../../src/client/session/session-state.js';
import { TypedEmitter } from '../../src/client/typed-emitter.js';
import { NotAvailableError } from '../../src/errors.js';
import type { HttpReply, HttpRequestSpec } from '../../src/protocol/http-request.js';
import { FILEHELPER_HOSTS } from '../../src/protocol/index.js';
import { MemoryStore, SAVED_SESSION_VERSION, type SavedSession } from '../../src/store/index.js';
import { CookieStore } from '../../src/transport/index.js';
import { type FakeRuntime, fakeRuntime, reply, testSession } from './fake-runtime.js';

const ENTRY = 'https://szfilehelper.weixin.qq.com';
const REDIRECT = `${ENTRY}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T@qrticket_0&uuid=U&lang=zh_CN&scan=1`;
const PAGE =
  '<error><ret>0</ret><message></message><skey>@crypt_1234abcd_99</skey><wxsid>SID</wxsid><wxuin>42</wxuin><pass_ticket>p%2Bt</pass_ticket></error>';
const OK = { Ret: 0, ErrMsg: '' };
const SELF = { UserName: '@self', NickName: 'me', Uin: 42 };
const KEY = { Count: 1, List: [{ Key: 1, Val: 1 }] };

function initReply(contactList: unknown[] = []): HttpReply {
  return reply(
    JSON.stringify({ BaseResponse: OK, ContactList: contactList, SyncKey: KEY, User: SELF, SKey: '' }),
  );
}
const notifyReply = reply(JSON.stringify({ BaseResponse: OK, MsgID: '1' }));

/** A fake whose every request is answered by `steps[endpoint]` in order; anything else fails the test. */
function script(steps: Record<string, HttpReply[]>, options = {}): FakeRuntime {
  return fakeRuntime((spec: HttpRequestSpec) => {
    const next = steps[spec.endpoint]?.shift();
    if (next === undefined) throw new Error(`unexpected ${spec.endpoint}`);
    return next;
  }, options);
}

/** A File Transfer session (not desktop), before its webwxinit. */
const fileHelperSession = (): Session =>
  testSession({ app: 'filehelper', uin: '42', desktop: false, self: false });

describe('File Transfer QR login', () => {
  it('asks jslogin and the poll with appid wx_webfilehelper and derives the §14 hosts', async () => {
    const fake = script(
      {
        jslogin: [reply('window.QRLogin.code = 200; window.QRLogin.uuid = "u-1==";')],
        login: [reply('window.code=201;'), reply(`window.code=200;window.redirect_uri="${REDIRECT}";`)],
        webwxnewloginpage: [reply(PAGE)],
      },
      { server: undefined, app: 'filehelper' },
    );
    const login = await runQrLogin(fake.rt);
    const [jslogin, poll, , page] = fake.requests;
    expect(new URL(jslogin!.url).origin).toBe('https://login.wx.qq.com');
    expect(new URL(jslogin!.url).searchParams.get('appid')).toBe('wx_webfilehelper');
    expect(new URL(jslogin!.url).searchParams.get('redirect_uri')).toBe(
      'https://filehelper.weixin.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage',
    );
    expect(new URL(poll!.url).searchParams.get('appid')).toBe('wx_webfilehelper');
    expect(page!.headers).toEqual({ mmweb_appid: 'wx_webfilehelper' });
    expect(page!.url).not.toContain('mod=desktop');
    expect(login.hosts).toEqual({
      login: 'https://login.wx2.qq.com',
      qr: 'https://login.weixin.qq.com',
      main: ENTRY,
      file: 'https://file.wx2.qq.com',
      push: ENTRY,
    });
  });
});

describe('File Transfer session start', () => {
  it('init and status notify with the marker, no contact pages; the account and filehelper are the contacts', async () => {
    const fake = script(
      { webwxinit: [initReply([{ UserName: '@friend', NickName: 'f' }])], webwxstatusnotify: [notifyReply] },
      { app: 'filehelper' },
    );
    const session = fileHelperSession();
    const directory = new MutableContactDirectory();
    await initSession(fake.rt, session, directory);
    const counts = await loadContacts(fake.rt, session, directory);
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['webwxinit', 'webwxstatusnotify']);
    for (const r of fake.requests) expect(r.headers).toEqual({ mmweb_appid: 'wx_webfilehelper' });
    expect(directory.list().map((c) => [c.userName, c.kind])).toEqual([
      ['@self', 'self'],
      ['filehelper', 'special'],
    ]);
    expect(directory.get('filehelper')?.nickName).toBe('文件传输助手');
    expect(counts).toMatchObject({ contacts: 2, rooms: 0 });
    // Nobody else is ever looked up.
    expect(await batchGetContacts(fake.rt, session, directory, ['@friend', '@@room'])).toBe(0);
    expect(fake.requests).toHaveLength(2);
  });

  it('a resume that fails goes straight to the QR code: no push login', async () => {
    const fake = script(
      {
        webwxinit: [reply(JSON.stringify({ BaseResponse: { Ret: 1101, ErrMsg: '' } }))],
        jslogin: [reply('window.QRLogin.code = 200; window.QRLogin.uuid = "u-2==";')],
      },
      { app: 'filehelper' },
    );
    const steps: LoginStepEvent[] = [];
    fake.rt.events.on('login-step', (e) => steps.push(e));
    fake.rt.events.on('qr', () => fake.controller.abort(new Error('done')));
    const saved = savedSessionOf(fileHelperSession(), new CookieStore(), 1);
    expect(saved.app).toBe('filehelper');
    await expect(establishSession(fake.rt, new MutableContactDirectory(), saved)).rejects.toThrow('done');
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['webwxinit', 'jslogin']);
    expect(steps.map((s) => `${s.step}:${s.outcome}`)).toEqual([
      'resume:trying',
      'resume:failed',
      'qr:trying',
    ]);
  });
});

describe('a saved session of the other app', () => {
  function savedOf(app: 'web' | 'filehelper' | undefined): SavedSession {
    const session: SavedSession = {
      version: SAVED_SESSION_VERSION,
      hosts: { ...FILEHELPER_HOSTS },
      credentials: { skey: 's', sid: 'i', uin: '1', passTicket: 'p' },
      cookies: new CookieStore().toJSON(),
      syncKey: KEY,
      syncCheckKey: KEY,
      self: undefined,
      deviceId: 'e1',
      savedAt: 1,
    };
    if (app) session.app = app;
    return session;
  }

  async function load(saved: SavedSession, app: 'web' | 'filehelper') {
    const store = new MemoryStore();
    await store.save(saved);
    const events = new TypedEmitter<ClientEvents>();
    const steps: LoginStepEvent[] = [];
    events.on('login-step', (e) => steps.push(e));
    const { rt } = fakeRuntime(() => reply(''), { app, store });
    const loaded = await loadSavedSession({ options: rt.options, logger: rt.logger, events });
    return { loaded, steps };
  }

  it('is not resumed, and the login-step says why', async () => {
    const { loaded, steps } = await load(savedOf('web'), 'filehelper');
    expect(loaded).toBeUndefined();
    expect(steps).toEqual([
      {
        step: 'resume',
        outcome: 'failed',
        reason: 'the saved session is of the main Web WeChat, this client logs in to the File Transfer web',
      },
    ]);
    // A session saved before the app was recorded is the main web's.
    expect((await load(savedOf(undefined), 'filehelper')).loaded).toBeUndefined();
    expect((await load(savedOf('filehelper'), 'web')).loaded).toBeUndefined();
  });

  it('of the same app is loaded as saved', async () => {
    expect((await load(savedOf('filehelper'), 'filehelper')).loaded?.app).toBe('filehelper');
    expect((await load(savedOf(undefined), 'web')).loaded).toBeDefined();
  });
});

/** Each call rejects with a NotAvailableError naming its feature. */
async function expectRefused(calls: [string, () => Promise<unknown>][]): Promise<void> {
  for (const [feature, call] of calls) {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, feature).toBeInstanceOf(NotAvailableError);
    expect((error as NotAvailableError).feature).toBe(feature);
  }
}

describe('refused calls send nothing', () => {
  function services() {
    const fake = fakeRuntime(
      () => {
        throw new Error('no request may be sent');
      },
      { app: 'filehelper' },
    );
    const directory = new MutableContactDirectory();
    const registry = new StableIdRegistry({
      store: new MemoryStableIdStore(),
      now: () => 1,
      onStoreError: () => {},
      onCollision: () => {},
    });
    const contacts = new ContactServiceImpl(
      directory,
      new TypedEmitter<ClientEvents>(),
      registry,
      'filehelper',
    );
    const rooms = new RoomServiceImpl(directory, contacts, 'filehelper');
    const deps = { rt: fake.rt, session: fileHelperSession(), endSession: () => {} };
    contacts.attach(deps);
    rooms.attach(deps);
    return { fake, contacts, rooms };
  }

  it('room operations and contact management reject with NotAvailableError', async () => {
    const { fake, contacts, rooms } = services();
    const calls: [string, () => Promise<unknown>][] = [
      ['rooms.create', () => rooms.create(['@a', '@b'], 'topic')],
      ['rooms.add', () => rooms.add('@@r', ['@a'])],
      ['rooms.remove', () => rooms.remove('@@r', ['@a'])],
      ['rooms.rename', () => rooms.rename('@@r', 'new')],
      ['rooms.quit', () => rooms.quit('@@r')],
      ['contacts.setRemark', () => contacts.setRemark('filehelper', 'x')],
      ['contacts.pin', () => contacts.pin('filehelper')],
      ['contacts.unpin', () => contacts.unpin('filehelper')],
      ['contacts.acceptFriendRequest', () => contacts.acceptFriendRequest({ userName: '@a', ticket: 't' })],
      ['contacts.sendFriendRequest', () => contacts.sendFriendRequest('@a')],
      ['contacts.markRead', () => contacts.markRead('@a')],
    ];
    await expectRefused(calls);
    expect(fake.requests).toEqual([]);
  });

  it('the client refuses another chat and the kinds it cannot send, whatever its state', async () => {
    const client = createClient({ app: 'filehelper', server: 'http://127.0.0.1:9' });
    expect(client.app).toBe('filehelper');
    const message = { kind: 'text', text: 'x' } as never;
    const calls: [string, () => Promise<unknown>][] = [
      ['sendText', () => client.sendText('@friend', 'hi')],
      ['sendImage', () => client.sendImage('@friend', Buffer.from('x'), { fileName: 'a.png' })],
      ['sendFile', () => client.sendFile('@@room', Buffer.from('x'), { fileName: 'a.txt' })],
      ['sendVideo', () => client.sendVideo('filehelper', Buffer.from('x'), { fileName: 'a.mp4' })],
      ['sendEmoticon', () => client.sendEmoticon('filehelper', Buffer.from('x'), { fileName: 'a.gif' })],
      ['revoke', () => client.revoke({ msgId: '1', localId: '1', toUserName: 'filehelper' })],
      ['forward', () => client.forward(message, 'filehelper')],
    ];
    await expectRefused(calls);
    // filehelper itself passes the check and meets the usual "not logged in" error.
    await expect(client.sendText('filehelper', 'hi')).rejects.not.toBeInstanceOf(NotAvailableError);
    await expect(client.sendText('filehelper', 'hi')).rejects.toThrow('needs a logged-in client');
    expect(createClient().app).toBe('web');
  });
});

/** The File Transfer web's decisions (app-mode.ts) and options: pure, no network. */
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../src/client/options.js';
import {
  assertAvailable,
  assertRecipient,
  contactsOfApp,
  fileHelperContact,
  hasContactList,
  hasPushLogin,
  initialContactsOf,
  refusalOf,
  savedSessionApp,
  sessionHostsOf,
  uploadKindOf,
} from '../../../src/client/session/app-mode.js';
import { InvalidArgumentError, NotAvailableError, WebWxError } from '../../../src/errors.js';
import {
  DEFAULT_HOSTS,
  DEFAULT_SYNCCHECK_FALLBACKS,
  emptyWireContact,
  FILEHELPER_HOSTS,
} from '../../../src/protocol/index.js';
import type { WireContact, WireUser } from '../../../src/protocol/wire-types.js';

const contact = (userName: string, nickName = userName): WireContact => ({
  ...emptyWireContact(),
  UserName: userName,
  NickName: nickName,
});
const SELF = { UserName: '@self', NickName: 'me', Uin: 42 } as WireUser;

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('app-mode: what the File Transfer web refuses', () => {
  const refused = [
    'sendVideo',
    'sendEmoticon',
    'revoke',
    'forward',
    'rooms.create',
    'rooms.add',
    'rooms.remove',
    'rooms.rename',
    'rooms.quit',
    'contacts.setRemark',
    'contacts.pin',
    'contacts.unpin',
    'contacts.acceptFriendRequest',
    'contacts.sendFriendRequest',
  ] as const;

  it.each(refused)('%s: NotAvailableError naming the feature and why; the main web offers it', (feature) => {
    const error = thrown(() => assertAvailable('filehelper', feature));
    expect(error).toBeInstanceOf(NotAvailableError);
    expect(error).toBeInstanceOf(WebWxError);
    expect((error as NotAvailableError).feature).toBe(feature);
    expect((error as NotAvailableError).code).toBe('not-available');
    expect((error as Error).message).toContain('File Transfer web');
    expect(thrown(() => assertAvailable('web', feature))).toBeUndefined();
    expect(refusalOf('web', feature)).toBeUndefined();
  });

  it('says what to do instead of a video or an emoticon', () => {
    expect(refusalOf('filehelper', 'sendVideo')).toContain('sendFile()');
    expect(refusalOf('filehelper', 'sendEmoticon')).toContain('sendImage()');
    expect(refusalOf('filehelper', 'rooms.create')).toContain('no group chats');
  });

  it('has one chat: filehelper; any other recipient is refused, the main web takes any', () => {
    expect(thrown(() => assertRecipient('filehelper', 'sendText', 'filehelper'))).toBeUndefined();
    for (const to of ['@self', '@abc', '@@room', 'Filehelper', 'weixin', '']) {
      const error = thrown(() => assertRecipient('filehelper', 'sendText', to));
      expect(error, to).toBeInstanceOf(NotAvailableError);
      expect((error as NotAvailableError).feature).toBe('sendText');
      expect((error as Error).message).toContain("one chat: 'filehelper'");
    }
    expect(thrown(() => assertRecipient('web', 'sendText', '@abc'))).toBeUndefined();
  });

  it('sends images and files only: a .gif image stays an image, an .mp4 or .gif file stays a file', () => {
    expect(uploadKindOf('filehelper', 'emoticon', 'sendImage')).toBe('image');
    expect(uploadKindOf('filehelper', 'image', 'sendImage')).toBe('image');
    expect(uploadKindOf('filehelper', 'video', 'sendFile')).toBe('file');
    expect(uploadKindOf('filehelper', 'emoticon', 'sendFile')).toBe('file');
    expect(uploadKindOf('filehelper', 'file', 'sendFile')).toBe('file');
    expect(uploadKindOf('web', 'video', 'sendFile')).toBe('video');
    expect(uploadKindOf('web', 'emoticon', 'sendImage')).toBe('emoticon');
  });
});

describe('app-mode: the File Transfer web’s world', () => {
  it('starts with the account and filehelper from init, whatever else init lists', () => {
    const fromInit = contact('filehelper', 'File Transfer');
    const list = [contact('@friend'), fromInit, contact('@@room')];
    const kept = initialContactsOf('filehelper', { ContactList: list, User: SELF });
    expect(kept.map((c) => c.UserName)).toEqual(['@self', 'filehelper']);
    expect(kept[0]?.NickName).toBe('me');
    expect(kept[1]).toBe(fromInit);
    expect(initialContactsOf('web', { ContactList: list, User: SELF })).toBe(list);
  });

  it('makes filehelper up when init does not list it', () => {
    const kept = initialContactsOf('filehelper', { ContactList: [contact('@friend')], User: SELF });
    expect(kept.map((c) => c.UserName)).toEqual(['@self', 'filehelper']);
    expect(kept[1]).toEqual(fileHelperContact());
    expect(fileHelperContact().NickName).toBe('文件传输助手');
  });

  it('keeps only filehelper of a later contact list', () => {
    const list = [contact('@friend'), contact('filehelper'), contact('@@room')];
    expect(contactsOfApp('filehelper', list).map((c) => c.UserName)).toEqual(['filehelper']);
    expect(contactsOfApp('filehelper', [contact('@x')])).toEqual([]);
    expect(contactsOfApp('web', list)).toBe(list);
  });

  it('has no push login and no contact list; the main web has both', () => {
    expect(hasPushLogin('filehelper')).toBe(false);
    expect(hasContactList('filehelper')).toBe(false);
    expect(hasPushLogin('web')).toBe(true);
    expect(hasContactList('web')).toBe(true);
  });

  it('derives the session’s hosts with its own table', () => {
    const redirect = 'https://cmfilehelper.weixin.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T';
    expect(sessionHostsOf('filehelper', redirect, 'https://login.weixin.qq.com')).toEqual({
      login: 'https://login.wx8.qq.com',
      qr: 'https://login.weixin.qq.com',
      main: 'https://cmfilehelper.weixin.qq.com',
      file: 'https://file.wx8.qq.com',
      push: 'https://cmfilehelper.weixin.qq.com',
    });
    const web = sessionHostsOf('web', 'https://wx2.qq.com/x', 'https://login.weixin.qq.com');
    expect(web.push).toBe('https://webpush.wx2.qq.com');
  });

  it('reads a saved session without an app as the main web’s', () => {
    expect(savedSessionApp({})).toBe('web');
    expect(savedSessionApp({ app: 'filehelper' })).toBe('filehelper');
  });
});

describe('options: app', () => {
  it("defaults to 'web' with the main web's hosts, fallbacks and UOS headers", () => {
    const o = resolveOptions({});
    expect(o.app).toBe('web');
    expect(o.hosts).toEqual(DEFAULT_HOSTS);
    expect(o.syncCheckFallbackHosts).toEqual(DEFAULT_SYNCCHECK_FALLBACKS);
    expect(o.uos.enabled).toBe(true);
  });

  it("'filehelper': the File Transfer hosts, no synccheck fallbacks, never the UOS headers", () => {
    const o = resolveOptions({ app: 'filehelper', uos: { enabled: true } });
    expect(o.app).toBe('filehelper');
    expect(o.hosts).toEqual(FILEHELPER_HOSTS);
    expect(o.syncCheckFallbackHosts).toEqual([]);
    expect(o.uos.enabled).toBe(false);
  });

  it('an emulator server is every host in either app; explicit hosts and fallbacks still win', () => {
    const o = resolveOptions({
      app: 'filehelper',
      server: 'http://127.0.0.1:9',
      hosts: { qr: 'https://qr.test' },
    });
    expect(o.hosts.main).toBe('http://127.0.0.1:9');
    expect(o.hosts.qr).toBe('https://qr.test');
    const f = resolveOptions({ app: 'filehelper', syncCheckFallbackHosts: ['push.test'] });
    expect(f.syncCheckFallbackHosts).toEqual(['https://push.test']);
  });

  it('another app is an InvalidArgumentError naming the choices', () => {
    expect(() => resolveOptions({ app: 'desktop' as never })).toThrow(InvalidArgumentError);
    expect(() => resolveOptions({ app: 'desktop' as never })).toThrow("'web', 'filehelper'");
  });
});

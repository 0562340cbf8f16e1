/** tough-cookie's CommonJS build (src/transport/tough-cookie.ts) keeps cookies as its ESM entry does. */
import { createRequire } from 'node:module';
import * as esm from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { cookieJarClass } from '../../src/transport/tough-cookie.js';

const CookieJar = cookieJarClass();

describe('tough-cookie (CommonJS build)', () => {
  it('is the CommonJS build of the installed version', () => {
    expect(createRequire(import.meta.url).resolve('tough-cookie')).toMatch(/\.cjs$/);
  });

  it('stores, sends and serialises cookies exactly as the ESM entry does', () => {
    const jars = [
      new CookieJar(undefined, { looseMode: true }),
      new esm.CookieJar(undefined, { looseMode: true }),
    ];
    const header = (jar: esm.CookieJar) => {
      jar.setCookieSync(
        'wxsid=abc; Domain=wx.qq.com; Path=/',
        'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxinit',
      );
      jar.setCookieSync('webwx_data_ticket=t1; Domain=.qq.com; Path=/', 'https://wx.qq.com/');
      expect(() => jar.setCookieSync('evil=1; Domain=com', 'https://wx.qq.com/')).toThrow(/public suffix/);
      return jar.getCookieStringSync('https://file.wx.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia');
    };
    const [cjs, fromEsm] = jars.map((jar) => header(jar as esm.CookieJar));
    expect(cjs).toBe(fromEsm);
    expect(cjs).toContain('webwx_data_ticket=t1');
    expect(cjs).not.toContain('evil');
    const serialised = (jars[0] as esm.CookieJar).serializeSync();
    expect(CookieJar.deserializeSync(serialised ?? '').getCookieStringSync('https://wx.qq.com/')).toContain(
      'wxsid=abc',
    );
  });
});

/** Shared data for the protocol tests: the session of the 2018 capture. */
import type { SessionContext } from '../../src/protocol/session-context.js';

export const CAPTURE_CTX: SessionContext = {
  hosts: {
    login: 'https://login.wx.qq.com',
    qr: 'https://login.weixin.qq.com',
    main: 'https://wx.qq.com',
    file: 'https://file.wx.qq.com',
    push: 'https://webpush.wx.qq.com',
  },
  credentials: {
    skey: '@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
    sid: '5YpLHmVgWwH5LxN1',
    uin: '176666155',
    passTicket: 'kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
  },
  lang: 'zh_CN',
  desktop: false,
};

/** Runs fn and returns what it threw; fails when it returns. */
export function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isServedHost, normalizeHost, publicHostFor } from '../../src/emulator/proxy/hosts.js';
import { loadOrCreateCa } from '../../src/emulator/proxy/local-ca.js';

describe('proxy hosts', () => {
  it('normalises case, ports and a trailing dot', () => {
    expect(normalizeHost('LOGIN.wx.qq.com:443')).toBe('login.wx.qq.com');
    expect(normalizeHost('wx.qq.com.')).toBe('wx.qq.com');
    expect(normalizeHost('[::1]:8080')).toBe('[::1]');
  });

  it('serves the §1.1 families, login.weixin.qq.com and the §1.3 push fallbacks, nothing else', () => {
    for (const h of [
      'wx.qq.com',
      'login.wx8.qq.com',
      'file.web2.wechat.com',
      'webpush.web.wechat.com',
      'login.weixin.qq.com',
      'webpush.weixin.qq.com',
      'webpush2.weixin2.qq.com',
      'webpush1.wechat.com',
      'file2.wx.qq.com',
    ])
      expect(isServedHost(h), h).toBe(true);
    for (const h of [
      'example.com',
      'wx.qq.com.evil.net',
      'evilwx.qq.com',
      'mp.weixin.qq.com',
      '127.0.0.1',
      'localhost',
    ])
      expect(isServedHost(h), h).toBe(false);
  });

  it('maps each host to its family main host and cookie domain (§1.2, §11)', () => {
    const cases: [string, string, string][] = [
      ['login.weixin.qq.com', 'wx.qq.com', '.qq.com'],
      ['webpush.weixin.qq.com', 'wx.qq.com', '.qq.com'],
      ['file.wx2.qq.com', 'wx2.qq.com', '.qq.com'],
      ['webpush.wx8.qq.com', 'wx8.qq.com', '.qq.com'],
      ['webpush2.wx2.qq.com', 'wx2.qq.com', '.qq.com'],
      ['login.web.wechat.com', 'web.wechat.com', '.wechat.com'],
      ['web2.wechat.com', 'web2.wechat.com', '.wechat.com'],
      ['webpush1.wechat.com', 'web.wechat.com', '.wechat.com'],
    ];
    for (const [host, main, domain] of cases)
      expect(publicHostFor(host), host).toEqual({ host, mainHost: main, cookieDomain: domain });
  });

  it('a CA directory with unusable files is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webwx-bad-ca-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
      writeFileSync(join(dir, 'ca-key.pem'), 'not a key');
      expect(() => loadOrCreateCa(dir)).toThrow(/cannot use the CA in .*delete ca\.pem and ca-key\.pem/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

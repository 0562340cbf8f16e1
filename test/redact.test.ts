import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, redactObject } from '../src/redact.js';

const SKEY = '@crypt_63d18dea_a7de0bfa21a3b6f1c5c3a1b1e8f1a1f1';

describe('redact', () => {
  it('removes secrets from query strings, cookies, JSON and XML', () => {
    const url = `https://wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&skey=${encodeURIComponent(SKEY)}&sid=5YpLHmVgWwH5LxN1&uin=176666155&deviceid=e123456789012345&synckey=1_2`;
    const out = redact(url);
    expect(out).not.toContain('5YpLHmVgWwH5LxN1');
    expect(out).not.toContain('176666155');
    expect(out).not.toContain('a7de0bfa');
    expect(out).toContain('synckey=1_2');

    const cookie = 'wxsid=5YpLHmVgWwH5LxN1; webwx_data_ticket=gSdeT7Yl1hGf; mm_lang=zh_CN';
    expect(redact(cookie)).not.toMatch(/5YpLHmVgWwH5LxN1|gSdeT7Yl1hGf/);
    expect(redact(cookie)).toContain('mm_lang=zh_CN');

    const json = `{"BaseRequest":{"Uin":176666155,"Sid":"5YpLHmVgWwH5LxN1","Skey":"${SKEY}","DeviceID":"e1"}}`;
    expect(redact(json)).not.toMatch(/176666155|5YpLHmVgWwH5LxN1|crypt/);

    const xml = `<error><ret>0</ret><skey>${SKEY}</skey><wxsid>abc</wxsid><pass_ticket>kbmy5Jt9nj%2B</pass_ticket></error>`;
    expect(redact(xml)).not.toMatch(/crypt|>abc<|kbmy5/);
    expect(redact(xml)).toContain('<ret>0</ret>');
  });

  it('redacts bearer tokens', () => {
    expect(redact('Authorization: Bearer abc.def-123')).not.toContain('abc.def-123');
  });

  it('never throws and is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const once = redact(s);
        expect(redact(once)).toBe(once);
      }),
    );
  });

  it('redacts secret-named keys of objects, recursively', () => {
    const out = redactObject({
      url: `https://x/?skey=${SKEY}`,
      nested: { sid: 'secret', keep: 1 },
      list: [{ Skey: 'x' }],
    });
    expect(JSON.stringify(out)).not.toMatch(/secret|crypt|"x"/);
    expect(out.nested.keep).toBe(1);
  });
});

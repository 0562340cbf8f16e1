import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildBaseRequest,
  buildQuery,
  ClientMsgIdSequence,
  encodePathSegment,
  encodePreEncoded,
  formatSyncKey,
  mmwebwxUrl,
  newClientMsgId,
  newDeviceId,
  preEncoded,
  rParam,
} from '../../src/protocol/request-ids.js';
import type { SyncKey } from '../../src/protocol/wire-types.js';
import { readFixtureJson } from '../fixtures.js';

const CREDENTIALS = {
  skey: '@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
  sid: '5YpLHmVgWwH5LxN1',
  uin: '176666155',
  passTicket: 'kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
};

describe('newDeviceId', () => {
  it('is "e" + 15 digits', () => {
    for (let i = 0; i < 200; i++) expect(newDeviceId()).toMatch(/^e\d{15}$/);
  });

  it('uses the injected random source, even one that misbehaves', () => {
    expect(newDeviceId(() => 0)).toBe('e000000000000000');
    expect(newDeviceId(() => 0.99999)).toBe('e999999999999999');
    expect(newDeviceId(() => 1)).toBe('e999999999999999');
    expect(newDeviceId(() => Number.NaN)).toBe('e000000000000000');
    let n = 0;
    expect(newDeviceId(() => (n++ % 10) / 10)).toBe('e012345678901234');
  });
});

describe('newClientMsgId', () => {
  it('is the ms timestamp, a 0, and 3 random digits (§3.3)', () => {
    // capture: "15462147414160521" = 1546214741416 + "0" + "521"
    let calls = 0;
    const digits = [0.5, 0.2, 0.1];
    expect(newClientMsgId(1546214741416, () => digits[calls++]!)).toBe('15462147414160521');
  });

  it('is 17 digits for current timestamps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 }), (ms) => {
        const id = newClientMsgId(ms);
        expect(id).toMatch(/^\d{17}$/);
        expect(id.slice(0, 13)).toBe(String(ms));
        expect(id[13]).toBe('0');
      }),
    );
  });

  it('truncates fractional milliseconds', () => {
    expect(newClientMsgId(1546214741416.9, () => 0)).toBe('15462147414160000');
  });
});

describe('rParam', () => {
  it('is ~ms (the bitwise NOT of the low 32 bits)', () => {
    expect(rParam(1546211540000)).toBe(-23313441);
    expect(rParam(0)).toBe(-1);
    expect(rParam(1546211298740)).toBe(~1546211298740);
  });

  it('lands in the neighbourhood of the capture values for Dec 2018 timestamps', () => {
    // capture: webwxinit r=-23072231, login r=-23073595, webwxsync rr=-23314857
    const r = rParam(1546211298740);
    expect(r).toBeLessThan(0);
    expect(Math.abs(r - -23073595)).toBeLessThan(10_000);
  });
});

describe('formatSyncKey', () => {
  it('joins Key_Val pairs with |, as synccheck wants the capture key (§4.5)', () => {
    const sync = readFixtureJson<{ SyncCheckKey: SyncKey }>('responses', 'QJesus-webwxsync.json');
    expect(formatSyncKey(sync.SyncCheckKey)).toBe(
      '1_698325105|2_698325111|3_698325051|11_698322408|201_1546211542|1000_1546210682|1001_1546210755',
    );
  });

  it('is empty for an empty key', () => {
    expect(formatSyncKey({ Count: 0, List: [] })).toBe('');
  });
});

describe('buildBaseRequest', () => {
  it('sends Uin as a number when all digits, with the DeviceID', () => {
    expect(buildBaseRequest(CREDENTIALS, 'e435716924360955')).toEqual({
      Uin: 176666155,
      Sid: '5YpLHmVgWwH5LxN1',
      Skey: '@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
      DeviceID: 'e435716924360955',
    });
  });

  it('omits DeviceID when not given (itchat-uos)', () => {
    expect(buildBaseRequest(CREDENTIALS)).not.toHaveProperty('DeviceID');
  });

  it('keeps Uin a string when not all digits or beyond a safe integer', () => {
    expect(buildBaseRequest({ ...CREDENTIALS, uin: 'wxid_abc' }).Uin).toBe('wxid_abc');
    expect(buildBaseRequest({ ...CREDENTIALS, uin: '' }).Uin).toBe('');
    expect(buildBaseRequest({ ...CREDENTIALS, uin: '99999999999999999999' }).Uin).toBe(
      '99999999999999999999',
    );
    expect(buildBaseRequest({ ...CREDENTIALS, uin: '2460137520' }).Uin).toBe(2460137520);
  });
});

describe('query helpers', () => {
  it('encodes values with encodeURIComponent and keeps order', () => {
    expect(
      buildQuery([
        ['skey', '@crypt_1'],
        ['synckey', '1_2|3_4'],
        ['r', 5],
        ['b', true],
      ]),
    ).toBe('skey=%40crypt_1&synckey=1_2%7C3_4&r=5&b=true');
  });

  it('puts an already-encoded pass_ticket in as is', () => {
    expect(buildQuery([['pass_ticket', preEncoded(CREDENTIALS.passTicket)]])).toBe(
      'pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
    );
  });

  it('makes a raw pass_ticket safe without touching valid escapes', () => {
    expect(encodePreEncoded('a+b/c=%2B%zz &#')).toBe('a%2Bb/c%3D%2B%25zz%20%26%23');
    expect(encodePreEncoded('中')).toBe('%E4%B8%AD');
    expect(encodePreEncoded('\uD800x')).toBe('%EF%BF%BDx');
  });

  it('leaves every valid encoding unchanged and decodes back to the raw value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (raw) => {
        const once = encodeURIComponent(raw);
        expect(encodePreEncoded(once)).toBe(once);
        expect(decodeURIComponent(encodePreEncoded(raw.replace(/%/g, '')))).toBe(raw.replace(/%/g, ''));
      }),
    );
  });

  it('never throws on lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
        buildQuery([
          ['x', s],
          ['y', preEncoded(s)],
        ]);
        encodePathSegment(s);
      }),
    );
  });

  it('builds mmwebwx URLs', () => {
    expect(mmwebwxUrl('https://wx.qq.com', 'webwxinit', [['r', -1]])).toBe(
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxinit?r=-1',
    );
    expect(mmwebwxUrl('http://127.0.0.1:8080/', 'webwxsync')).toBe(
      'http://127.0.0.1:8080/cgi-bin/mmwebwx-bin/webwxsync',
    );
  });

  it('keeps base64 characters readable in path segments but encodes slashes', () => {
    expect(encodePathSegment('gbyKnbsmqQ==')).toBe('gbyKnbsmqQ==');
    expect(encodePathSegment('a+b/c?d')).toBe('a+b%2Fc%3Fd');
  });
});

describe('ClientMsgIdSequence', () => {
  it('never repeats an id, even within one millisecond and with the same random digits', () => {
    const seq = new ClientMsgIdSequence();
    const ids = Array.from({ length: 5000 }, () => seq.next(1_700_000_000_000, () => 0.5));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^\d{17}$/);
    expect(BigInt(ids[1]!) - BigInt(ids[0]!)).toBe(1n);
  });

  it('keeps the official shape when time moves on', () => {
    const seq = new ClientMsgIdSequence();
    expect(seq.next(1_546_214_741_416, () => 0.052)).toMatch(/^15462147414160\d{3}$/);
    expect(seq.next(1_546_214_741_999, () => 0)).toMatch(/^15462147419990\d{3}$/);
  });
});

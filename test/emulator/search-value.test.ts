import { describe, expect, it } from 'vitest';
import { cookieValue, parseCookies, searchValue } from '../../src/emulator/http-server.js';

describe('searchValue', () => {
  it('reads what URLSearchParams reads, or leaves it to URLSearchParams', () => {
    const searches = [
      '',
      'a=1',
      'a=1&a=2',
      'synckey=1_698325105%7C2_698325109&r=1&_=2',
      'skey=%40crypt_abc&pass_ticket=a%2Bb%252F&sid=x',
      'a=x+y&b=%E4%BD%A0%E5%A5%BD',
      'a=%zz&b=%C3',
      'a&b=&=c&&d=1=2',
      'syn%63key=1&synckey=2',
      'a+b=1&a=2',
      'pass_ticket=undefined',
    ];
    const names = ['a', 'b', 'd', 'synckey', 'skey', 'pass_ticket', 'sid', 'r', '_', 'zz', ''];
    for (const search of searches) {
      const full = new URLSearchParams(search);
      for (const name of names) {
        const v = searchValue(search, name);
        if (v !== undefined) expect([search, name, v]).toEqual([search, name, full.get(name)]);
      }
    }
    expect(searchValue('synckey=1_2%7C3_4', 'synckey')).toBe('1_2|3_4');
    expect(searchValue('a=%zz', 'a')).toBeUndefined();
  });

  it('cookieValue reads what parseCookies reads', () => {
    const headers = [
      undefined,
      '',
      'wxsid=abc; wxuin=123',
      ' wxsid = a b ;wxuin=1;wxsid=second',
      '=x; wxuin; wxuin=2=3; ;',
      'webwx_data_ticket=gSd%2B; wxloadtime=1_expired',
    ];
    for (const h of headers) {
      const all = parseCookies(h);
      for (const name of ['wxsid', 'wxuin', 'webwx_data_ticket', 'wxloadtime', '', 'none'])
        expect([h, name, cookieValue(h, name)]).toEqual([h, name, all.get(name)]);
    }
  });
});

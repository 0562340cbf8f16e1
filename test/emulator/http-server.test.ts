import { describe, expect, it } from 'vitest';
import { parseCookies } from '../../src/emulator/http-server.js';

describe('parseCookies', () => {
  it('reads name=value pairs, trims them, keeps the first of a repeated name and skips nameless pieces', () => {
    expect(parseCookies(undefined)).toEqual(new Map());
    expect(parseCookies('')).toEqual(new Map());
    expect(parseCookies('wxsid=abc; wxuin=123')).toEqual(
      new Map([
        ['wxsid', 'abc'],
        ['wxuin', '123'],
      ]),
    );
    expect(parseCookies(' wxsid = a b ;wxuin=1;wxsid=second')).toEqual(
      new Map([
        ['wxsid', 'a b'],
        ['wxuin', '1'],
      ]),
    );
    expect(parseCookies('=x; wxuin; wxuin=2=3; ;')).toEqual(new Map([['wxuin', '2=3']]));
    expect(parseCookies('webwx_data_ticket=gSd%2B').get('webwx_data_ticket')).toBe('gSd%2B');
  });
});

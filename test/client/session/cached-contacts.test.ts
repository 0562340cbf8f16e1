/**
 * The contact cache keeps no session secret (the skey leaves the avatar URLs before they are saved),
 * and what it drops to stay small changes nothing the directory reads back.
 */
import { describe, expect, it } from 'vitest';
import { cacheEntryOf, withoutSkey } from '../../../src/client/session/cached-contacts.js';
import { isRoomUserName, toContact, toRoom } from '../../../src/model/index.js';
import type { WireContact } from '../../../src/protocol/wire-types.js';
import { readFixtureJson } from '../../fixtures.js';

const contact = (HeadImgUrl: string) => ({ UserName: '@a', HeadImgUrl }) as WireContact;

describe('withoutSkey', () => {
  it('drops the skey wherever it stands in the query', () => {
    const base = '/cgi-bin/mmwebwx-bin/webwxgeticon';
    expect(withoutSkey(contact(`${base}?seq=1&username=@a&skey=@crypt_x`)).HeadImgUrl).toBe(
      `${base}?seq=1&username=@a`,
    );
    expect(withoutSkey(contact(`${base}?skey=@crypt_x&seq=1`)).HeadImgUrl).toBe(`${base}?seq=1`);
    expect(withoutSkey(contact(`${base}?seq=1&skey=@crypt_x&username=@a`)).HeadImgUrl).toBe(
      `${base}?seq=1&username=@a`,
    );
    expect(withoutSkey(contact(`${base}?skey=@crypt_x`)).HeadImgUrl).toBe(base);
  });

  it('leaves a URL without an skey as it is', () => {
    const wire = contact('/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&username=@a');
    expect(withoutSkey(wire)).toBe(wire);
  });
});

describe('cacheEntryOf', () => {
  const real = [
    ...readFixtureJson<{ MemberList: WireContact[] }>('responses', 'webwxgetcontact.json').MemberList,
    ...readFixtureJson<{ MemberList: WireContact[] }>('responses', 'QJesus-webwxgetcontact.json').MemberList,
    ...readFixtureJson<{ ContactList: WireContact[] }>('responses', 'webwxbatchgetcontact.json').ContactList,
  ];

  it('reads back as the same contact or room, from real captured lists', () => {
    const self = '@self';
    expect(real.length).toBeGreaterThan(5);
    for (const wire of real) {
      const kept = JSON.parse(JSON.stringify(cacheEntryOf(wire))) as WireContact;
      if (isRoomUserName(wire.UserName)) expect(toRoom(kept)).toEqual(toRoom(withoutSkey(wire)));
      else expect(toContact(kept, self)).toEqual(toContact(withoutSkey(wire), self));
    }
  });

  it('drops the fields at their wire default and no others', () => {
    const wire = {
      UserName: '@a',
      NickName: 'A',
      RemarkName: '',
      Sex: 0,
      ContactFlag: 3,
      MemberList: [],
      KeyWord: 'k',
    };
    expect(cacheEntryOf(wire as unknown as WireContact)).toEqual({
      UserName: '@a',
      NickName: 'A',
      ContactFlag: 3,
      KeyWord: 'k',
    });
  });
});

/** The contact cache keeps no session secret: the skey leaves the avatar URLs before they are saved. */
import { describe, expect, it } from 'vitest';
import { withoutSkey } from '../../../src/client/session/cached-contacts.js';
import type { WireContact } from '../../../src/protocol/wire-types.js';

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

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { SessionCipher, sessionFromRow, sessionRow } from '../../src/store/session-cipher.js';
import { StoreError } from '../../src/store/session-store.js';
import { savedSession } from './contract.js';

const plain = Buffer.from(JSON.stringify(savedSession()));

describe('SessionCipher', () => {
  it('seals and opens with a 32-byte key; nothing of the session shows in the sealed bytes', async () => {
    const cipher = new SessionCipher(randomBytes(32));
    const sealed = await cipher.seal(plain, 'alice');
    expect(sealed.toString('latin1')).not.toContain('sid123');
    expect(sealed.subarray(0, 2)).toEqual(Buffer.from([1, 0]));
    expect(await cipher.open(sealed, 'alice', 'here')).toEqual(plain);
    // A fresh IV every time.
    expect((await cipher.seal(plain, 'alice')).equals(sealed)).toBe(false);
  });

  it('refuses another key, another account, a changed byte and a truncated box with a StoreError', async () => {
    const cipher = new SessionCipher(randomBytes(32));
    const sealed = await cipher.seal(plain, 'alice');
    const refused = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(StoreError);
    await refused(new SessionCipher(randomBytes(32)).open(sealed, 'alice', 'here'));
    await refused(cipher.open(sealed, 'bob', 'here'));
    const changed = Buffer.from(sealed);
    changed[changed.length - 1]! ^= 1;
    await expect(cipher.open(changed, 'alice', 'here')).rejects.toMatchObject({
      kind: 'incompatible',
      location: 'here',
    });
    await expect(cipher.open(sealed.subarray(0, 10), 'alice', 'here')).rejects.toMatchObject({
      kind: 'corrupt',
    });
    await expect(cipher.open(Buffer.from('{"version":1}'), 'alice', 'here')).rejects.toMatchObject({
      kind: 'corrupt',
    });
  });

  it('derives the key of a passphrase with scrypt, a salt per store kept in the box', async () => {
    const cipher = new SessionCipher('correct horse battery staple');
    const sealed = await cipher.seal(plain, 'alice');
    expect(sealed.subarray(0, 5)).toEqual(Buffer.from([1, 1, 15, 8, 1]));
    const again = new SessionCipher('correct horse battery staple');
    expect(await again.open(sealed, 'alice', 'here')).toEqual(plain);
    await expect(new SessionCipher('another passphrase').open(sealed, 'alice', 'here')).rejects.toMatchObject(
      {
        kind: 'incompatible',
      },
    );
    await expect(new SessionCipher(randomBytes(32)).open(sealed, 'alice', 'here')).rejects.toThrow(
      /sealed with a passphrase/,
    );
  });

  it('checks keys: 32 bytes, or a passphrase of 8 characters or more', () => {
    expect(() => new SessionCipher(randomBytes(31))).toThrow(InvalidArgumentError);
    expect(() => new SessionCipher('1234567')).toThrow(InvalidArgumentError);
  });

  it('stores a session in clear without a cipher, and reads either form back', async () => {
    const cipher = new SessionCipher(randomBytes(32));
    const clear = await sessionRow(plain, undefined, 'alice');
    expect(clear.format).toBe('json');
    expect(await sessionFromRow(clear, cipher, 'alice', 'here')).toEqual(savedSession());
    const sealed = await sessionRow(plain, cipher, 'alice');
    expect(sealed.format).toBe('aes-256-gcm');
    expect(await sessionFromRow(sealed, cipher, 'alice', 'here')).toEqual(savedSession());
    await expect(sessionFromRow(sealed, undefined, 'alice', 'here')).rejects.toMatchObject({
      kind: 'incompatible',
    });
    await expect(
      sessionFromRow({ format: 'rot13', data: plain }, cipher, 'alice', 'here'),
    ).rejects.toMatchObject({
      kind: 'corrupt',
    });
  });
});

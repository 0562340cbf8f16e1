/**
 * The saved session encrypted at rest: AES-256-GCM (node:crypto) under a 32-byte key, or under a key
 * derived from a passphrase with scrypt. The sealed form (version 1) is
 *
 *   0x01 | kdf (0: raw key, 1: scrypt) | [scrypt: log2 N, r, p, 16-byte salt] | 12-byte IV | 16-byte tag | ciphertext
 *
 * and everything before the IV, plus a label naming the account, is authenticated data: a sealed
 * session copied to another account, or altered in any byte, does not open.
 */

import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { parseSavedSession } from './saved-session.js';
import { type SavedSession, StoreError } from './session-store.js';

const FORMAT = 1;
const KDF_RAW = 0;
const KDF_SCRYPT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
/** scrypt cost for passphrases: N = 2^15, r = 8, p = 1 (about 32 MiB and a few tens of ms). */
const SCRYPT = { log2N: 15, r: 8, p: 1 } as const;

/** The key of a PostgresStore: 32 random bytes, or a passphrase (scrypt). */
export type SecretKey = Uint8Array | string;

function deriveKey(passphrase: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Checks a secretKey option; InvalidArgumentError when it cannot be a key. */
export function checkSecretKey(key: SecretKey): void {
  if (typeof key === 'string') {
    if (key.length < 8)
      throw new InvalidArgumentError('secretKey', 'secretKey: a passphrase must have at least 8 characters');
  } else if (!(key instanceof Uint8Array) || key.byteLength !== 32) {
    throw new InvalidArgumentError(
      'secretKey',
      'secretKey: a key must be exactly 32 bytes (or pass a passphrase string)',
    );
  }
}

/** Seals and opens saved sessions under one key; scrypt runs once per salt and is cached. */
export class SessionCipher {
  readonly #key: SecretKey;
  readonly #derived = new Map<string, Promise<Buffer>>();
  /** The salt new seals use (a passphrase key): the last one opened, else a fresh one. */
  #salt: Buffer | undefined;

  constructor(key: SecretKey) {
    checkSecretKey(key);
    this.#key = typeof key === 'string' ? key : Buffer.from(key);
  }

  #derive(salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
    const id = `${salt.toString('hex')}/${log2N}/${r}/${p}`;
    let key = this.#derived.get(id);
    if (!key) {
      key = deriveKey(this.#key as string, salt, log2N, r, p);
      this.#derived.set(id, key);
    }
    return key;
  }

  /** Encrypts `plain`, bound to `label` (e.g. the account). */
  async seal(plain: Buffer, label: string): Promise<Buffer> {
    let header: Buffer;
    let key: Buffer;
    if (typeof this.#key === 'string') {
      this.#salt ??= randomBytes(SALT_BYTES);
      header = Buffer.concat([
        Buffer.from([FORMAT, KDF_SCRYPT, SCRYPT.log2N, SCRYPT.r, SCRYPT.p]),
        this.#salt,
      ]);
      key = await this.#derive(this.#salt, SCRYPT.log2N, SCRYPT.r, SCRYPT.p);
    } else {
      header = Buffer.from([FORMAT, KDF_RAW]);
      key = this.#key as Buffer;
    }
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.concat([header, Buffer.from(`webwx session\u0000${label}`)]));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
  }

  /**
   * Decrypts what {@link seal} made for `label`. StoreError 'incompatible' when the key is not the one
   * it was sealed with (or a byte was changed: GCM cannot tell the two apart), 'corrupt' when it is
   * not a sealed session at all.
   */
  async open(sealed: Buffer, label: string, location: string): Promise<Buffer> {
    const corrupt = (what: string) =>
      new StoreError('corrupt', `saved session (${location}) is not a sealed session: ${what}`, { location });
    if (sealed.length < 2 || sealed[0] !== FORMAT) throw corrupt('unknown format');
    const kdf = sealed[1];
    let headerLength: number;
    let key: Buffer;
    if (kdf === KDF_RAW) {
      if (typeof this.#key === 'string') throw wrongKey(location, 'a 32-byte key, not a passphrase');
      headerLength = 2;
      key = this.#key as Buffer;
    } else if (kdf === KDF_SCRYPT) {
      if (typeof this.#key !== 'string') throw wrongKey(location, 'a passphrase, not a 32-byte key');
      headerLength = 5 + SALT_BYTES;
      if (sealed.length < headerLength) throw corrupt('truncated');
      const [log2N, r, p] = [sealed[2] as number, sealed[3] as number, sealed[4] as number];
      if (log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) throw corrupt('scrypt parameters');
      const salt = Buffer.from(sealed.subarray(5, headerLength));
      key = await this.#derive(salt, log2N, r, p);
      this.#salt ??= salt;
    } else {
      throw corrupt('unknown key derivation');
    }
    if (sealed.length < headerLength + IV_BYTES + TAG_BYTES) throw corrupt('truncated');
    const header = sealed.subarray(0, headerLength);
    const iv = sealed.subarray(headerLength, headerLength + IV_BYTES);
    const tag = sealed.subarray(headerLength + IV_BYTES, headerLength + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.concat([header, Buffer.from(`webwx session\u0000${label}`)]));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(headerLength + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (cause) {
      throw wrongKey(location, undefined, cause);
    }
  }
}

function wrongKey(location: string, sealedWith?: string, cause?: unknown): StoreError {
  const why = sealedWith
    ? `it was sealed with ${sealedWith}`
    : 'the secretKey is not the one it was saved with, or the stored bytes were altered';
  return new StoreError(
    'incompatible',
    `saved session (${location}) cannot be decrypted: ${why} (log in again to replace it)`,
    cause === undefined ? { location } : { location, cause },
  );
}

/** How a stored session is kept: 'json' (in clear, UTF-8) or 'aes-256-gcm' (sealed as above). */
export type SessionFormat = 'json' | 'aes-256-gcm';

/** A session's JSON bytes as stored: sealed when there is a cipher. */
export async function sessionRow(
  plain: Buffer,
  cipher: SessionCipher | undefined,
  account: string,
): Promise<{ format: SessionFormat; data: Buffer }> {
  return cipher
    ? { format: 'aes-256-gcm', data: await cipher.seal(plain, account) }
    : { format: 'json', data: plain };
}

/**
 * A stored session read back. A session in clear is read with or without a cipher (it is sealed at
 * the next save when there is one); a sealed one needs the cipher of its key: StoreError otherwise.
 */
export async function sessionFromRow(
  row: { format: string; data: Buffer },
  cipher: SessionCipher | undefined,
  account: string,
  location: string,
): Promise<SavedSession> {
  if (row.format === 'json') return parseSavedSession(row.data.toString('utf8'), location);
  if (row.format !== 'aes-256-gcm')
    throw new StoreError('corrupt', `saved session (${location}) has an unknown format`, { location });
  if (!cipher)
    throw new StoreError(
      'incompatible',
      `saved session (${location}) is encrypted: open the store with the secretKey it was saved with`,
      { location },
    );
  const plain = await cipher.open(row.data, account, location);
  return parseSavedSession(plain.toString('utf8'), location);
}

/**
 * Generators for the server-made identifiers, in the shapes the real server uses.
 */
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}_-`;

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Random bytes are drawn from a pool refilled 64 KiB at a time: one randomBytes call per id cost ~0.5 µs. */
const POOL_SIZE = 64 * 1024;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** `bytes` random bytes as lowercase hex (2 × bytes characters). */
export function hex(bytes: number): string {
  if (bytes > POOL_SIZE) return randomBytes(bytes).toString('hex');
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const out = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return out;
}

/** 12 base64-looking characters ending '==' (e.g. 'gbyKnbsmqQ=='). */
export function newUuid(): string {
  return `${pick(ALNUM, 9)}${pick('AQgw', 1)}==`;
}

/** The login ticket: 24 url-safe characters (e.g. 'AaXdHpmbWGYo_ZOk7ylAnnCY'). */
export function newTicket(): string {
  return pick(B64URL, 24);
}

/** '@crypt_' + 8 hex + '_' + 32 hex. */
export function newSkey(): string {
  return `@crypt_${hex(4)}_${hex(16)}`;
}

/** 16 alphanumerics (e.g. '5YpLHmVgWwH5LxN1'). */
export function newSid(): string {
  return pick(ALNUM, 16);
}

/** The raw pass_ticket: 44 base64 characters ending '=', always holding a '+' and a '/'. */
export function newRawPassTicket(): string {
  const chars = randomBytes(32).toString('base64').split('');
  chars[7] = '+';
  chars[23] = '/';
  return chars.join('');
}

export function newDataTicket(): string {
  return pick(B64, 24);
}

export function newAuthTicket(): string {
  return randomBytes(120).toString('base64');
}

export function newUvid(): string {
  return hex(48);
}

/** 19-digit message ids, increasing, from a random start. */
export class MsgIdSource {
  private next: bigint;
  constructor() {
    this.next = 1_000_000_000_000_000_000n + BigInt(`0x${hex(7)}`) * 100n;
  }
  take(): string {
    this.next += BigInt(1 + randomInt(997));
    return this.next.toString();
  }
}

/** A stable 9-10 digit uin for an account id (the account's wxuin never changes across logins). */
export function uinFor(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return 100_000_000 + (h % 2_000_000_000);
}

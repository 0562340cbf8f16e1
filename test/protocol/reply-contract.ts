/**
 * The reply readers' contract (PROTOCOL.md §3.6, as normaliseRecord states it), checked on what a
 * reader returns rather than recomputed by a second normaliser: every template field present, a
 * missing one at its default (nested objects and arrays fresh), strings and numbers coerced as
 * documented, nested templates applied, other keys kept as received, and a ParseError exactly when
 * some field breaks the contract, naming one such field. The templates come from the protocol
 * (wire-defaults.ts, or what a reader fills in for a record with only its required fields).
 * For test/protocol/json-reply-inplace.test.ts.
 */
import { expect } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { isJsonObject, type JsonObject } from '../../src/protocol/json-reply.js';
import { emptyProfile, emptyWireContact } from '../../src/protocol/wire-defaults.js';
import {
  readContact,
  readContactInPlace,
  readContactList,
  readContactListInPlace,
  readMember,
  readMessage,
  readMessageInPlace,
} from '../../src/protocol/wire-readers.js';

export const CONTACT = emptyWireContact() as unknown as JsonObject;
export const PROFILE = emptyProfile() as unknown as JsonObject;
/** The member and message templates: what the readers fill in for a record with only its required fields. */
export const MEMBER = readMember('x', { UserName: '' }, 'm') as unknown as JsonObject;
export const MESSAGE = readMessage(
  'x',
  { MsgId: '', FromUserName: '', ToUserName: '', MsgType: 0 },
  'm',
) as unknown as JsonObject;
export const MESSAGE_REQUIRED = ['MsgId', 'FromUserName', 'ToUserName', 'MsgType'];

/** A record kind: its template, required keys, and (contacts) the template of its MemberList entries. */
export interface Kind {
  template: JsonObject;
  required: readonly string[];
  members?: Kind;
}
export const MEMBER_KIND: Kind = { template: MEMBER, required: ['UserName'] };
export const CONTACT_KIND: Kind = { template: CONTACT, required: ['UserName'], members: MEMBER_KIND };
export const MESSAGE_KIND: Kind = { template: MESSAGE, required: MESSAGE_REQUIRED };
export const PROFILE_KIND: Kind = { template: PROFILE, required: [] };

/** §3.6: a decimal number in a string (`"0"`, `" 7 "`, `"-3.5"`), which a number field takes. */
export const DECIMAL = /^\s*-?\d+(?:\.\d+)?\s*$/;
export const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const missing = (v: unknown): v is null | undefined => v === undefined || v === null;

/** The fields of `value` that break the contract of `kind`: each one a reader may name in its ParseError. */
export function offences(value: unknown, kind: Kind, field: string): string[] {
  if (!isJsonObject(value)) return [field];
  const found = kind.required.filter((key) => missing(value[key])).map((key) => `${field}.${key}`);
  for (const [key, fallback] of Object.entries(kind.template)) {
    const v = value[key];
    const name = `${field}.${key}`;
    if (missing(v)) continue;
    if (typeof fallback === 'string') {
      if (typeof v !== 'string' && !finite(v)) found.push(name);
    } else if (typeof fallback === 'number') {
      if (!finite(v) && !(typeof v === 'string' && DECIMAL.test(v))) found.push(name);
    } else if (Array.isArray(fallback)) {
      if (!Array.isArray(v)) found.push(name);
      else if (key === 'MemberList' && kind.members) {
        const members = kind.members;
        for (const [i, m] of v.entries()) found.push(...offences(m, members, `${name}[${i}]`));
      }
    } else found.push(...offences(v, { template: fallback as JsonObject, required: [] }, name));
  }
  return found;
}

/** `out` is `input` (as it was before the read) filled and coerced by the contract of `kind`. */
export function expectFilled(input: JsonObject, out: unknown, kind: Kind, field: string): void {
  expect(isJsonObject(out), field).toBe(true);
  const got = out as JsonObject;
  for (const [key, fallback] of Object.entries(kind.template)) {
    const v = input[key];
    const name = `${field}.${key}`;
    if (missing(v)) expect(got[key], name).toEqual(fallback);
    else if (typeof fallback === 'string') expect(got[key], name).toBe(typeof v === 'string' ? v : String(v));
    else if (typeof fallback === 'number') expect(got[key], name).toBe(Number(v));
    else if (Array.isArray(fallback)) {
      const members = key === 'MemberList' ? kind.members : undefined;
      if (!members) expect(got[key], name).toEqual(v);
      else {
        const list = got[key] as unknown[];
        expect(list, name).toHaveLength((v as unknown[]).length);
        for (const [i, m] of (v as JsonObject[]).entries())
          expectFilled(m, list[i], members, `${name}[${i}]`);
      }
    } else expectFilled(v as JsonObject, got[key], { template: fallback as JsonObject, required: [] }, name);
    if (isJsonObject(fallback) || Array.isArray(fallback)) expect(got[key], name).not.toBe(fallback);
  }
  // Keys outside the template are kept as received, and nothing else is added.
  for (const key of Object.keys(input))
    if (!Object.hasOwn(kind.template, key)) expect(got[key], key).toEqual(input[key]);
  expect(new Set(Object.keys(got))).toEqual(new Set([...Object.keys(input), ...Object.keys(kind.template)]));
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

export function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { ok: false, error: `${error.message} | ${error.excerpt}` };
  }
}

/** One record or a list of them (`list`: a missing list reads as []). */
export type Subject = { kind: Kind; list?: boolean; field: string };

export function offencesOf(value: unknown, s: Subject): string[] {
  if (!s.list) return offences(value, s.kind, s.field);
  if (missing(value)) return [];
  if (!Array.isArray(value)) return [s.field];
  return value.flatMap((v, i) => offences(v, s.kind, `${s.field}[${i}]`));
}

export function expectFilledAs(input: unknown, out: unknown, s: Subject): void {
  if (!s.list) {
    expectFilled(input as JsonObject, out, s.kind, s.field);
    return;
  }
  const list = (input ?? []) as JsonObject[];
  expect(out).toHaveLength(list.length);
  for (const [i, v] of list.entries()) expectFilled(v, (out as unknown[])[i], s.kind, `${s.field}[${i}]`);
}

/**
 * The copying reader and the in-place one on `value`: both keep the contract (a filled record, or a
 * ParseError naming one of the fields that break it, exactly when some field does), give the same
 * outcome, the copy leaving `value` alone and the in-place one returning the object it was given.
 */
export function expectReaders(
  value: unknown,
  subject: Subject,
  copying: (v: unknown) => unknown,
  inPlace: (v: unknown) => unknown,
): void {
  const before = structuredClone(value);
  const copied = outcome(() => copying(value));
  expect(value).toEqual(before);
  const bad = offencesOf(before, subject);
  if (copied.ok) {
    expect(bad).toEqual([]);
    expectFilledAs(before, copied.value, subject);
  } else {
    expect(bad.length, copied.error).toBeGreaterThan(0);
    expect(
      bad.filter((name) => copied.error.includes(`${name} is `)),
      copied.error,
    ).not.toEqual([]);
  }
  const own = structuredClone(value);
  const filled = outcome(() => inPlace(own));
  expect(filled).toEqual(copied);
  if (filled.ok && (isJsonObject(own) || Array.isArray(own))) expect(filled.value).toBe(own);
}

export const contactReaders = (field: string) =>
  [
    { kind: CONTACT_KIND, field },
    (v: unknown) => readContact('x', v, field),
    (v: unknown) => readContactInPlace('x', v, field),
  ] as const;
export const contactListReaders = (field: string) =>
  [
    { kind: CONTACT_KIND, list: true, field },
    (v: unknown) => readContactList('x', v, field),
    (v: unknown) => readContactListInPlace('x', v, field),
  ] as const;
export const messageReaders = (field: string) =>
  [
    { kind: MESSAGE_KIND, field },
    (v: unknown) => readMessage('x', v, field),
    (v: unknown) => readMessageInPlace('x', v, field),
  ] as const;

/**
 * JSON replies (PROTOCOL.md §3.6): parsing whatever the Content-Type, BaseResponse.Ret checks, and the
 * field helpers every parser uses. Shape errors are ParseErrors naming the field; a non-zero Ret is a
 * ProtocolError. Harmless variations (missing arrays, numbers sent as strings) are normalised.
 * Records checked against a template of defaults: record-template.ts; the wire records shared by
 * several endpoints (contacts, members, messages, SyncKey…): wire-readers.ts.
 */
import { ParseError, ProtocolError } from '../errors.js';
import type { BaseResponse } from './wire-types.js';

/** A parsed JSON object whose fields are not yet checked. */
export type JsonObject = Record<string, unknown>;

/** Replies longer than this (in UTF-16 code units) are rejected unread. Big contact lists run to a few MB. */
export const MAX_JSON_REPLY_LENGTH = 32 * 1024 * 1024;

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parse a JSON reply whose top level must be an object. ParseError on non-JSON, a non-object top
 * level, or text over MAX_JSON_REPLY_LENGTH. The type parameter is not checked: use the shape helpers.
 */
export function parseJsonReply<T extends object = JsonObject>(endpoint: string, text: string): T {
  if (typeof text !== 'string') throw new ParseError(endpoint, 'reply is not text');
  if (text.length > MAX_JSON_REPLY_LENGTH) {
    throw new ParseError(endpoint, `reply too large (${text.length} characters)`, text.slice(0, 200));
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (cause) {
    throw new ParseError(endpoint, 'reply is not JSON', text, { cause });
  }
  if (!isJsonObject(value)) throw new ParseError(endpoint, 'reply is not a JSON object', text);
  return value as T;
}

const NUMERIC = /^\s*-?\d+(?:\.\d+)?\s*$/;

/** A number, or a string holding a decimal number (`"0"`, `"1101"`); ParseError otherwise. */
export function numberOrString(endpoint: string, value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  throw new ParseError(endpoint, `${field} is not a number`, describe(value));
}

/** Like numberOrString, with a default for a missing (undefined or null) field. */
export function numberOr(endpoint: string, value: unknown, field: string, fallback: number): number {
  return value === undefined || value === null ? fallback : numberOrString(endpoint, value, field);
}

/** A string (numbers are turned into their decimal text); a default for a missing field. */
export function stringOr(endpoint: string, value: unknown, field: string, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ParseError(endpoint, `${field} is not a string`, describe(value));
}

/** A required object. */
export function requireObject(endpoint: string, value: unknown, field: string): JsonObject {
  if (!isJsonObject(value)) {
    throw new ParseError(
      endpoint,
      `${field} is ${value === undefined ? 'missing' : 'not an object'}`,
      describe(value),
    );
  }
  return value;
}

/** A required array. */
export function requireArray(endpoint: string, value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new ParseError(
      endpoint,
      `${field} is ${value === undefined ? 'missing' : 'not an array'}`,
      describe(value),
    );
  }
  return value;
}

/** An array, or [] when the field is missing (undefined or null); ParseError for anything else. */
export function arrayOrEmpty(endpoint: string, value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  return requireArray(endpoint, value, field);
}

/** Map every element of an array with its indexed field name (`ContactList[3]`). */
export function mapArray<T>(
  items: readonly unknown[],
  field: string,
  map: (item: unknown, field: string) => T,
): T[] {
  return items.map((item, i) => map(item, `${field}[${i}]`));
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 100));
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 100);
  } catch {
    return typeof value;
  }
}

/**
 * Check a BaseResponse and return it normalised. `Ret` may be a number or a numeric string.
 * ParseError when it is missing or malformed; ProtocolError(endpoint, Ret, ErrMsg) when Ret != 0.
 */
export function assertOk(endpoint: string, baseResponse: unknown): BaseResponse {
  const br = requireObject(endpoint, baseResponse, 'BaseResponse');
  const ret = numberOrString(endpoint, br.Ret, 'BaseResponse.Ret');
  const errMsg = typeof br.ErrMsg === 'string' ? br.ErrMsg : '';
  if (ret !== 0) throw new ProtocolError(endpoint, ret, errMsg);
  return { Ret: ret, ErrMsg: errMsg };
}

/**
 * The entries of a list read one by one with `read(item, field)`; an entry `read` refuses with a
 * ParseError is left out of the result and added to `skipped` (one bad entry of a webwxsync reply
 * skips itself, not the reply). Other errors propagate.
 */
export function readEntriesSkipping<T>(
  items: readonly unknown[],
  field: string,
  read: (item: unknown, field: string) => T,
  skipped: ParseError[],
): T[] {
  const good: T[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      good.push(read(items[i], `${field}[${i}]`));
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      skipped.push(error);
    }
  }
  return good;
}

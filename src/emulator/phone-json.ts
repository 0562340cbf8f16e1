/**
 * The phone API's JSON: replies, errors that name the field, and bytes sent as base64.
 */
import { type Reply, textReply } from './server.js';

/** A JSON reply of the phone API. */
export function phoneJson(status: number, value: unknown): Reply {
  return textReply(status, 'application/json; charset=utf-8', JSON.stringify(value));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a base64 field (white space ignored); throws a message naming the field. */
export function base64Field(value: unknown, field: string): Buffer {
  if (typeof value !== 'string') throw new Error(`"${field}" must be a string (the bytes, base64)`);
  const base64 = value.replace(/\s+/g, '');
  if (base64.length % 4 === 1 || !BASE64.test(base64)) throw new Error(`"${field}" is not base64`);
  return Buffer.from(base64, 'base64');
}

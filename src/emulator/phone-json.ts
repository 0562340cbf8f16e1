/**
 * The phone API's JSON: replies, errors that name the field, bytes sent as base64, rooms as shown,
 * and the shape of a knob (phone-knobs.ts).
 */
import { InvalidArgumentError } from '../errors.js';
import { type Reply, textReply } from './served-request.js';
import type { WorldRoom } from './world-types.js';

/** A JSON reply of the phone API. */
export function phoneJson(status: number, value: unknown): Reply {
  return textReply(status, 'application/json; charset=utf-8', JSON.stringify(value));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a base64 field (white space ignored); throws a message naming the field. */
export function base64Field(value: unknown, field: string): Buffer {
  if (typeof value !== 'string')
    throw new InvalidArgumentError('', `"${field}" must be a string (the bytes, base64)`);
  const base64 = value.replace(/\s+/g, '');
  if (base64.length % 4 === 1 || !BASE64.test(base64))
    throw new InvalidArgumentError('', `"${field}" is not base64`);
  return Buffer.from(base64, 'base64');
}

/** A room as the phone API shows it: members as stable ids, or `{ id, displayName }`. */
export function roomView(r: WorldRoom): unknown {
  return {
    id: r.id,
    topic: r.topic,
    owner: r.owner,
    saved: r.saved,
    pinned: r.pinned ?? false,
    members: r.memberIds.map((id) => {
      const dn = r.displayNames.get(id);
      return dn === undefined ? id : { id, displayName: dn };
    }),
  };
}

export type FieldType = 'string' | 'string[]' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

export interface KnobField {
  name: string;
  type: FieldType;
  required?: boolean;
  /** The values allowed. */
  enum?: readonly (string | number)[];
  description: string;
}

export interface Knob {
  /** The path under /__phone/ and the in-process name. */
  name: string;
  method: 'GET' | 'POST';
  summary: string;
  fields: readonly KnobField[];
  /** Other fields are allowed too (checked by the call itself: sendMessage's kinds). */
  open?: boolean;
  run(args: Record<string, unknown>): unknown;
}

/** A bad argument: answered 400 `{"error": …, "field": …}`. */
export class FieldError extends InvalidArgumentError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(field, `"${field}" ${message}`);
    this.field = field;
  }
}

/**
 * Records normalised against a template of defaults (PROTOCOL.md §3.6): a template is compiled into
 * slots (key, kind, default) and a record is checked and filled slot by slot, as a copy or in place.
 * The wire readers (wire-readers.ts) compile their templates once, at load; {@link normaliseRecord}
 * compiles the caller's on every call.
 */
import { ParseError } from '../errors.js';
import {
  arrayOrEmpty,
  isJsonObject,
  type JsonObject,
  numberOrString,
  requireObject,
  stringOr,
} from './json-reply.js';

type Template = { readonly [k: string]: unknown };

const STR = 0;
const NUM = 1;
const ARR = 2;
const OBJ = 3;
const ANY = 4;

interface Slot {
  readonly key: string;
  readonly kind: typeof STR | typeof NUM | typeof ARR | typeof OBJ | typeof ANY;
  readonly fallback: unknown;
  /** For OBJ: the nested template, compiled. */
  readonly nested: Shape | undefined;
}

/** A compiled template: its keys in order with their kinds, and a factory for a default copy. */
export interface Shape {
  readonly slots: readonly Slot[];
  /** A fresh object holding every default (nested objects and arrays fresh too). */
  make(): JsonObject;
}

/** A template (an object of defaults, nested objects included) compiled into a Shape. */
export function compileTemplate(template: object): Shape {
  const slots: Slot[] = Object.entries(template as Template).map(([key, fallback]) => {
    if (typeof fallback === 'string') return { key, kind: STR, fallback, nested: undefined };
    if (typeof fallback === 'number') return { key, kind: NUM, fallback, nested: undefined };
    if (Array.isArray(fallback)) return { key, kind: ARR, fallback, nested: undefined };
    if (isJsonObject(fallback)) return { key, kind: OBJ, fallback, nested: compileTemplate(fallback) };
    return { key, kind: ANY, fallback, nested: undefined };
  });
  const make = (): JsonObject => {
    const out: JsonObject = {};
    for (const slot of slots) {
      if (slot.kind === ARR) out[slot.key] = [];
      else if (slot.kind === OBJ) out[slot.key] = (slot.nested as Shape).make();
      else out[slot.key] = slot.fallback;
    }
    return out;
  };
  return { slots, make };
}

/** `base` or `base[index]`: field names are built only when an error names them. */
export function fieldName(base: string, index: number): string {
  return index < 0 ? base : `${base}[${index}]`;
}

/**
 * The normaliser behind normaliseRecord (copy: a shallow copy is filled, nested template objects
 * copied too) and the in-place readers (copy false: `value` itself is checked and filled, and
 * returned). Unchanged fields are not written.
 */
export function fillRecord(
  endpoint: string,
  value: unknown,
  base: string,
  index: number,
  shape: Shape,
  required: readonly string[],
  copy: boolean,
): JsonObject {
  if (!isJsonObject(value)) return requireObject(endpoint, value, fieldName(base, index));
  for (const key of required) {
    const v = value[key];
    if (v === undefined || v === null)
      throw new ParseError(endpoint, `${fieldName(base, index)}.${key} is missing`);
  }
  const out: JsonObject = copy ? { ...value } : value;
  const slots = shape.slots;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as Slot;
    const key = slot.key;
    const v = value[key];
    switch (slot.kind) {
      case STR:
        if (typeof v !== 'string') {
          out[key] =
            v === undefined || v === null
              ? slot.fallback
              : stringOr(endpoint, v, `${fieldName(base, index)}.${key}`, slot.fallback as string);
        }
        break;
      case NUM:
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          out[key] =
            v === undefined || v === null
              ? slot.fallback
              : numberOrString(endpoint, v, `${fieldName(base, index)}.${key}`);
        }
        break;
      case ARR:
        if (!Array.isArray(v)) out[key] = arrayOrEmpty(endpoint, v, `${fieldName(base, index)}.${key}`);
        break;
      case OBJ:
        out[key] =
          v === undefined || v === null
            ? (slot.nested as Shape).make()
            : fillRecord(endpoint, v, `${fieldName(base, index)}.${key}`, -1, slot.nested as Shape, [], copy);
        break;
      default:
        out[key] = v ?? slot.fallback;
    }
  }
  return out;
}

/**
 * Normalise an object against a template of defaults. For each template key: a missing value takes
 * the default; a string default accepts strings and numbers (→ text); a number default accepts
 * numbers and numeric strings; an array default accepts an array (elements untouched); an object
 * default is applied recursively. Other types are a ParseError naming the field. Keys outside the
 * template are kept as received. Keys in `required` must be present. Returns a copy (nested template
 * objects copied too); `value` is left as it was.
 */
export function normaliseRecord<T extends object>(
  endpoint: string,
  value: unknown,
  field: string,
  template: T,
  required: readonly (keyof T & string)[] = [],
): T {
  return fillRecord(endpoint, value, field, -1, compileTemplate(template), required, true) as T;
}

/**
 * normaliseRecord done in place: `value` itself is checked and filled (defaults added, numeric
 * strings turned into numbers and so on, nested template objects likewise) and returned. Same results
 * and the same ParseErrors as normaliseRecord; for objects nobody else holds, like a fresh JSON.parse.
 */
export function normaliseRecordInPlace<T extends object>(
  endpoint: string,
  value: unknown,
  field: string,
  template: T,
  required: readonly (keyof T & string)[] = [],
): T {
  return fillRecord(endpoint, value, field, -1, compileTemplate(template), required, false) as T;
}

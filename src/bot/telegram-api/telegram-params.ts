/**
 * The parameters of a Telegram method call, as Telegram takes them: the query string, then a body of
 * `application/json`, `application/x-www-form-urlencoded` or `multipart/form-data` (grammY sends
 * uploads as multipart, files as parts referred to by `attach://<name>`). Bodies are bounded; the
 * multipart parsing is undici's (`Request.formData()`). Every getter checks its value and answers a
 * 400 TelegramError naming the parameter.
 */
import type { IncomingMessage } from 'node:http';
import type { Request } from 'undici';
import { badRequest, TelegramError } from './telegram-error.js';

export interface UploadedFile {
  /** The part's file name as sent ('' when none). */
  name: string;
  bytes: Buffer;
}

/** A media parameter: an uploaded file, or a string (a file_id, or a URL). */
export type InputMedia = { file: UploadedFile } | { ref: string };

export interface BodyLimits {
  /** JSON and form bodies. */
  maxBodyBytes: number;
  /** Multipart bodies (uploads). */
  maxUploadBytes: number;
}

const INT = /^-?\d{1,16}$/;

export class TelegramParams {
  readonly #values: Map<string, unknown>;
  readonly #files: Map<string, UploadedFile>;

  constructor(values: Map<string, unknown>, files: Map<string, UploadedFile> = new Map()) {
    this.#values = values;
    this.#files = files;
  }

  /** A params object from a plain record (tests, webhook replies). */
  static of(record: Record<string, unknown>): TelegramParams {
    return new TelegramParams(new Map(Object.entries(record)));
  }

  has(name: string): boolean {
    const v = this.#values.get(name);
    return (v !== undefined && v !== null && v !== '') || this.#files.has(name);
  }

  string(name: string, maxLength: number, required = false): string | undefined {
    const v = this.#values.get(name);
    if (v === undefined || v === null || v === '') {
      if (required) throw badRequest(`${name} is required`);
      return undefined;
    }
    const text = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    if (typeof text !== 'string') throw badRequest(`${name} must be a string`);
    if (text.length > maxLength) throw badRequest(`${name} is longer than ${maxLength} characters`);
    return text;
  }

  requiredString(name: string, maxLength: number): string {
    return this.string(name, maxLength, true) as string;
  }

  int(name: string, min: number, max: number): number | undefined {
    const v = this.#values.get(name);
    if (v === undefined || v === null || v === '') return undefined;
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && INT.test(v.trim()) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw badRequest(`${name} must be an integer`);
    if (n < min || n > max) throw badRequest(`${name} must be from ${min} to ${max}`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.#values.get(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (v === true || v === 'true' || v === 'True' || v === '1' || v === 1) return true;
    if (v === false || v === 'false' || v === 'False' || v === '0' || v === 0) return false;
    throw badRequest(`${name} must be a Boolean`);
  }

  /** A JSON-serialised object (as Telegram takes them in form fields) or an object of a JSON body. */
  object(name: string): TelegramParams | undefined {
    const v = this.#json(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw badRequest(`${name} must be an object`);
    return new TelegramParams(new Map(Object.entries(v as Record<string, unknown>)));
  }

  /** A JSON-serialised array of strings. */
  stringArray(name: string, maxItems: number): string[] | undefined {
    const v = this.#json(name);
    if (v === undefined) return undefined;
    if (
      !Array.isArray(v) ||
      v.length > maxItems ||
      !v.every((s) => typeof s === 'string' && s.length <= 64)
    ) {
      throw badRequest(`${name} must be an array of at most ${maxItems} strings`);
    }
    return v as string[];
  }

  /** A chat id: an integer, or a string (stable id, UserName, name; digits are read as an integer). */
  chatId(name = 'chat_id'): number | string {
    const v = this.#values.get(name);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw badRequest(`${name} must be an integer or a string`);
      return v;
    }
    const text = this.requiredString(name, 200).trim();
    if (INT.test(text)) {
      const n = Number(text);
      if (Number.isSafeInteger(n)) return n;
    }
    if (text === '') throw badRequest(`${name} is empty`);
    return text;
  }

  /** A media parameter: an uploaded part (under its own name, or `attach://<part>`), or a string. */
  media(name: string): InputMedia {
    const direct = this.#files.get(name);
    if (direct) return { file: direct };
    const ref = this.string(name, 2048);
    if (ref === undefined) throw badRequest(`there is no ${name} in the request`);
    if (ref.startsWith('attach://')) {
      const part = this.#files.get(ref.slice('attach://'.length));
      if (!part) throw badRequest(`the file of ${name} (${ref.slice(0, 80)}) is not in the request`);
      return { file: part };
    }
    return { ref };
  }

  #json(name: string): unknown {
    const v = this.#values.get(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      throw badRequest(`${name} is not valid JSON`);
    }
  }
}

function tooLarge(limit: number): TelegramError {
  return new TelegramError(413, `Request Entity Too Large: the body is larger than ${limit} bytes`);
}

async function readBounded(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * grammY writes a part's file name unquoted, to the end of the header line
 * (`content-disposition:form-data;name="document";filename=my notes.txt`), which Telegram's server
 * reads whole. undici's parser cuts such a name at its first space, or refuses the body when more
 * follows, so the name is quoted before parsing. Only a header line right after a boundary line
 * matches: a part's content cannot contain the boundary.
 */
export function quoteUnquotedFileNames(body: Buffer, boundary: string): Buffer {
  const text = body.toString('latin1');
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(
    `(--${escaped}\\r\\ncontent-disposition:[ \\t]*form-data;[ \\t]*name="[^"\\r\\n]*";[ \\t]*filename=)([^"\\r\\n][^"\\r\\n]*?)([ \\t]*\\r\\n)`,
    'gi',
  );
  let changed = false;
  const fixed = text.replace(pattern, (_whole, head: string, name: string, end: string) => {
    changed = true;
    return `${head}"${name}"${end}`;
  });
  return changed ? Buffer.from(fixed, 'latin1') : body;
}

async function readMultipart(
  req: IncomingMessage,
  type: string,
  limit: number,
): Promise<{ values: Map<string, unknown>; files: Map<string, UploadedFile> }> {
  const boundary = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(type);
  if (!boundary) throw badRequest('the multipart/form-data body has no boundary');
  // Read whole (bounded) first: undici's formData() holds every part in memory anyway.
  const body = quoteUnquotedFileNames(await readBounded(req, limit), (boundary[1] ?? boundary[2])!);
  let form: Awaited<ReturnType<Request['formData']>>;
  // undici's index on the first multipart call only: loading it costs a process start 100–300 ms
  // (src/transport/undici-parts.ts).
  const { Request: UndiciRequest } = await import('undici');
  try {
    form = await new UndiciRequest('http://localhost/', {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    }).formData();
  } catch {
    throw badRequest('the multipart/form-data body could not be read');
  }
  const values = new Map<string, unknown>();
  const files = new Map<string, UploadedFile>();
  for (const [key, value] of form) {
    if (typeof value === 'string') values.set(key, value);
    else files.set(key, { name: value.name ?? '', bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { values, files };
}

/** Reads a method call's parameters: the query, then the body (which wins). */
export async function readParams(
  req: IncomingMessage,
  query: URLSearchParams,
  limits: BodyLimits,
): Promise<TelegramParams> {
  const values = new Map<string, unknown>(query);
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  const declared = Number(req.headers['content-length']);
  const isMultipart = type.startsWith('multipart/form-data');
  const limit = isMultipart ? limits.maxUploadBytes : limits.maxBodyBytes;
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    return new TelegramParams(values);
  }
  if (isMultipart) {
    const form = await readMultipart(req, String(req.headers['content-type']), limit);
    for (const [k, v] of form.values) values.set(k, v);
    return new TelegramParams(values, form.files);
  }
  const body = await readBounded(req, limit);
  if (body.length === 0) return new TelegramParams(values);
  if (type.startsWith('application/json')) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('the body is not valid JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw badRequest('the body must be a JSON object');
    }
    for (const [k, v] of Object.entries(json)) values.set(k, v);
    return new TelegramParams(values);
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) values.set(k, v);
    return new TelegramParams(values);
  }
  throw badRequest('send parameters as a query, JSON, a urlencoded form or multipart/form-data');
}

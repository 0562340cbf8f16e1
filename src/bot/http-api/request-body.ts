/** Reading and checking request input: a bounded JSON body, required fields, query numbers. */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, 'send the body as JSON with Content-Type: application/json');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError(413, `the body is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new ApiError(413, `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'the body is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ApiError(400, 'the body must be a JSON object');
  }
  return json as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string, maxLength: number): string {
  const value = body[field];
  if (value === undefined) throw new ApiError(400, `"${field}" is required`);
  if (typeof value !== 'string') throw new ApiError(400, `"${field}" must be a string`);
  if (value.trim() === '') throw new ApiError(400, `"${field}" must not be empty`);
  if (value.length > maxLength) throw new ApiError(400, `"${field}" is longer than ${maxLength} characters`);
  return value;
}

export function optionalString(
  body: Record<string, unknown>,
  field: string,
  maxLength: number,
): string | undefined {
  return body[field] === undefined ? undefined : requiredString(body, field, maxLength);
}

/** A base64 field decoded, strictly (no stray characters). */
export function base64Field(body: Record<string, unknown>, field: string, maxBytes: number): Buffer {
  const text = requiredString(body, field, Math.ceil((maxBytes * 4) / 3) + 4).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new ApiError(400, `"${field}" must be base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw new ApiError(400, `"${field}" is empty`);
  if (bytes.length > maxBytes) throw new ApiError(413, `"${field}" is larger than ${maxBytes} bytes`);
  return bytes;
}

/** An integer query parameter in [min, max], or the fallback when absent. */
export function queryInt(
  params: URLSearchParams,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ApiError(400, `"${name}" must be a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw new ApiError(400, `"${name}" must be from ${min} to ${max}`);
  return n;
}

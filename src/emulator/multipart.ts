/**
 * A small multipart/form-data parser for bounded bodies (one upload chunk: 512 KiB plus the form
 * fields). Tolerates what real clients send: quoted or bare boundaries, a final boundary without the
 * closing `--` (the 2018 capture), LF-only line ends. Returns undefined for anything it cannot read.
 */

export interface MultipartPart {
  name: string;
  /** Present for file parts (may be ''). */
  fileName?: string;
  contentType?: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Map<string, string>;
  files: MultipartPart[];
}

/** The boundary of a `multipart/form-data; boundary=…` Content-Type. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType.trim())) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  return b && b.length <= 200 ? b : undefined;
}

function headerParam(header: string, name: string): string | undefined {
  const re = new RegExp(`;\\s*${name}\\*?=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
  const m = re.exec(header);
  if (!m) return undefined;
  const value = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? '').trim();
  if (/^utf-8''/i.test(value)) {
    try {
      return decodeURIComponent(value.slice(7));
    } catch {
      return value;
    }
  }
  return value;
}

function parsePart(raw: Buffer): MultipartPart | undefined {
  let sep = raw.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (sep < 0) {
    sep = raw.indexOf('\n\n');
    sepLen = 2;
  }
  if (sep < 0) return undefined;
  const head = raw.subarray(0, sep).toString('utf8');
  const data = raw.subarray(sep + sepLen);
  let disposition = '';
  let contentType: string | undefined;
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') disposition = value;
    else if (key === 'content-type') contentType = value;
  }
  const name = headerParam(disposition, 'name');
  if (name === undefined) return undefined;
  const part: MultipartPart = { name, data };
  const fileName = headerParam(disposition, 'filename');
  if (fileName !== undefined) part.fileName = fileName;
  if (contentType !== undefined) part.contentType = contentType;
  return part;
}

/** Splits a whole (bounded) body into its fields and file parts. */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, string>();
  const files: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  for (;;) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing `--`
    if (body[start] === 0x0d) start += 1;
    if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    let end = next;
    if (body[end - 1] === 0x0a) end -= 1;
    if (body[end - 1] === 0x0d) end -= 1;
    const part = parsePart(body.subarray(start, Math.max(start, end)));
    if (part === undefined) return undefined;
    if (part.fileName !== undefined) files.push(part);
    else if (!fields.has(part.name)) fields.set(part.name, part.data.toString('utf8'));
    pos = next;
  }
  return { fields, files };
}

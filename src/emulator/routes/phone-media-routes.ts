/**
 * The phone's media over HTTP: `POST /__phone/media` with the bytes in the request (base64 in a JSON
 * body, or a file part of a multipart/form-data body), or a `path` inside the media directory
 * (`mediaDir`) and nowhere else; `GET /__phone/revokes`.
 */

import { InvalidArgumentError } from '../../errors.js';
import { readMediaDirFile } from '../media-dir.js';
import { boundaryOf, parseMultipart } from '../multipart.js';
import { base64Field, phoneJson } from '../phone-json.js';
import { createPhoneMedia } from '../phone-media.js';
import type { PhoneMediaInput, PhoneMediaKind } from '../phone-media-types.js';
import type { EmulatorContext } from '../route-context.js';
import type { EmuRequest, Reply, Router } from '../served-request.js';
import { perAccount } from './phone-account.js';

const PHONE_KINDS: readonly PhoneMediaKind[] = ['image', 'voice', 'video', 'short-video', 'file', 'emoticon'];

const USAGE =
  'body must be {"kind": "image"|"voice"|"video"|"short-video"|"file"|"emoticon", "from": string, "base64"|"path": string, "room"?, "fileName"?, "voiceLengthMs"?, "playLengthS"?}, or the same as multipart/form-data fields with the bytes as a file part';

function fieldError(message: string): never {
  throw new InvalidArgumentError('', message);
}

/** The fields of the request (JSON values, or multipart text fields) and the bytes of a file part. */
interface MediaRequest {
  fields: Record<string, unknown>;
  file?: { data: Buffer; fileName?: string };
}

function mediaRequest(req: EmuRequest): MediaRequest {
  const boundary = boundaryOf(req.headers['content-type']);
  if (boundary !== undefined) {
    const form = req.bodyBytes ? parseMultipart(req.bodyBytes, boundary) : undefined;
    if (form === undefined) fieldError('the body is not multipart/form-data');
    const fields: Record<string, unknown> = Object.fromEntries(form.fields);
    for (const name of ['voiceLengthMs', 'playLengthS'])
      if (typeof fields[name] === 'string') fields[name] = Number(fields[name]);
    if (form.files.length > 1) fieldError('send one file part');
    const part = form.files[0];
    return part === undefined
      ? { fields }
      : { fields, file: { data: part.data, ...(part.fileName ? { fileName: part.fileName } : {}) } };
  }
  const body = req.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    fieldError('the body must be a JSON object');
  return { fields: body as Record<string, unknown> };
}

function optionalString(fields: Record<string, unknown>, name: string): string | undefined {
  const v = fields[name];
  if (v !== undefined && typeof v !== 'string') fieldError(`"${name}" must be a string`);
  return v;
}

function optionalNumber(fields: Record<string, unknown>, name: string): number | undefined {
  const v = fields[name];
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
    fieldError(`"${name}" must be a non-negative number`);
  return v;
}

/** The in-process input of a media request; throws a message naming the bad field. */
async function mediaInput(
  ctx: EmulatorContext,
  req: EmuRequest,
): Promise<{ kind: PhoneMediaKind; input: PhoneMediaInput }> {
  const { fields, file } = mediaRequest(req);
  const kind = PHONE_KINDS.find((k) => k === fields.kind);
  if (kind === undefined) fieldError(`"kind" must be one of ${PHONE_KINDS.join(', ')}; ${USAGE}`);
  if (typeof fields.from !== 'string') fieldError(`"from" must be a string; ${USAGE}`);
  const input: PhoneMediaInput = { from: fields.from };
  const sources = [file !== undefined, fields.base64 !== undefined, fields.path !== undefined];
  if (sources.filter(Boolean).length !== 1)
    fieldError('give the bytes once: a file part, "base64", or a "path" in the media directory');
  let fileName = optionalString(fields, 'fileName');
  if (file !== undefined) {
    input.data = file.data;
    fileName ??= file.fileName;
  } else if (fields.base64 !== undefined) {
    input.data = base64Field(fields.base64, 'base64');
  } else {
    const path = optionalString(fields, 'path') ?? '';
    const read = await readMediaDirFile(ctx.mediaDir, path);
    input.data = read.data;
    fileName ??= read.fileName;
  }
  const room = optionalString(fields, 'room');
  if (room !== undefined) input.room = room;
  if (fileName !== undefined) input.fileName = fileName;
  const voiceLengthMs = optionalNumber(fields, 'voiceLengthMs');
  if (voiceLengthMs !== undefined) input.voiceLengthMs = voiceLengthMs;
  const playLengthS = optionalNumber(fields, 'playLengthS');
  if (playLengthS !== undefined) input.playLengthS = playLengthS;
  return { kind, input };
}

export function registerPhoneMediaRoutes(router: Router, ctx: EmulatorContext): void {
  const phoneOf = perAccount(ctx, createPhoneMedia);
  router.path('/__phone/media', {
    methods: ['POST'],
    handler: async (req): Promise<Reply> => {
      const picked = phoneOf(req);
      if (!picked.ok) return picked.reply;
      const phone = picked.value;
      const senders = {
        image: phone.sendImage,
        voice: phone.sendVoice,
        video: phone.sendVideo,
        'short-video': phone.sendShortVideo,
        file: phone.sendFile,
        emoticon: phone.sendEmoticon,
      } satisfies Record<PhoneMediaKind, unknown>;
      try {
        const { kind, input } = await mediaInput(ctx, req);
        return phoneJson(200, await senders[kind](input));
      } catch (error) {
        return phoneJson(400, { error: (error as Error).message });
      }
    },
  });
  router.path('/__phone/revokes', {
    methods: ['GET'],
    handler: (req) => {
      const picked = phoneOf(req);
      return picked.ok ? phoneJson(200, picked.value.revokes()) : picked.reply;
    },
  });
}

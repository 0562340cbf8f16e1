/**
 * `GET /__phone/openapi.json`: the OpenAPI 3.1 document of the phone API, made from the knob table
 * (phone-knobs.ts) and the routes that predate it (qr, send, message, media, filehelper, lists).
 */
import type { Knob, KnobField } from './phone-json.js';

type Json = Record<string, unknown>;

const ERROR = {
  description: 'bad input: the error names the field',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { error: { type: 'string' }, field: { type: 'string' } },
        required: ['error'],
      },
    },
  },
};

const OK = { description: 'done', content: { 'application/json': { schema: {} } } };

function schemaOf(f: KnobField): Json {
  const base: Json =
    f.type === 'string[]'
      ? { type: 'array', items: { type: 'string' } }
      : { type: f.type === 'array' ? 'array' : f.type };
  if (f.enum !== undefined) base.enum = [...f.enum];
  return { ...base, description: f.description };
}

function bodyOf(fields: readonly KnobField[], open = false): Json {
  return {
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          additionalProperties: open,
          properties: Object.fromEntries(fields.map((f) => [f.name, schemaOf(f)])),
          required: fields.filter((f) => f.required).map((f) => f.name),
        },
      },
    },
  };
}

/** The `?account=` selector every operation takes (routes/phone-account.ts). */
const ACCOUNT_PARAMETER = {
  name: 'account',
  in: 'query',
  required: false,
  description:
    'the stable id of the account whose phone acts (GET /__phone/accounts lists them); default: the first account. Unknown: 404 with field "account"',
  schema: { type: 'string' },
};

function operation(summary: string, fields?: readonly KnobField[], open = false): Json {
  return {
    summary,
    parameters: [{ $ref: '#/components/parameters/account' }],
    ...(fields === undefined || fields.length === 0 ? {} : { requestBody: bodyOf(fields, open) }),
    responses: { '200': OK, '400': ERROR, '404': { ...ERROR, description: 'unknown account (or uuid)' } },
  };
}

const f = (name: string, type: KnobField['type'], description: string, required = false): KnobField => ({
  name,
  type,
  description,
  required,
});

/** The routes outside the knob table, as [method, path, summary, fields?]. */
const OTHER_ROUTES: readonly [string, string, string, KnobField[]?][] = [
  ['get', '/qr', 'every QR code'],
  ['post', '/qr/{uuid}/{action}', 'scan, confirm, cancel or expire a QR code (no body)'],
  [
    'post',
    '/send',
    'a text from a contact (phone.sendText)',
    [
      f('from', 'string', 'stable id or name', true),
      f('text', 'string', 'the text', true),
      f('room', 'string', 'a room'),
    ],
  ],
  ['post', '/message', 'any non-media kind (phone.sendMessage; fields per kind in docs/messages.md)'],
  [
    'post',
    '/media',
    'image, voice, video, short-video, file or emoticon; the bytes as base64, a multipart file part, or a path inside --media-dir',
    [
      f('kind', 'string', 'image, voice, video, short-video, file, emoticon', true),
      f('from', 'string', 'stable id or name', true),
      f('base64', 'string', 'the bytes'),
      f('path', 'string', 'a file inside the media directory'),
      f('room', 'string', 'a room'),
      f('fileName', 'string', 'the file name'),
      f('voiceLengthMs', 'number', 'voice length'),
      f('playLengthS', 'number', 'video length'),
    ],
  ],
  ['post', '/filehelper', 'write into the File Transfer chat: {text} or {kind, base64, fileName?}'],
  ['get', '/sent', 'what the clients sent'],
  ['get', '/statusnotify', 'the webwxstatusnotify calls'],
  ['post', '/logout', 'end every active session', [f('code', 'integer', '1100 (default), 1101 or 1102')]],
  ['get', '/sessions', 'every session, without credentials'],
  ['get', '/world', 'contacts and rooms with stable ids'],
  ['get', '/accounts', 'every account: id, nickName, uin, activeSessions'],
  ['get', '/revokes', 'the webwxrevokemsg calls'],
  ['get', '/openapi.json', 'this document'],
];

export function phoneOpenApi(knobs: readonly Knob[]): Json {
  const paths: Record<string, Json> = {};
  for (const [method, path, summary, fields] of OTHER_ROUTES)
    paths[path] = { ...paths[path], [method]: operation(summary, fields) };
  for (const k of knobs)
    paths[`/${k.name}`] = {
      [k.method.toLowerCase()]: operation(k.summary, k.method === 'POST' ? k.fields : [], k.open),
    };
  return {
    openapi: '3.1.0',
    info: {
      title: 'webwx emulator phone API',
      version: '1',
      description:
        'The phone side of the webwx emulator (docs/emulator.md). POST bodies are application/json; with a phone token, every request needs Authorization: Bearer <token>.',
    },
    servers: [{ url: '/__phone' }],
    components: {
      securitySchemes: { phoneToken: { type: 'http', scheme: 'bearer' } },
      parameters: { account: ACCOUNT_PARAMETER },
    },
    paths,
  };
}

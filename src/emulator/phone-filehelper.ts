/**
 * The phone writing into its File Transfer chat (文件传输助手) as the account itself: a text, an image
 * or a file, From the session's own UserName To 'filehelper', queued in every active session (File
 * Transfer and main web alike, as the real multi-device sync shows it). Also the JSON form of the input
 * for `POST /__phone/filehelper`.
 */
import type { WireMessage } from '../protocol/wire-types.js';
import type { EmulatorContext } from './context.js';
import { FILEHELPER } from './filehelper-app.js';
import { storePhoneMedia } from './phone-media.js';
import type { FileHelperInput, FileHelperWriteResult } from './types.js';
import { encodeMessageText } from './wire-format.js';
import { wireMessage, wireTextMessage } from './wire-objects.js';

function fail(message: string): never {
  throw new Error(`emulator phone: ${message}`);
}

/** The message of one session: From its own UserName, To filehelper. */
type Shape = (selfUserName: string) => WireMessage;

async function shapeOf(
  ctx: EmulatorContext,
  input: FileHelperInput,
): Promise<{ msgId: string; createTime: number; shape: Shape }> {
  if (typeof input !== 'object' || input === null)
    fail('writeToFileHelper needs { text } or { kind, bytes }');
  if ('text' in input) {
    if (typeof input.text !== 'string') fail('"text" must be a string');
    const msgId = ctx.msgIds.take();
    const createTime = Math.floor(Date.now() / 1000);
    const content = encodeMessageText(input.text);
    return {
      msgId,
      createTime,
      shape: (self) => wireTextMessage({ msgId, from: self, to: FILEHELPER, type: 1, content, createTime }),
    };
  }
  if (input.kind !== 'image' && input.kind !== 'file') fail('"kind" must be "image" or "file"');
  if (!(input.bytes instanceof Uint8Array)) fail('"bytes" must be a Uint8Array');
  if (input.fileName !== undefined && typeof input.fileName !== 'string') fail('"fileName" must be a string');
  const data = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const stored = await storePhoneMedia(
    ctx,
    input.kind,
    input.fileName === undefined
      ? { from: ctx.world.self.id, data }
      : { from: ctx.world.self.id, data, fileName: input.fileName },
    ctx.world.self.id,
  );
  const { msgId, createTime, msgType, content, fields } = stored;
  return {
    msgId,
    createTime,
    shape: (self) => ({
      ...wireMessage({ msgId, from: self, to: FILEHELPER, type: msgType, content, createTime }),
      ...fields,
    }),
  };
}

/** phone.writeToFileHelper(): queues the message in every active session of the account. */
export async function writeToFileHelper(
  ctx: EmulatorContext,
  input: FileHelperInput,
): Promise<FileHelperWriteResult> {
  const { msgId, createTime, shape } = await shapeOf(ctx, input);
  let deliveredTo = 0;
  for (const s of ctx.sessions.active()) if (s.enqueue(shape(s.selfUserName))) deliveredTo += 1;
  ctx.logger.debug({ msgId, deliveredTo }, 'emulator phone wrote to filehelper');
  return { msgId, createTime, deliveredTo };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The body of `POST /__phone/filehelper` as a FileHelperInput; throws a message for a 400. */
export function fileHelperInputFromJson(body: unknown): FileHelperInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (b.kind === undefined && typeof b.text === 'string') return { text: b.text };
  if (b.kind !== 'image' && b.kind !== 'file') {
    fail('body must be {"text": string} or {"kind": "image"|"file", "base64": string, "fileName"?: string}');
  }
  if (typeof b.base64 !== 'string') fail('"base64" must be a string (the bytes, base64)');
  const base64 = b.base64.replace(/\s+/g, '');
  if (base64.length % 4 === 1 || !BASE64.test(base64)) fail('"base64" is not base64');
  if (b.fileName !== undefined && typeof b.fileName !== 'string') fail('"fileName" must be a string');
  const bytes = Buffer.from(base64, 'base64');
  return b.fileName === undefined
    ? { kind: b.kind, bytes }
    : { kind: b.kind, bytes, fileName: b.fileName as string };
}

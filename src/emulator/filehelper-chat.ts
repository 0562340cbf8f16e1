/**
 * The File Transfer chat (文件传输助手) across the account's sessions. The phone writes into it as the
 * account itself (a text, an image or a file, From the session's own UserName To 'filehelper'),
 * queued in every active session, File Transfer and main web alike, as the real multi-device sync
 * shows it; and what a client sends to filehelper shows in the account's other sessions when either
 * side is a File Transfer session. Also the JSON form of `POST /__phone/filehelper`.
 */
import { InvalidArgumentError } from '../errors.js';
import type { WireMessage } from '../protocol/wire-types.js';
import type { FileHelperInput, FileHelperWriteResult, SentRecord } from './emulator-types.js';
import { FILEHELPER } from './filehelper-app.js';
import type { Session } from './login-session.js';
import type { StoredMedia } from './media-store.js';
import { base64Field } from './phone-json.js';
import { mediaStateOf, phoneMediaEntry, storePhoneMedia } from './phone-media.js';
import type { EmulatorContext } from './route-context.js';
import { encodeMessageText } from './wire-format.js';
import { wireMessage, wireTextMessage } from './wire-objects.js';

function fail(message: string): never {
  throw new InvalidArgumentError('', `emulator phone: ${message}`);
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

/** Queues the message in every active session `to` accepts; returns how many took it. */
function queue(ctx: EmulatorContext, shape: Shape, to: (s: Session) => boolean = () => true): number {
  let delivered = 0;
  for (const s of ctx.sessions.active()) if (to(s) && s.enqueue(shape(s.selfUserName))) delivered += 1;
  return delivered;
}

/** phone.writeToFileHelper(): queues the message in every active session of the account. */
export async function writeToFileHelper(
  ctx: EmulatorContext,
  input: FileHelperInput,
): Promise<FileHelperWriteResult> {
  const { msgId, createTime, shape } = await shapeOf(ctx, input);
  const deliveredTo = queue(ctx, shape);
  ctx.logger.debug({ msgId, deliveredTo }, 'emulator phone wrote to filehelper');
  return { msgId, createTime, deliveredTo };
}

/** The entry a send to filehelper shows elsewhere: a text (1), an image (3) or a file (6); else none. */
function sentEntry(
  ctx: EmulatorContext,
  record: SentRecord,
): { msgType: number; content: string; fields: Partial<WireMessage> } | undefined {
  if (record.type === 1) return { msgType: 1, content: encodeMessageText(record.content), fields: {} };
  const kind = record.type === 3 ? 'image' : record.type === 6 ? 'file' : undefined;
  const media: StoredMedia | undefined =
    record.media === undefined ? undefined : mediaStateOf(ctx).store.mediaById(record.media.mediaId);
  return kind === undefined || media === undefined
    ? undefined
    : phoneMediaEntry(kind, media, ctx.world.self.id);
}

/**
 * A client's send to filehelper, as the account's other active sessions see it (same MsgID, From their
 * own UserName): only where the sender or the other session is a File Transfer session, so the main
 * web's own behaviour (no echo of its sends) stays as it is.
 */
export function echoFileHelperSend(ctx: EmulatorContext, sender: Session, record: SentRecord): void {
  if (record.to !== FILEHELPER) return;
  const entry = sentEntry(ctx, record);
  if (entry === undefined) return;
  const createTime = Math.floor(record.time / 1000);
  const shape: Shape = (self) => ({
    ...wireMessage({
      msgId: record.msgId,
      from: self,
      to: FILEHELPER,
      type: entry.msgType,
      content: entry.content,
      createTime,
    }),
    ...entry.fields,
  });
  queue(ctx, shape, (s) => s !== sender && (s.app === 'filehelper' || sender.app === 'filehelper'));
}

/** The body of `POST /__phone/filehelper` as a FileHelperInput; throws a message for a 400. */
export function fileHelperInputFromJson(body: unknown): FileHelperInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    fail('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (b.kind === undefined && typeof b.text === 'string') return { text: b.text };
  if (b.kind !== 'image' && b.kind !== 'file') {
    fail('body must be {"text": string} or {"kind": "image"|"file", "base64": string, "fileName"?: string}');
  }
  let bytes: Buffer;
  try {
    bytes = base64Field(b.base64, 'base64');
  } catch (error) {
    return fail((error as Error).message);
  }
  if (b.fileName !== undefined && typeof b.fileName !== 'string') fail('"fileName" must be a string');
  return b.fileName === undefined
    ? { kind: b.kind, bytes }
    : { kind: b.kind, bytes, fileName: b.fileName as string };
}

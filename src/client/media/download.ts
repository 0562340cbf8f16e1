/**
 * Downloads (§6.3): the right endpoint per kind, streamed either to the caller or into a directory.
 * A file is written under a temp name in the target directory and renamed when complete; on any
 * failure the partial file is removed. Names from messages go through safeFileName().
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../../errors.js';
import type { Message } from '../../model/index.js';
import {
  buildAvatarSpec,
  buildGetMediaSpec,
  buildGetMsgImgSpec,
  buildGetVideoSpec,
  buildGetVoiceSpec,
  type DownloadSpec,
  encryFileName,
  fileExtension,
  sniffContentType,
} from '../../protocol/media.js';
import { firstHeaderOf, openStream } from '../../transport/streaming.js';
import type { Runtime } from '../runtime.js';
import type { Session } from '../session/session-state.js';
import type {
  AvatarOptions,
  DownloadOptions,
  DownloadResult,
  DownloadStreamResult,
} from './media-api-types.js';
import { MediaError } from './media-errors.js';
import { type MediaKind, mediaKindOf, mediaRefOf, senderUserNameOf } from './media-ref.js';
import { claimFileName, safeFileName } from './safe-file-name.js';

/** What downloads need of the client (MediaService, media-service.ts, holds them). */
export interface MediaServiceDeps {
  rt: Runtime;
  session: Session;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
};

interface Planned {
  spec: DownloadSpec;
  /** The name to save under when the caller gives none (unsafe until safeFileName). */
  name: string;
  /** Sniff the first bytes for the real type (the server may say image/jpeg for a GIF). */
  sniff: boolean;
}

function plan(deps: MediaServiceDeps, message: Message, options: DownloadOptions): Planned {
  const kind: MediaKind | undefined = mediaKindOf(message);
  if (kind === undefined)
    throw new MediaError('no-media', `a ${message.kind} message has no media to download`);
  const ref = mediaRefOf(message);
  const ctx = deps.session.context();
  const id = ref.msgId || message.id;
  if (!id) throw new MediaError('no-media', 'the message has no MsgId');
  switch (kind) {
    case 'image':
      return {
        spec: buildGetMsgImgSpec(ctx, id, options.thumbnail ? 'slave' : undefined),
        name: id,
        sniff: true,
      };
    case 'emoticon':
      return { spec: buildGetMsgImgSpec(ctx, id, 'big'), name: id, sniff: true };
    case 'voice':
      return { spec: buildGetVoiceSpec(ctx, id), name: `${id}.mp3`, sniff: false };
    case 'video':
      return options.thumbnail
        ? { spec: buildGetMsgImgSpec(ctx, id, 'slave'), name: `${id}-thumb`, sniff: true }
        : { spec: buildGetVideoSpec(ctx, id), name: `${id}.mp4`, sniff: false };
    case 'file': {
      if (!ref.mediaId) throw new MediaError('no-media', 'the file message has no MediaId');
      const spec = buildGetMediaSpec(ctx, {
        sender: senderUserNameOf(message),
        mediaId: ref.mediaId,
        encryFileName: ref.encryFileName || encryFileName(ref.fileName),
        fromUser: deps.session.credentials.uin,
        dataTicket: deps.rt.transport.cookies.get(ctx.hosts.file, 'webwx_data_ticket') ?? '',
      });
      return { spec, name: ref.fileName || id, sniff: false };
    }
  }
}

/** Reads the first chunk without consuming it. */
async function peek(stream: Readable): Promise<Buffer | undefined> {
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      stream.unshift(chunk);
      return chunk;
    }
    if (stream.readableEnded || stream.destroyed) return undefined;
    await new Promise<void>((done, fail) => {
      const cleanup = () => {
        stream.off('readable', ok);
        stream.off('end', ok);
        stream.off('error', bad);
      };
      const ok = () => {
        cleanup();
        done();
      };
      const bad = (error: Error) => {
        cleanup();
        fail(error);
      };
      stream.once('readable', ok);
      stream.once('end', ok);
      stream.once('error', bad);
    });
  }
}

function tooLargeError(limit: number): () => Error {
  return () => new MediaError('too-large', `the download exceeds the limit of ${limit} bytes`);
}

async function open(
  deps: MediaServiceDeps,
  planned: Planned,
  signal: AbortSignal | undefined,
): Promise<DownloadStreamResult> {
  const { rt } = deps;
  const limit = rt.options.media.maxDownloadBytes;
  const combined = signal ? AbortSignal.any([signal, rt.signal]) : rt.signal;
  const reply = await openStream(
    rt.transport,
    {
      endpoint: planned.spec.endpoint,
      url: planned.spec.url,
      headers: planned.spec.headers,
      timeoutMs: rt.options.timeouts.requestMs,
      logger: rt.logger,
      maxBytes: limit,
      tooLarge: tooLargeError(limit),
    },
    combined,
  );
  let contentType = (firstHeaderOf(reply.headers, 'content-type') ?? 'application/octet-stream')
    .split(';')[0]!
    .trim();
  if (planned.sniff) {
    const head = await peek(reply.body);
    contentType = (head && sniffContentType(head)) || contentType;
  }
  const result: DownloadStreamResult = { stream: reply.body, contentType };
  if (reply.size !== undefined) result.size = reply.size;
  return result;
}

export function downloadMessageStream(
  deps: MediaServiceDeps,
  message: Message,
  options: DownloadOptions,
): Promise<DownloadStreamResult> {
  return open(deps, plan(deps, message, options), options.signal);
}

/** The name to save under: safe, and with an extension matching the content type when it had none. */
function finalName(wanted: string | undefined, planned: Planned, contentType: string): string {
  const fallback = planned.name.replace(/[^A-Za-z0-9._-]/g, '_') || 'download';
  let name = safeFileName(wanted ?? planned.name, fallback);
  const ext = EXTENSIONS[contentType];
  if (ext && !fileExtension(name)) name = `${name}.${ext}`;
  return name;
}

async function save(
  deps: MediaServiceDeps,
  planned: Planned,
  options: { dir?: string; fileName?: string; signal?: AbortSignal },
): Promise<DownloadResult> {
  const dir = resolve(options.dir ?? deps.rt.options.media.downloadDir);
  await mkdir(dir, { recursive: true });
  const { stream, contentType } = await open(deps, planned, options.signal);
  const name = finalName(options.fileName, planned, contentType);
  const temp = join(dir, `.webwx-${randomBytes(6).toString('hex')}.part`);
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  try {
    await pipeline(stream, createWriteStream(temp, { flags: 'wx', mode: 0o644 }));
  } catch (error) {
    stream.destroy();
    await rm(temp, { force: true });
    if (error instanceof MediaError || (options.signal?.aborted ?? false) || deps.rt.signal.aborted)
      throw error;
    throw new MediaError(
      'download-failed',
      `${planned.spec.endpoint}: the download broke off after ${bytes} bytes`,
      {
        cause: error,
      },
    );
  }
  let path: string;
  try {
    path = await claimFileName(dir, name);
    const rel = relative(dir, path);
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new MediaError('download-failed', `unsafe target ${path}`);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new MediaError('download-failed', `could not store the download as ${JSON.stringify(name)}`, {
      cause: error,
    });
  }
  deps.rt.logger.debug({ endpoint: planned.spec.endpoint, bytes }, 'media downloaded');
  return { path, bytes, contentType };
}

export function downloadMessage(
  deps: MediaServiceDeps,
  message: Message,
  options: DownloadOptions,
): Promise<DownloadResult> {
  return save(deps, plan(deps, message, options), options);
}

export function downloadAvatar(
  deps: MediaServiceDeps,
  userName: string,
  options: AvatarOptions,
): Promise<DownloadResult> {
  if (!userName)
    throw new InvalidArgumentError('downloadAvatar', 'downloadAvatar: `userName` must be a UserName');
  const spec = buildAvatarSpec(deps.session.context(), userName);
  return save(
    deps,
    { spec, name: `avatar-${userName.replace(/^@+/, '').slice(0, 32)}`, sniff: true },
    options,
  );
}

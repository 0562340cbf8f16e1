/**
 * Uploading a medium before its send (§6.1, §6.2): webwxcheckupload for large files, then the chunks
 * one after another, each a bounded multipart POST. A chunk is an idempotent request (the server keeps
 * each chunk once): a transient failure of one is posted again under the transport's retry policy.
 * Whether the send as a whole is tried again is the outbox's decision (send-policy.ts).
 */

import {
  buildCheckUploadRequest,
  buildUploadMediaRequestJson,
  chunkCount,
  chunkRange,
  LARGE_FILE_THRESHOLD,
  mimeTypeOf,
  parseCheckUploadReply,
  parseUploadMediaReply,
  uploadFormFields,
  uploadMediaHeaders,
  uploadMediaType,
  uploadMediaUrl,
} from '../../protocol/media.js';
import { newFormData, withRetry } from '../../transport/index.js';
import { postForm } from '../../transport/streaming.js';
import { MediaError } from '../media/media-errors.js';
import type { UploadSource } from '../media/media-source.js';
import type { Runtime } from '../runtime.js';
import type { UploadKind } from '../session/app-mode.js';
import type { Session } from '../session/session-state.js';

export interface Uploaded {
  mediaId: string;
  /** From webwxcheckupload (large files): goes into webwxsendappmsg. */
  signature: string;
}

/** Uploads `source` for a send of `kind` to `to`; `uploadIndex` numbers the client's uploads. */
export async function uploadMedia(
  rt: Runtime,
  session: Session,
  to: string,
  source: UploadSource,
  kind: UploadKind,
  uploadIndex: number,
  signal: AbortSignal | undefined,
): Promise<Uploaded> {
  const ctx = session.context();
  let aesKey = '';
  let signature = '';
  if (kind === 'file' && source.size > LARGE_FILE_THRESHOLD) {
    const spec = buildCheckUploadRequest(ctx, {
      deviceId: session.deviceId,
      from: session.selfUserName,
      to,
      fileSize: source.size,
      fileMd5: source.md5,
      fileName: source.fileName,
    });
    const check = parseCheckUploadReply((await rt.send(spec, { retry: true })).text);
    if (check.MediaId) return { mediaId: check.MediaId, signature: check.Signature };
    aesKey = check.AESKey;
    signature = check.Signature;
  }
  const request = buildUploadMediaRequestJson(ctx, {
    deviceId: session.deviceId,
    clientMediaId: rt.options.now(),
    totalLen: source.size,
    from: session.selfUserName,
    to,
    fileMd5: source.md5,
    aesKey,
    signature,
  });
  const url = uploadMediaUrl(ctx);
  const headers = uploadMediaHeaders(ctx);
  const dataTicket = rt.transport.cookies.get(url, 'webwx_data_ticket') ?? '';
  const mimeType = mimeTypeOf(source.fileName);
  const chunks = chunkCount(source.size);
  const combined = signal ? AbortSignal.any([signal, rt.signal]) : rt.signal;
  let mediaId = '';
  for (let chunk = 0; chunk < chunks; chunk++) {
    const { start, end } = chunkRange(source.size, chunk);
    const form = newFormData();
    const fields = uploadFormFields(ctx, {
      uploadIndex,
      fileName: source.fileName,
      mimeType,
      lastModifiedMs: source.lastModifiedMs,
      size: source.size,
      chunk,
      mediaType: uploadMediaType(source.fileName),
      request,
      dataTicket,
    });
    for (const [name, value] of fields) form.append(name, value);
    const bytes = await source.read(start, end);
    form.append('filename', new Blob([bytes], { type: mimeType }), source.fileName);
    const reply = await withRetry(
      async () =>
        parseUploadMediaReply(
          (
            await postForm(
              rt.transport,
              {
                endpoint: 'webwxuploadmedia',
                url,
                form,
                headers,
                timeoutMs: rt.options.timeouts.requestMs,
                logger: rt.logger,
              },
              combined,
            )
          ).text,
        ),
      { policy: rt.options.retry, signal: combined, random: rt.options.random, logger: rt.logger },
    );
    mediaId = reply.MediaId || mediaId;
  }
  if (!mediaId) {
    throw new MediaError(
      'upload-failed',
      `webwxuploadmedia answered without a MediaId (${source.size} bytes)`,
    );
  }
  rt.logger.debug({ bytes: source.size, chunks }, 'media uploaded');
  return { mediaId, signature };
}

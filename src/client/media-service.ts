/**
 * Sending media (§5.3–§5.5, §6.1, §6.2): open the input, upload it in 512 KiB chunks (each one a
 * bounded multipart POST), then send by MediaId. Also the entry point for forward, revoke and
 * downloads, which live in their own files. Sends are never retried automatically.
 */
import { LoggedOutError, logoutReasonFor, ProtocolError } from '../errors.js';
import type { Message } from '../model/index.js';
import type { HttpRequestSpec } from '../protocol/http-request.js';
import { parseSendMsgReply } from '../protocol/index.js';
import {
  buildCheckUploadRequest,
  buildUploadMediaRequestJson,
  chunkCount,
  chunkRange,
  fileExtension,
  LARGE_FILE_THRESHOLD,
  mimeTypeOf,
  parseCheckUploadReply,
  parseUploadMediaReply,
  uploadFormFields,
  uploadMediaHeaders,
  uploadMediaType,
  uploadMediaUrl,
} from '../protocol/media.js';
import {
  appMsgFileXml,
  buildSendAppMsgRequest,
  buildSendEmoticonRequest,
  buildSendImageRequest,
  buildSendVideoRequest,
} from '../protocol/media-message.js';
import { withRetry } from '../transport/index.js';
import { postForm } from '../transport/streaming.js';
import { newFormData } from '../transport/undici-core.js';
import { type UploadKind, uploadKindOf } from './app-mode.js';
import { downloadAvatar, downloadMessage, downloadMessageStream } from './download.js';
import { forwardMessage } from './forward.js';
import { MediaError } from './media-errors.js';
import { openUploadSource, type UploadSource } from './media-source.js';
import type {
  AvatarOptions,
  DownloadOptions,
  DownloadResult,
  DownloadStreamResult,
  MediaInput,
  RevokeTarget,
  SendMediaOptions,
  SentKind,
  SentMessage,
} from './media-types.js';
import type { MessageServiceDeps } from './message-service.js';
import { revokeMessage } from './revoke.js';

/** Runs `work`; a Ret that ends the session (1100–1102) ends it and rejects with LoggedOutError. */
export async function endingSessionOn<T>(deps: MessageServiceDeps, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const reason = error instanceof ProtocolError ? logoutReasonFor(error.ret) : undefined;
    if (reason && error instanceof ProtocolError) {
      const loggedOut = new LoggedOutError(reason, error.ret);
      deps.endSession(loggedOut);
      throw loggedOut;
    }
    throw error;
  }
}

/** Posts a send spec, records the MsgID as seen, and returns what revoke() needs. */
export async function postSend(
  deps: MessageServiceDeps,
  spec: HttpRequestSpec,
  clientMsgId: string,
  to: string,
  kind: SentKind,
  mediaId = '',
): Promise<SentMessage> {
  const reply = await deps.rt.send(spec);
  const sent = parseSendMsgReply(spec.endpoint, reply.text);
  if (sent.MsgID) deps.seen.add(sent.MsgID);
  deps.rt.logger.debug({ endpoint: spec.endpoint, msgId: sent.MsgID }, 'media sent');
  const result: SentMessage = {
    msgId: sent.MsgID,
    localId: sent.LocalID || clientMsgId,
    toUserName: to,
    kind,
  };
  if (mediaId) result.mediaId = mediaId;
  return result;
}

interface Uploaded {
  mediaId: string;
  /** From webwxcheckupload (large files): goes into webwxsendappmsg. */
  signature: string;
}

export class MediaService {
  #uploads = 0;

  constructor(readonly deps: MessageServiceDeps) {}

  sendImage(to: string, input: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    const { app } = this.deps.session;
    return this.#send(to, input, options, (name) =>
      uploadKindOf(app, isGif(name) ? 'emoticon' : 'image', 'sendImage'),
    );
  }

  sendFile(to: string, input: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    const { app } = this.deps.session;
    return this.#send(to, input, options, (name) => {
      const ext = fileExtension(name);
      return uploadKindOf(app, ext === 'gif' ? 'emoticon' : ext === 'mp4' ? 'video' : 'file', 'sendFile');
    });
  }

  sendVideo(to: string, input: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    return this.#send(to, input, options, () => 'video');
  }

  sendEmoticon(to: string, input: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    return this.#send(to, input, options, () => 'emoticon');
  }

  forward(message: Message, to: string): Promise<SentMessage> {
    return endingSessionOn(this.deps, () => forwardMessage(this.deps, message, to));
  }

  revoke(sent: RevokeTarget): Promise<void> {
    return endingSessionOn(this.deps, () => revokeMessage(this.deps, sent));
  }

  download(message: Message, options: DownloadOptions = {}): Promise<DownloadResult> {
    return downloadMessage(this.deps, message, options);
  }

  downloadStream(message: Message, options: DownloadOptions = {}): Promise<DownloadStreamResult> {
    return downloadMessageStream(this.deps, message, options);
  }

  downloadAvatar(userName: string, options: AvatarOptions = {}): Promise<DownloadResult> {
    return downloadAvatar(this.deps, userName, options);
  }

  async #send(
    to: string,
    input: MediaInput,
    options: SendMediaOptions,
    kindOf: (fileName: string) => UploadKind,
  ): Promise<SentMessage> {
    if (!to) throw new TypeError('send: `to` must be a UserName');
    const { rt } = this.deps;
    const source = await openUploadSource(input, options, rt.options.media.maxUploadBytes, rt.options.now());
    try {
      const kind = kindOf(source.fileName);
      return await endingSessionOn(this.deps, async () => {
        const uploaded = await this.#upload(to, source, kind, options.signal);
        return this.#sendUploaded(to, source, kind, uploaded);
      });
    } finally {
      await source.close();
    }
  }

  async #sendUploaded(
    to: string,
    source: UploadSource,
    kind: UploadKind,
    uploaded: Uploaded,
  ): Promise<SentMessage> {
    const { rt, session } = this.deps;
    const ctx = session.context();
    const clientMsgId = rt.nextClientMsgId();
    const base = { deviceId: session.deviceId, from: session.selfUserName, to, clientMsgId };
    const { mediaId } = uploaded;
    let spec: HttpRequestSpec;
    if (kind === 'image') spec = buildSendImageRequest(ctx, { ...base, mediaId });
    else if (kind === 'video') spec = buildSendVideoRequest(ctx, { ...base, mediaId });
    else if (kind === 'emoticon') spec = buildSendEmoticonRequest(ctx, { ...base, mediaId });
    else {
      const content = appMsgFileXml({
        title: source.fileName,
        totalLen: source.size,
        attachId: mediaId,
        fileExt: fileExtension(source.fileName),
        desktop: session.desktop,
      });
      spec = buildSendAppMsgRequest(ctx, { ...base, content, type: 6, signature: uploaded.signature });
    }
    return postSend(this.deps, spec, clientMsgId, to, kind, mediaId);
  }

  /** webwxcheckupload for large files (§6.2), then the chunks one after another (§6.1). */
  async #upload(
    to: string,
    source: UploadSource,
    kind: UploadKind,
    signal: AbortSignal | undefined,
  ): Promise<Uploaded> {
    const { rt, session } = this.deps;
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
    const uploadIndex = this.#uploads++;
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
      // A chunk can be posted again (the server keeps each chunk once): transient failures are retried.
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
}

function isGif(fileName: string): boolean {
  return fileExtension(fileName) === 'gif';
}

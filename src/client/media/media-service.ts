/**
 * The media side of the client that is not a send: downloads (download.ts) and what a media send
 * is before it enters the outbox (the recipe of sendImage, sendFile, sendVideo, sendEmoticon: its
 * kind by file name and app, its file name, its path). Uploading and sending happen in the outbox
 * (src/client/send/).
 */
import { basename, isAbsolute, resolve } from 'node:path';
import type { Message } from '../../model/index.js';
import { fileExtension } from '../../protocol/media.js';
import type { WebApp } from '../../protocol/session-context.js';
import { type SendRecipe, uploadRecipe } from '../send/send-recipes.js';
import { type UploadKind, uploadKindOf } from '../session/app-mode.js';
import { downloadAvatar, downloadMessage, downloadMessageStream, type MediaServiceDeps } from './download.js';
import type {
  AvatarOptions,
  DownloadOptions,
  DownloadResult,
  DownloadStreamResult,
  MediaInput,
  SendMediaOptions,
} from './media-api-types.js';
import { MediaError } from './media-errors.js';

/** The media send methods. */
export type MediaSendMethod = 'sendImage' | 'sendFile' | 'sendVideo' | 'sendEmoticon';

/**
 * The recipe of a media send, decided when it is made: the file name (required for bytes and
 * streams: MediaError 'bad-input'), the kind it goes as for the app (a .gif from sendImage as an
 * emoticon on the main web, …) and, for a path, the absolute path a re-send after a crash uploads from.
 */
export function mediaSendRecipe(
  app: WebApp,
  method: MediaSendMethod,
  input: MediaInput,
  options: SendMediaOptions,
): SendRecipe {
  const path = typeof input === 'string' ? (isAbsolute(input) ? input : resolve(input)) : undefined;
  const fileName = options.fileName ?? (path === undefined ? undefined : basename(path));
  if (!fileName) throw new MediaError('bad-input', 'options.fileName is required for a Buffer or a stream');
  return uploadRecipe(kindOf(app, method, fileName), { fileName, ...(path ? { path } : {}) });
}

function kindOf(app: WebApp, method: MediaSendMethod, fileName: string): UploadKind {
  const ext = fileExtension(fileName);
  switch (method) {
    case 'sendImage':
      return uploadKindOf(app, ext === 'gif' ? 'emoticon' : 'image', 'sendImage');
    case 'sendFile':
      return uploadKindOf(app, ext === 'gif' ? 'emoticon' : ext === 'mp4' ? 'video' : 'file', 'sendFile');
    case 'sendVideo':
      return 'video';
    case 'sendEmoticon':
      return 'emoticon';
  }
}

export class MediaService {
  constructor(readonly deps: MediaServiceDeps) {}

  download(message: Message, options: DownloadOptions = {}): Promise<DownloadResult> {
    return downloadMessage(this.deps, message, options);
  }

  downloadStream(message: Message, options: DownloadOptions = {}): Promise<DownloadStreamResult> {
    return downloadMessageStream(this.deps, message, options);
  }

  downloadAvatar(userName: string, options: AvatarOptions = {}): Promise<DownloadResult> {
    return downloadAvatar(this.deps, userName, options);
  }
}

/**
 * Sending media (§5.3–§5.5, §6.1, §6.2): upload in 512 KiB chunks, then send by MediaId.
 */
import type { Message } from '../model/index.js';
import type {
  AvatarOptions,
  DownloadOptions,
  DownloadResult,
  DownloadStreamResult,
  MediaInput,
  RevokeTarget,
  SendMediaOptions,
  SentMessage,
} from './media-types.js';
import type { MessageServiceDeps } from './message-service.js';

export class MediaService {
  constructor(readonly deps: MessageServiceDeps) {}

  sendImage(_to: string, _input: MediaInput, _options?: SendMediaOptions): Promise<SentMessage> {
    return Promise.reject(new Error('sendImage: not implemented yet'));
  }
  sendFile(_to: string, _input: MediaInput, _options?: SendMediaOptions): Promise<SentMessage> {
    return Promise.reject(new Error('sendFile: not implemented yet'));
  }
  sendVideo(_to: string, _input: MediaInput, _options?: SendMediaOptions): Promise<SentMessage> {
    return Promise.reject(new Error('sendVideo: not implemented yet'));
  }
  sendEmoticon(_to: string, _input: MediaInput, _options?: SendMediaOptions): Promise<SentMessage> {
    return Promise.reject(new Error('sendEmoticon: not implemented yet'));
  }
  forward(_message: Message, _to: string): Promise<SentMessage> {
    return Promise.reject(new Error('forward: not implemented yet'));
  }
  revoke(_sent: RevokeTarget): Promise<void> {
    return Promise.reject(new Error('revoke: not implemented yet'));
  }
  download(_message: Message, _options?: DownloadOptions): Promise<DownloadResult> {
    return Promise.reject(new Error('download: not implemented yet'));
  }
  downloadStream(_message: Message, _options?: DownloadOptions): Promise<DownloadStreamResult> {
    return Promise.reject(new Error('downloadStream: not implemented yet'));
  }
  downloadAvatar(_userName: string, _options?: AvatarOptions): Promise<DownloadResult> {
    return Promise.reject(new Error('downloadAvatar: not implemented yet'));
  }
}

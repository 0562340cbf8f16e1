/**
 * What the media layer reads from a Message: its media kind and MediaRef, from the decoded fields
 * when the model has them, else from the raw wire entry (MsgType, MediaId, FileName…).
 */
import type { MediaRef, Message } from '../../model/index.js';

export type MediaKind = 'image' | 'voice' | 'video' | 'emoticon' | 'file';

function rawOf(message: Message): Record<string, unknown> {
  const raw = (message as { raw?: unknown }).raw;
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** The media kind of a message, or undefined when it carries no downloadable media. */
export function mediaKindOf(message: Message): MediaKind | undefined {
  switch (message.kind) {
    case 'image':
    case 'voice':
    case 'video':
    case 'emoticon':
    case 'file':
      return message.kind;
    case 'unknown': {
      const raw = rawOf(message);
      const type = Number(raw.MsgType);
      if (type === 3) return 'image';
      if (type === 34) return 'voice';
      if (type === 43 || type === 62) return 'video';
      if (type === 47) return 'emoticon';
      if (type === 49 && Number(raw.AppMsgType) === 6) return 'file';
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The message's MediaRef (decoded, else read from the raw entry). */
export function mediaRefOf(message: Message): MediaRef {
  const media = (message as { media?: unknown }).media;
  if (typeof media === 'object' && media !== null) return media as MediaRef;
  const raw = rawOf(message);
  const size = Number(str(raw.FileSize));
  return {
    msgId: message.id || str(raw.MsgId),
    mediaId: str(raw.MediaId),
    fileName: str(raw.FileName),
    fileSize: Number.isSafeInteger(size) && size > 0 ? size : 0,
    md5: '',
    attachId: '',
    encryFileName: str(raw.EncryFileName),
    aesKey: '',
  };
}

/** FromUserName of the entry ('' when absent). */
export function senderUserNameOf(message: Message): string {
  return str(rawOf(message).FromUserName);
}

/** The raw Content ('' when absent). */
export function rawContentOf(message: Message): string {
  return str(rawOf(message).Content);
}

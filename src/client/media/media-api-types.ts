/**
 * Public types of media sending, downloading, forwarding and revoking (docs/media.md).
 */
import type { Readable } from 'node:stream';
import type { SendOptions } from '../send/send-types.js';

/** What a send method takes: a file path, the bytes, or a stream (then `options.fileName` is required). */
export type MediaInput = string | Buffer | Uint8Array | Readable;

/**
 * Options of `sendImage`, `sendFile`, `sendVideo` and `sendEmoticon`: the outbox's
 * {@link SendOptions} (`causedBy`, `key`, `signal`) and the medium's own.
 */
export interface SendMediaOptions extends SendOptions {
  /** The name the peer sees. Required for a Buffer or a stream; default: the path's base name. */
  fileName?: string;
  /** The size of a stream in bytes, when known (checked against what the stream delivers). */
  size?: number;
  /** Aborts the upload and the send (while it waits in the outbox or uploads). */
  signal?: AbortSignal;
}

/**
 * 'app': an app message other than a file (a link card, music, a mini program, or a forwarded one);
 * 'card': a contact card (`sendContactCard`).
 */
export type SentKind = 'text' | 'image' | 'file' | 'video' | 'emoticon' | 'app' | 'card';

/** What every send resolves to: enough to revoke it (§5.6). */
export interface SentMessage {
  /** The server's MsgID (SvrMsgId when revoking). */
  msgId: string;
  /** The LocalID/ClientMsgId the client generated. */
  localId: string;
  /** The UserName it went to. */
  toUserName: string;
  kind: SentKind;
  /** The uploaded media's MediaId ('' for text and sends by md5). */
  mediaId?: string;
}

/** What revoke() needs: a SentMessage has it. */
export interface RevokeTarget {
  msgId: string;
  localId: string;
  toUserName: string;
}

/** Options of `download()` and `downloadStream()`. */
export interface DownloadOptions {
  /** Where download() writes; default: the client's `media.downloadDir`, else the current directory. */
  dir?: string;
  /** The file name to use (made safe); default: the message's file name, else one made from its id. */
  fileName?: string;
  /** Images and videos: fetch the thumbnail (webwxgetmsgimg type=slave). */
  thumbnail?: boolean;
  signal?: AbortSignal;
}

/** What `download()` and `downloadAvatar()` resolve to: the file written, its size and content type. */
export interface DownloadResult {
  /** Absolute path of the written file, always inside the download directory. */
  path: string;
  bytes: number;
  contentType: string;
}

/** What `downloadStream()` resolves to: the body as a stream, not yet read. */
export interface DownloadStreamResult {
  stream: Readable;
  contentType: string;
  /** From Content-Length, when the server sent it. */
  size?: number;
}

/** Options of `downloadAvatar()`: where to write and under which name, as for {@link DownloadOptions}. */
export interface AvatarOptions {
  dir?: string;
  fileName?: string;
  signal?: AbortSignal;
}

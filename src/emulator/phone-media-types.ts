/**
 * Public types of the emulator's media side: what the phone sees of media a client sent, revokes,
 * and the phone's own media messages (docs/emulator.md "Media").
 */
import type { Readable } from 'node:stream';

/** Media behind a message, readable on the phone side. */
export interface MediaView {
  mediaId: string;
  fileName: string;
  size: number;
  /** Hex md5 of the bytes. */
  md5: string;
  contentType: string;
  /** The whole content (fine for small files; use stream() for big ones). */
  bytes(): Promise<Buffer>;
  /** The content as a stream, read from disk. */
  stream(): Readable;
}

/** A webwxrevokemsg a client posted. */
export interface RevokeRecord {
  /** SvrMsgId: the MsgID of the revoked message. */
  msgId: string;
  /** ClientMsgId as received. */
  clientMsgId: string;
  toUserName: string;
  /** Stable id of ToUserName when known. */
  to: string | undefined;
  /** The revoked message was found among this session's sends (and is now marked revoked). */
  found: boolean;
  time: number;
  sessionId: string;
}

/** A media message the phone sends: who from, where, and the bytes (`data` or `path`). */
export interface PhoneMediaInput {
  /** A contact's stable id, nickname or remark name. */
  from: string;
  /** Stable id or topic of a room. */
  room?: string;
  /** The bytes… */
  data?: Buffer;
  /** …or a file to copy them from (streamed, for big files). */
  path?: string;
  /** Default: a name made from the kind (image.jpg, voice.mp3, video.mp4, file.bin, emoticon.gif). */
  fileName?: string;
  /** Images and videos: what webwxgetmsgimg type=slave serves (default: a tiny JPEG). */
  thumbnail?: Buffer;
  /** Voice: VoiceLength in ms (default 1000). */
  voiceLengthMs?: number;
  /** Video and short video: PlayLength in seconds (default 1). */
  playLengthS?: number;
}

/** The kinds of media the phone can send ('short-video': MsgType 62, a video recorded in the chat). */
export type PhoneMediaKind = 'image' | 'voice' | 'video' | 'short-video' | 'file' | 'emoticon';

/** What the phone's media sends resolve to: the message's ids, its media, how many sessions got it. */
export interface InjectedMedia {
  /** 19-digit MsgId, the same in every session that receives it. */
  msgId: string;
  createTime: number;
  /** Stable id of the sender. */
  from: string;
  room?: string;
  kind: PhoneMediaKind;
  /** MsgType on the wire (3, 34, 43, 62, 49, 47). */
  msgType: number;
  media: MediaView;
  deliveredTo: number;
}

/** The phone's media methods (phone-media.ts). */
export interface PhoneMedia {
  /** Sends an image (MsgType 3) into every active session; `thumbnail` is what type=slave serves. */
  sendImage(input: PhoneMediaInput): Promise<InjectedMedia>;
  /** Sends a voice message (MsgType 34) of `voiceLengthMs`. */
  sendVoice(input: PhoneMediaInput): Promise<InjectedMedia>;
  /** Sends a video (MsgType 43) of `playLengthS`. */
  sendVideo(input: PhoneMediaInput): Promise<InjectedMedia>;
  /**
   * Sends a short video (MsgType 62, §9.2 "micro-video": recorded in the chat) of `playLengthS`: the
   * same `<videomsg>` entry and downloads (webwxgetvideo, thumbnail by webwxgetmsgimg) as a video.
   */
  sendShortVideo(input: PhoneMediaInput): Promise<InjectedMedia>;
  /** Sends a file (MsgType 49, AppMsgType 6) under `fileName`. */
  sendFile(input: PhoneMediaInput): Promise<InjectedMedia>;
  /** Sends an emoticon (MsgType 47). */
  sendEmoticon(input: PhoneMediaInput): Promise<InjectedMedia>;
  /** Every webwxrevokemsg a client posted, in order. */
  revokes(): RevokeRecord[];
}

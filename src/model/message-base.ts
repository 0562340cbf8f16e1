/**
 * What every decoded message has, whatever its kind (PROTOCOL.md §9): its chat, its sender, its text
 * and mentions, the entry as received; and the media reference the kinds with an attachment carry.
 * The kinds themselves are in message-types.ts.
 */
import type { WireMessage } from '../protocol/wire-types.js';

/** The conversation a message belongs to. */
export interface ChatRef {
  /** The conversation: the peer in a direct chat, the `@@…` group in a group. */
  userName: string;
  isRoom: boolean;
}

/** Who sent a message: in a group, the member named by the `@sender:<br/>` prefix. */
export interface SenderRef {
  userName: string;
  /** Group display name or nickname when the context knows it, else ''. */
  displayName: string;
}

/** What every kind of message has. */
export interface MessageBase {
  kind: string;
  /** MsgId: a decimal string (NewMsgId is unsafe as a JS number). */
  id: string;
  /** Unix seconds. */
  createTime: number;
  chat: ChatRef;
  sender: SenderRef;
  /** Sent by the logged-in user (from this or another device). */
  isSelf: boolean;
  /**
   * Plain text: line breaks, emoji and entities decoded. Other kinds carry their human-readable text here
   * (a system notice, a link's title, a location's label, a greeting, a card's nickname); '' for media.
   */
  text: string;
  /** Names mentioned as `@name` in a group, in order. */
  mentions: string[];
  /** One of the mentions is one of the user's own names in this group. */
  mentionsSelf: boolean;
  /** The entry as received. */
  raw: WireMessage;
  /**
   * Set when part of the entry could not be read (e.g. 'unparseable XML in Content') and the fields fell
   * back to the entry's own ('' / 0 where it has none); absent when everything decoded.
   */
  fallback?: string;
}

/**
 * What the media layer needs to download or forward an attachment. Fields the wire did not carry are
 * '' or 0.
 */
export interface MediaRef {
  /** MsgId: webwxgetmsgimg / webwxgetvoice / webwxgetvideo take it as `msgid`. */
  msgId: string;
  /** The entry's MediaId (files: webwxgetmedia's `mediaid`); '' for most kinds. */
  mediaId: string;
  /** FileName of the entry (files, app titles), or '' */
  fileName: string;
  /** Bytes, from FileSize, the XML's `length`/`len`/`totallen`; 0 when unknown. */
  fileSize: number;
  /** md5 from the XML (image, video, emoticon, file), '' when absent. */
  md5: string;
  /** appattach `attachid` (files), '' otherwise. */
  attachId: string;
  /** EncryFileName (files: webwxgetmedia's `encryfilename`), '' otherwise. */
  encryFileName: string;
  /** aeskey from the XML (for forwarding by CDN reference), '' when absent. */
  aesKey: string;
}

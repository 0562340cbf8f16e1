/**
 * The input of `phone.sendMessage()`: every non-media kind the phone can send, with its fields
 * (docs/messages.md), and what the wire encoders (message-encoders.ts) work with: the resolved sender
 * and session names (KindContext) and the kind-specific part of an entry (KindEntry).
 */

import type { WireMessage } from '../protocol/wire-types.js';

/** A person as a card or friend request shows them. */
export interface KindPerson {
  id: string;
  nickName: string;
  alias?: string;
  sex?: 0 | 1 | 2;
  province?: string;
  city?: string;
  signature?: string;
  /** An official account (cards only). */
  official?: boolean;
}

/** Every kind `phone.sendMessage()` takes, each with `from` (and `room` where a group makes sense). */
export type PhoneMessageInput =
  | (Routed & { kind: 'card' /** Stable id, nickname or remark name of the person shared. */; card: string })
  | (Routed & {
      kind: 'location';
      label: string;
      latitude: number;
      longitude: number;
      poiName?: string;
      /** 'link' (default): MsgType 1 / SubMsgType 48 with the map link; 'xml': MsgType 48. */
      form?: 'link' | 'xml';
    })
  | (Routed & {
      kind: 'link';
      title: string;
      url: string;
      description?: string;
      thumbUrl?: string;
      appName?: string;
      sourceUserName?: string;
      sourceDisplayName?: string;
    })
  | (Routed & {
      kind: 'music';
      title: string;
      url: string;
      dataUrl: string;
      description?: string;
      appName?: string;
    })
  | (Routed & {
      kind: 'mini-program';
      title: string;
      /** The mini program's `wx…` app id. */
      appId: string;
      /** `gh_…@app`. */
      weappUserName?: string;
      pagePath?: string;
      iconUrl?: string;
      sourceDisplayName?: string;
      /** AppMsgType 36 instead of 33. */
      forwardable?: boolean;
    })
  | (Routed & { kind: 'app'; appMsgType: number; title: string; description?: string; url?: string })
  | (Routed & {
      kind: 'red-packet';
      /** 'notice' (default, what Web WeChat shows: MsgType 10000) or 'app' (49/2001). */
      form?: 'notice' | 'app';
      direction?: 'received' | 'sent';
      /** The greeting of the 'app' form. Default '恭喜发财，大吉大利'. */
      title?: string;
    })
  | (Routed & {
      kind: 'transfer';
      /** Yuan, e.g. 0.1. */
      amount: number;
      memo?: string;
      /** 1 sent to you (default), 3 accepted, 4 refunded. */
      paySubType?: number;
    })
  | {
      kind: 'friend-request';
      /** A person of the world (usually a stranger), or a new stable id when `nickName` is given. */
      from: string;
      nickName?: string;
      greeting?: string;
      /** 14 via group (default when `room` is given), 30 QR code, 6 search (default). */
      scene?: number;
      /** The room (stable id or topic) the requester found the user in. */
      room?: string;
    }
  | (Routed & {
      kind: 'revoke';
      /** The MsgId of an earlier phone message from the same sender in the same chat. */
      msgId: string;
    })
  | (Routed & { kind: 'system'; text: string })
  | (Routed & {
      kind: 'voip';
      media?: 'audio' | 'video';
      /** 'message' (50, default), 'invite' (53) or 'notify' (52: call ended, with its duration). */
      form?: 'message' | 'invite' | 'notify';
      durationSeconds?: number;
    });

/**
 * Who sends a phone message, and in which room.
 * @inline
 */
interface Routed {
  /** A contact's stable id, nickname or remark name. */
  from: string;
  /** Stable id or topic of a room the sender is a member of. */
  room?: string;
}

/** The `kind` of a {@link PhoneMessageInput}, e.g. 'card', 'location' or 'system'. */
export type PhoneMessageKind = PhoneMessageInput['kind'];

/** What a builder needs from the session and world. */
export interface KindContext {
  msgId: string;
  createTime: number;
  /** The session UserName of a stable id. */
  userName(id: string): string;
  /** The sender's display name (room display name, else nickname). */
  senderName: string;
  /** The sender, resolved. */
  sender: KindPerson;
  /** The chat as a permanent id: the room's id, else the sender's. */
  sessionId: string;
  /** The room, when the message goes to a group. */
  roomId: string | undefined;
  /** A person shared by a card, resolved. */
  card?: KindPerson;
  /** The ticket of a friend request. */
  ticket?: string;
}

/** The kind-specific part of a wire entry: MsgType, the Content (before any group prefix), the rest. */
export interface KindEntry {
  msgType: number;
  content: string;
  /** System notices and friend requests carry no group prefix. */
  prefixed: boolean;
  fields: Partial<WireMessage>;
}

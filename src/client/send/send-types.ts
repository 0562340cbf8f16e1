/**
 * The public types of the outbox (docs/sessions.md "The outbox"): the options every send takes, the
 * pacing policy, and `client.outbox`, what a bot needs to know about the sends it made.
 */

/**
 * Options of every send (`sendText`, `sendImage`, `sendFile`, `sendLink`, `sendMusic`,
 * `sendMiniProgram`, `sendContactCard`, `sendVideo`, `sendEmoticon`, `forward`, `revoke`).
 */
export interface SendOptions {
  /**
   * The incoming MsgId this send answers. It is kept with the send in the message log
   * (`fields.causedBy`), {@link Outbox.logged} waits for the sends made with it, and, unless `key` is
   * given, it makes the send idempotent: the n-th send made with `causedBy: m` in this client (n from
   * 0) gets the key `m#n`. A handler that runs again for the same message after a restart (the bot's
   * redelivery) therefore makes the same keys, and what the first run already queued or sent is not
   * sent twice.
   */
  causedBy?: string;
  /**
   * Idempotency key: the send's ClientMsgId is derived from it, so a second send with the same key
   * (in this process, or after a restart when the store is a MessageLogReader) is not made again: it
   * settles like the first one (joining it while it is queued, resolving with its MsgID once sent).
   */
  key?: string;
  /** Aborts the send while it waits in the outbox or uploads (not once its request is on the wire). */
  signal?: AbortSignal;
}

/** Options of `sendText`: those of every send, and the members to @-mention in a room. */
export interface SendTextOptions extends SendOptions {
  /**
   * Members of the room to @-mention, by UserName or stable id: each gets `@Name` followed by U+2005
   * (the phone's form; Name is the group display name, else the remark, else the nickname), put in
   * front of the text unless the text already has `@Name`. InvalidArgumentError when the recipient is not a
   * room or a mention is not one of its members.
   */
  mentions?: readonly string[];
}

/** A link card to send (`client.sendLink`, docs/messages.md). */
export interface LinkCard {
  title: string;
  /** The line under the title (default ''). */
  description?: string;
  /** An http(s) URL. */
  url: string;
  /** The card's picture, an http(s) URL. */
  thumbUrl?: string;
}

/** A music card to send (`client.sendMusic`, docs/messages.md): appmsg type 3. */
export interface MusicCard {
  title: string;
  /** The line under the title, often the singer (default ''). */
  description?: string;
  /** The page the card opens, an http(s) URL. */
  url: string;
  /** The audio the phone plays, an http(s) URL. */
  dataUrl: string;
  /** The cover, an http(s) URL. */
  thumbUrl?: string;
}

/**
 * A mini program to send (`client.sendMiniProgram`, docs/messages.md): appmsg type 33, named by its
 * app id and/or its account. The fields of a received mini-program message fit.
 */
export interface MiniProgramCard {
  /** The card's title. */
  title: string;
  /** The mini program's `wx…` app id (this or `userName` is needed). */
  appId?: string;
  /** The mini program's account, `gh_…@app` (this or `appId` is needed). */
  userName?: string;
  /** The line under the title (default ''). */
  description?: string;
  /** The page to open, e.g. `pages/index/index.html?id=1` (default: the start page). */
  pagePath?: string;
  /** The program's icon, an http(s) URL. */
  iconUrl?: string;
  /** The card's picture, an http(s) URL (a CDN id from another protocol cannot be sent from the web). */
  thumbUrl?: string;
  /** The name shown under the card (default: the title). */
  displayName?: string;
  /** The page older clients open instead, an http(s) URL (default: the upgrade page of `appId`). */
  url?: string;
}

/**
 * Pacing (`ClientOptions.pacing`): how fast the outbox lets sends out, per account. A token bucket:
 * `burst` sends may go at once, then `perSecond` a second on average; `perChatMs` additionally
 * spaces two sends to the same chat. Every request that delivers something (a text, a media send, a
 * forward, a revoke, and each retry of one) takes a token; uploads do not.
 */
export interface PacingOptions {
  /** Sustained rate, sends per second (> 0). */
  perSecond?: number;
  /** Sends that may go at once after a quiet spell (≥ 1). */
  burst?: number;
  /** Least time between two sends to the same chat, ms (0: off). */
  perChatMs?: number;
}

/** What `client.outbox.stats()` returns: the outbox's counters since start(). */
export interface OutboxStats {
  /** Sends waiting in the outbox (not in flight). */
  queued: number;
  /** Sends whose request is on the wire (or uploading). */
  inFlight: number;
  /** Sends the server accepted. */
  sent: number;
  /** Sends given up (a final Ret, out of attempts, a gone recipient, a store failure). */
  failed: number;
  /** Ret 1205 answers seen. */
  rateLimited: number;
  /** Sends re-sent from the store after a restart. */
  resent: number;
}

/**
 * `client.outbox`: every send of the client goes through it (docs/sessions.md). A bot uses it to learn
 * that the replies to a message are in the log before it counts the message as handled.
 */
export interface Outbox {
  /**
   * Resolves when every send made so far with `{ causedBy }` is written to the message log as pending
   * (at once when the client has no MessageStore, or no send was made with it). Rejects with the
   * store's error when one of those writes failed. Sends made later with the same `causedBy` are
   * waited for by a later call.
   */
  logged(causedBy: string): Promise<void>;
  /** Resolves when nothing is queued or in flight (every send made so far has settled). */
  idle(): Promise<void>;
  /** The counters. */
  stats(): OutboxStats;
}

/**
 * What the bot needs from a client: a structural subset of WebWxClient, so tests and other clients can
 * stand in. Media, forward and revoke are optional members: used when the client has them; the bot's
 * actions answer NotAvailableError when it does not (a test double, or a client without media support).
 */
import type {
  ContactDirectory,
  MediaInput,
  RevokeTarget,
  SendMediaOptions,
  SendTextResult,
  SentMessage,
} from '../client/index.js';
import type { Contact, Message } from '../model/index.js';

export type { MediaInput, RevokeTarget, SendMediaOptions };
/** What sendImage/sendFile/forward answer. */
export type SendResult = SentMessage;

/**
 * What the bot adds to each send of a handler: the incoming MsgId the send answers (the client's
 * outbox `SendOptions.causedBy`). The outbox keeps it with the send in the log, derives an idempotent
 * key from it (so a redelivered message's replies are not sent twice) and lets the bot wait until
 * those sends are logged.
 */
export interface BotSendOptions {
  causedBy?: string;
}

/** The part of the client's outbox a bot uses (`client.outbox`, docs/sessions.md "The outbox"). */
export interface BotOutbox {
  /** Resolves once every send made so far with `{ causedBy }` is in the message log. */
  logged(causedBy: string): Promise<void>;
}

/**
 * What a {@link Bot} needs from a client: a {@link WebWxClient} has it all, and a test double needs only
 * this. sendImage, sendFile, forward and revoke are used when the client has them.
 */
export interface BotClient {
  /** The logged-in user, once known. */
  readonly self: Contact | undefined;
  /** The contacts and rooms, to name chats and senders. */
  readonly contacts: ContactDirectory;
  /** Listens to incoming messages; returns the function that stops listening. */
  on(event: 'message', listener: (message: Message) => void): () => void;
  /** Sends a text to a UserName (`options.causedBy`: the message it answers, when the client takes it). */
  sendText(to: string, text: string, options?: BotSendOptions): Promise<SendTextResult>;
  /** The client's outbox, when it has one: the bot waits for its replies to be logged before acknowledging. */
  readonly outbox?: BotOutbox;
  /** Sends an image; a client without it makes the bot's `sendImage` answer NotAvailableError. */
  sendImage?(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult>;
  /** Sends a file; a client without it makes the bot's `sendFile` answer NotAvailableError. */
  sendFile?(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult>;
  /** Forwards a message; a client without it makes the bot's `forward` answer NotAvailableError. */
  forward?(message: Message, to: string, options?: BotSendOptions): Promise<SendResult>;
  /** Revokes a sent message; a client without it makes the bot's `revoke` answer NotAvailableError. */
  revoke?(sent: RevokeTarget, options?: BotSendOptions): Promise<unknown>;
}

/**
 * What the bot needs from a client: a structural subset of WebWxClient, so tests and other clients can
 * stand in. Media, forward and revoke are optional: they are used when the client has them, and
 * answer NotAvailableError when it does not (a test double, or a client without media support).
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
  /** Sends a text to a UserName. */
  sendText(to: string, text: string): Promise<SendTextResult>;
}

/** The optional methods, looked up at run time. */
export interface OptionalClientMethods {
  sendImage?(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult>;
  sendFile?(to: string, input: MediaInput, options?: SendMediaOptions): Promise<SendResult>;
  forward?(message: Message, to: string): Promise<SendResult>;
  revoke?(sent: RevokeTarget): Promise<unknown>;
}

/** The client's optional method, bound, or undefined. */
export function optionalMethod<K extends keyof OptionalClientMethods>(
  client: BotClient,
  name: K,
): NonNullable<OptionalClientMethods[K]> | undefined {
  const fn = (client as unknown as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn.bind(client) as NonNullable<OptionalClientMethods[K]>) : undefined;
}

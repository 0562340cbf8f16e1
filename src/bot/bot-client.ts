/**
 * What the bot needs from a client: a structural subset of WebWxClient, so tests and other clients can
 * stand in. Media, forward and revoke are optional: they are used when the client has them, and
 * answer NotAvailableError when it does not. Their parameter types follow WebWxClient's own methods
 * as soon as the client declares them.
 */
import type { ContactDirectory, SendTextResult, WebWxClient } from '../client/index.js';
import type { Contact, Message } from '../model/index.js';

type MethodArgs<Name extends string> = WebWxClient extends { [K in Name]: (...args: infer A) => unknown }
  ? A
  : never;
type MethodResult<Name extends string, Fallback> = WebWxClient extends {
  [K in Name]: (...args: never[]) => Promise<infer R>;
}
  ? R
  : Fallback;

/** What sendImage/sendFile accept (the client's own type once media sending exists). */
export type MediaInput = [MethodArgs<'sendImage'>] extends [never] ? unknown : MethodArgs<'sendImage'>[1];
/** What sendImage/sendFile/forward answer. */
export type SendResult = MethodResult<'sendImage', SendTextResult>;
/** What revoke() takes: a send result. */
export type RevokeTarget = [MethodArgs<'revoke'>] extends [never] ? SendTextResult : MethodArgs<'revoke'>[0];

export interface BotClient {
  readonly self: Contact | undefined;
  readonly contacts: ContactDirectory;
  on(event: 'message', listener: (message: Message) => void): () => void;
  sendText(to: string, text: string): Promise<SendTextResult>;
}

/** The optional methods, looked up at run time. */
export interface OptionalClientMethods {
  sendImage?(to: string, input: MediaInput): Promise<SendResult>;
  sendFile?(to: string, input: MediaInput): Promise<SendResult>;
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

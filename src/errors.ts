/**
 * The one error hierarchy of webwx. Every error the library raises is a WebWxError,
 * and every message is built from redacted text: secrets never appear in `message`.
 */
import { redact } from './redact.js';

/** The `code` of a {@link WebWxError}: one value per error family, to tell them apart without instanceof. */
export type WebWxErrorCode =
  | 'transport'
  | 'protocol'
  | 'logged-out'
  | 'login-refused'
  | 'parse'
  /** A feature the client in use, or its login mode, does not offer (NotAvailableError). */
  | 'not-available'
  /** A bot or API configuration that does not validate (src/bot/bot-errors.ts). */
  | 'invalid-config'
  /** Several contacts claim the same stable id (src/client/contacts/stable-ids.ts). */
  | 'stable-id-collision'
  /** Media input, upload, download or file-name failure (src/client/media/media-errors.ts). */
  | 'media'
  /** A session or message store is corrupt, from an incompatible version, or failed (src/store). */
  | 'store'
  /** An event listener threw or its promise rejected (ListenerError, on the client's 'error' event). */
  | 'listener'
  /** The client was stopped while the call was under way (ClientStoppedError, named 'AbortError'). */
  | 'stopped'
  /** A queued send's recipient no longer exists after a new login (RecipientGoneError). */
  | 'recipient-gone'
  /** An account of a host: unknown, already there, or a bad account spec (src/host/host-errors.ts). */
  | 'account'
  /** A send beyond the account's daily send budget (SendBudgetError, src/host/host-errors.ts). */
  | 'send-budget'
  /** The Redis bus of workers: Redis unreachable, ioredis missing, or a bad command (src/host/bus/bus-errors.ts). */
  | 'bus'
  /** An argument or option of a call that does not validate (InvalidArgumentError). */
  | 'invalid-argument'
  /** A call the object cannot serve in its current state: not logged in, started twice, closed (InvalidStateError). */
  | 'invalid-state'
  /** A bot handler (middleware) threw (HandlerError, src/bot/composer.ts). */
  | 'handler'
  /** A request of the bot's HTTP API failed with a status (ApiError, src/bot/http-api/api-error.ts). */
  | 'api'
  /** A method of the Telegram-compatible API failed (TelegramError, src/bot/telegram-api/telegram-error.ts). */
  | 'telegram'
  /** A bounded queue is full: the item was not taken (QueueFullError, src/bot/bot-errors.ts). */
  | 'queue-full'
  /** A thread of a ThreadedAccountHost failed a call or ended (HostThreadError, src/host/host-errors.ts). */
  | 'host-thread';

/**
 * The base class of every error webwx throws. `code` says which family it belongs to; the message is
 * redacted when the error is built, so it can be logged as is.
 */
export abstract class WebWxError extends Error {
  abstract readonly code: WebWxErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
    this.name = new.target.name;
  }
}

/** The network failed: connection refused or reset, timeout, DNS, or an HTTP status the endpoint never sends. */
export class TransportError extends WebWxError {
  readonly code = 'transport' as const;
  readonly url: string;
  readonly status: number | undefined;
  readonly timedOut: boolean;
  constructor(
    message: string,
    details: { url: string; status?: number; timedOut?: boolean; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.url = redact(details.url);
    this.status = details.status;
    this.timedOut = details.timedOut ?? false;
  }
  /** Transient failures are worth retrying: timeouts, resets, 5xx and 429. */
  get retryable(): boolean {
    return this.status === undefined || this.status >= 500 || this.status === 429;
  }
}

/** The server answered, well-formed, but with a non-zero BaseResponse.Ret (or retcode). */
export class ProtocolError extends WebWxError {
  readonly code = 'protocol' as const;
  readonly ret: number;
  readonly endpoint: string;
  readonly errMsg: string;
  constructor(endpoint: string, ret: number, errMsg = '') {
    super(`${endpoint} failed with Ret ${ret}${errMsg ? `: ${errMsg}` : ''}`);
    this.ret = ret;
    this.endpoint = endpoint;
    this.errMsg = redact(errMsg);
  }
}

/** Why a session ended: carried by {@link LoggedOutError} and the client's `logout` event. */
export type LogoutReason =
  | 'logged-out-on-phone' // 1100
  | 'logged-in-elsewhere' // 1101
  | 'session-expired' // 1102
  | 'logout-called' // logout() by the user of the library
  | 'unknown';

/** The session is over. `reason` says why; `ret` is the server's code when it sent one. */
export class LoggedOutError extends WebWxError {
  readonly code = 'logged-out' as const;
  readonly reason: LogoutReason;
  readonly ret: number | undefined;
  constructor(reason: LogoutReason, ret?: number) {
    super(`session ended: ${reason}${ret === undefined ? '' : ` (retcode ${ret})`}`);
    this.reason = reason;
    this.ret = ret;
  }
}

/** The server refused the login (1203, or a login page without credentials). Quotes the server's message. */
export class LoginRefusedError extends WebWxError {
  readonly code = 'login-refused' as const;
  readonly ret: number;
  readonly serverMessage: string;
  constructor(ret: number, serverMessage: string) {
    super(`login refused by the server (ret ${ret})${serverMessage ? `: ${serverMessage}` : ''}`);
    this.ret = ret;
    this.serverMessage = serverMessage;
  }
}

/**
 * A feature the client in use does not offer, or one its login mode cannot serve (the File Transfer
 * web has one chat, so rooms and contact management are not available there). Thrown before any
 * request is sent. `feature` names what was asked for, e.g. 'sendImage' or 'rooms.create'.
 */
export class NotAvailableError extends WebWxError {
  readonly code = 'not-available' as const;
  readonly feature: string;
  constructor(feature: string, detail = 'the client in use does not offer it') {
    super(`not available: ${feature} (${detail})`);
    this.feature = feature;
  }
}

/**
 * An event listener threw, or the promise an async listener returned rejected. The client reports it
 * on its 'error' event (and to the logger); the listener's error is the `cause`.
 */
export class ListenerError extends WebWxError {
  readonly code = 'listener' as const;
  /** The event whose listener failed. */
  readonly event: string;
  constructor(event: string, cause: unknown) {
    super(`a '${event}' listener failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.event = event;
  }
}

/**
 * The client was stopped (stop()) while the call was under way: what start(), a send still queued or
 * in flight, and every other pending call reject with. Its `name` is 'AbortError', as for an aborted
 * fetch, so `error.name === 'AbortError'` checks keep working.
 */
export class ClientStoppedError extends WebWxError {
  readonly code = 'stopped' as const;
  constructor(message = 'the client was stopped') {
    super(message);
    this.name = 'AbortError';
  }
}

/**
 * A queued send could not be re-addressed after a new login: its recipient (a contact or room of the
 * previous login) has no UserName in the new one, by its stable id (docs/sessions.md). `userName` is
 * the address it was queued with, `stableId` the id it was looked up by ('' when it had none).
 */
export class RecipientGoneError extends WebWxError {
  readonly code = 'recipient-gone' as const;
  readonly userName: string;
  readonly stableId: string;
  constructor(userName: string, stableId: string) {
    super(
      stableId
        ? `the recipient ${stableId} is not in the new login's contacts; the send was not made`
        : 'the recipient of a send queued in an earlier login has no stable id; the send was not made',
    );
    this.userName = userName;
    this.stableId = stableId;
  }
}

/**
 * An argument or option that does not validate: a missing UserName, a negative number, an unknown
 * id, a malformed value. Thrown before anything is sent. `argument` names what was wrong, e.g.
 * 'sendLink.to' or 'pacing.burst' ('' when the message says it all).
 */
export class InvalidArgumentError extends WebWxError {
  readonly code = 'invalid-argument' as const;
  readonly argument: string;
  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.argument = argument;
  }
}

/**
 * A call that the object cannot serve in the state it is in: a client that is not logged in (or was
 * stopped), start() called twice, a middleware's next() called twice. `state` is the state it was in
 * when the object has one to report ('' otherwise); the message ends with it, as `(state: ready)`.
 */
export class InvalidStateError extends WebWxError {
  readonly code = 'invalid-state' as const;
  readonly state: string;
  constructor(message: string, state = '') {
    super(state ? `${message} (state: ${state})` : message);
    this.state = state;
  }
}

/** A reply could not be understood: not JSON, wrong shape, not the expected `window.x = …` text. */
export class ParseError extends WebWxError {
  readonly code = 'parse' as const;
  readonly endpoint: string;
  /** A short, redacted excerpt of what was received. */
  readonly excerpt: string;
  constructor(endpoint: string, message: string, received?: string, options?: { cause?: unknown }) {
    super(`${endpoint}: ${message}`, options);
    this.endpoint = endpoint;
    this.excerpt = redact((received ?? '').slice(0, 200));
  }
}

/**
 * The session's end an error means: a LoggedOutError is one, a ProtocolError with a session-ending Ret
 * (1100–1102) becomes one; undefined for any other error. Every place that ends a session on an
 * error asks this.
 */
export function sessionEndOf(error: unknown): LoggedOutError | undefined {
  if (error instanceof LoggedOutError) return error;
  if (error instanceof ProtocolError) {
    const reason = logoutReasonFor(error.ret);
    if (reason) return new LoggedOutError(reason, error.ret);
  }
  return undefined;
}

/** Map a session-ending Ret/retcode to its reason, or undefined when the code does not end the session. */
export function logoutReasonFor(ret: number): LogoutReason | undefined {
  switch (ret) {
    case 1100:
      return 'logged-out-on-phone';
    case 1101:
      return 'logged-in-elsewhere';
    case 1102:
      return 'session-expired';
    default:
      return undefined;
  }
}

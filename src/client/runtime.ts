/**
 * What the client's services share: resolved options, the logger, the transport behind one
 * abortable `send`, abortable sleeps and the event emitter. Built once by createClient.
 */
import type { Logger } from '../logger.js';
import type { HttpReply, HttpRequestSpec } from '../protocol/http-request.js';
import { ClientMsgIdSequence } from '../protocol/index.js';
import { type HttpTransport, type SendOptions, sleep, withRetry } from '../transport/index.js';
import type { ClientEvents, ClientState } from './client-types.js';
import type { ResolvedOptions } from './options.js';
import type { TypedEmitter } from './typed-emitter.js';

export interface Runtime {
  readonly options: ResolvedOptions;
  readonly logger: Logger;
  /** Aborted by stop() (and when the session ends): every request and sleep ends with it. */
  readonly signal: AbortSignal;
  readonly events: TypedEmitter<ClientEvents>;
  readonly transport: HttpTransport;
  /**
   * Sends once; with `retry`, transient failures are retried under the retry policy. With `ordered`,
   * the transport sends it after every earlier `ordered` request to the same origin, in call order
   * (pipelined on one connection; see SendOptions.ordered for what a dropped connection does).
   */
  send(spec: HttpRequestSpec, options?: RuntimeSendOptions): Promise<HttpReply>;
  /** Waits `ms` unless the client stops first (then rejects with the abort reason). */
  sleep(ms: number): Promise<void>;
  setState(state: ClientState): void;
  /** A ClientMsgId (also the LocalID) that no other send of this client has used. */
  nextClientMsgId(): string;
}

export interface RuntimeSendOptions {
  retry?: boolean;
  ordered?: boolean;
  /** Instead of the client's signal: one that also follows it (the sync watchdog's). No retry with it. */
  signal?: AbortSignal;
}

export function createRuntime(init: {
  options: ResolvedOptions;
  transport: HttpTransport;
  events: TypedEmitter<ClientEvents>;
  signal: AbortSignal;
  setState: (state: ClientState) => void;
}): Runtime {
  const { options, transport, events, signal, setState } = init;
  const logger = options.logger;
  const clientMsgIds = new ClientMsgIdSequence();
  // Made once: a send allocates nothing here.
  const plain: SendOptions = { signal };
  const ordered: SendOptions = { signal, ordered: true };
  return {
    options,
    logger,
    signal,
    events,
    transport,
    send(spec, sendOptions) {
      if (sendOptions?.signal) return transport.send(spec, { signal: sendOptions.signal });
      const transportOptions = sendOptions?.ordered ? ordered : plain;
      if (!sendOptions?.retry) return transport.send(spec, transportOptions);
      return withRetry(() => transport.send(spec, transportOptions), {
        policy: options.retry,
        signal,
        random: options.random,
        logger,
      });
    },
    sleep: (ms) => sleep(ms, signal),
    setState,
    nextClientMsgId: () => clientMsgIds.next(options.now(), options.random),
  };
}

/**
 * The HTTP API's outgoing events (docs/bot.md): the event stream (SSE) and the webhook. With a store
 * they follow the message log (ids are log seqs, the webhook's position is kept in the store, a
 * stream resumes after `Last-Event-ID`); without one they follow the client's 'message' events (ids
 * are MsgIds, the webhook queue is in memory).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';
import type { Message } from '../../model/index.js';
import { redact } from '../../redact.js';
import type { BotClient } from '../bot-client.js';
import { messageToJson } from '../message-json.js';
import { ApiError } from './api-error.js';
import { DurableWebhookDelivery, prepareWebhookPosition } from './durable-webhook.js';
import { type EventStore, eventsAfter, LogTail, parseEventId } from './event-log.js';
import { SseHub, type SseStream } from './sse-hub.js';
import { WebhookDelivery, type WebhookDeliveryOptions } from './webhook-delivery.js';

export interface ApiEventsOptions {
  client: BotClient;
  store: EventStore | undefined;
  webhook: Omit<WebhookDeliveryOptions, 'logger'> | undefined;
  maxStreams: number | undefined;
  heartbeatMs: number | undefined;
  logger: Logger;
}

export interface ApiEvents {
  /** Takes over the response as an event stream (replaying after its Last-Event-ID); 503 when full. */
  openStream(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void;
  /** Stops listening, ends the streams and the webhook delivery. */
  close(): void;
}

/** Starts following the client's messages for the event streams and the webhook. */
export async function startApiEvents(options: ApiEventsOptions): Promise<ApiEvents> {
  const { client, store, logger } = options;
  const hub = new SseHub({ maxClients: options.maxStreams, heartbeatMs: options.heartbeatMs });
  const tail = store ? new LogTail(store, client, await store.lastSeq(), logger) : undefined;
  tail?.listen((event) => hub.send('message', event.json, event.json.eventId));
  if (store && options.webhook) await prepareWebhookPosition(store);
  const durable =
    store && options.webhook
      ? new DurableWebhookDelivery(store, client, { ...options.webhook, logger })
      : undefined;
  const memory = options.webhook && !store ? new WebhookDelivery({ ...options.webhook, logger }) : undefined;

  const off = client.on('message', (message: Message) => {
    if (tail) {
      tail.notify();
      durable?.notify();
      return;
    }
    const json = { eventId: message.id, ...messageToJson(message, client) };
    hub.send('message', json, message.id);
    memory?.push(json);
  });
  // What was logged while the API was down goes to the webhook now.
  durable?.notify();

  /** Replays the log after `after` to one stream, then lets it join the live events. */
  const replay = async (stream: SseStream, after: number, from: EventStore, follow: LogTail) => {
    let cursor = after;
    for (;;) {
      const events = await eventsAfter(from, client, cursor);
      if (stream.closed) return;
      const end = follow.seq;
      let past = false;
      for (const event of events) {
        if (event.seq > end) {
          past = true;
          break;
        }
        stream.send('message', event.json, event.json.eventId);
        cursor = event.seq;
      }
      if (past || events.length < 100 || cursor >= end) {
        stream.goLive();
        return;
      }
      await stream.drained();
    }
  };

  return {
    openStream(req, res, params) {
      const last =
        store && tail ? parseEventId(req.headers['last-event-id'] ?? params.get('lastEventId')) : undefined;
      const stream = hub.add(res, last === undefined);
      if (!stream) throw new ApiError(503, 'too many event streams are open');
      if (last === undefined || !store || !tail) return;
      replay(stream, last, store, tail).catch((error: unknown) => {
        logger.warn(
          { error: redact(error instanceof Error ? error.message : String(error)) },
          'replay failed',
        );
        res.end();
      });
    },
    close() {
      off();
      memory?.close();
      durable?.close();
      tail?.close();
      hub.close();
    },
  };
}

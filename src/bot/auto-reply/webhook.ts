/**
 * The webhook reply source: POSTs `{ text, message }` as JSON to a URL and replies with what comes
 * back: `{ "reply": "…" }` (JSON), or a text/plain body. An empty body, 204, or `{ "reply": null }`
 * means no reply. Failures (non-2xx, timeout, a body too large) are TransportErrors.
 */

import { ParseError } from '../../errors.js';
import { BotConfigError } from '../bot-errors.js';
import { describeUrl, postJson } from '../http-post.js';
import type { ReplySource } from './reply-source.js';

/** Options of {@link webhookSource}. */
export interface WebhookSourceOptions {
  /** The http(s) URL to POST to. */
  url: string;
  /** Extra headers, e.g. an Authorization the webhook expects. */
  headers?: Record<string, string>;
  /** Default 15000 ms. */
  timeoutMs?: number;
}

/** An http(s) URL, else a BotConfigError naming the option. */
export function checkHttpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BotConfigError(field, `expected an http(s) URL, got "${value.slice(0, 100)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BotConfigError(field, `expected an http(s) URL, got the scheme "${url.protocol}"`);
  }
  return url.toString();
}

/** The reply text of a webhook's answer, or undefined for none. */
export function parseWebhookReply(contentType: string, body: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed === '') return undefined;
  if (/\bjson\b/i.test(contentType) || trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      if (/\bjson\b/i.test(contentType))
        throw new ParseError('webhook', 'the webhook answered invalid JSON', trimmed);
      return trimmed;
    }
    if (typeof json === 'string') return json;
    if (typeof json !== 'object' || json === null)
      throw new ParseError('webhook', 'the webhook answered JSON that is not an object', trimmed);
    const reply = (json as { reply?: unknown }).reply;
    if (reply === undefined || reply === null) return undefined;
    if (typeof reply !== 'string')
      throw new ParseError('webhook', 'the webhook\'s "reply" is not a string', trimmed);
    return reply;
  }
  return trimmed;
}

/**
 * A reply source that POSTs `{ text, message }` as JSON to a webhook and replies with its answer:
 * `{ "reply": "…" }` or a text/plain body; an empty body, 204 or `{ "reply": null }` means no reply.
 * A bad URL is a BotConfigError; a non-2xx status, a timeout or a body over 1 MiB a TransportError.
 */
export function webhookSource(options: WebhookSourceOptions): ReplySource {
  const url = checkHttpUrl(options.url, 'webhook url');
  return {
    name: `webhook ${describeUrl(url)}`,
    async reply(input) {
      const answer = await postJson(url, input, { headers: options.headers, timeoutMs: options.timeoutMs });
      if (answer.status === 204) return undefined;
      return parseWebhookReply(answer.contentType, answer.text);
    },
  };
}

/**
 * POST a JSON body and read a bounded reply: what the webhook and chat-completions reply sources and
 * the HTTP API's webhook delivery share. Failures are TransportErrors (URL redacted); a status outside
 * 2xx is one too, with `status` set.
 */

import { TransportError } from '../errors.js';
import { Agent, request } from '../transport/index.js';

/** One keep-alive agent for every webhook and reply-source call (created on first use). */
let agent: InstanceType<typeof Agent> | undefined;

export interface PostJsonOptions {
  headers?: Record<string, string>;
  /** Whole-request timeout. Default 15000 ms. */
  timeoutMs?: number;
  /** A longer reply is an error. Default 1 MiB. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /** Return a reply outside 2xx instead of throwing (to read the error the server gave). Default false. */
  allowErrorStatus?: boolean;
}

export interface PostJsonReply {
  status: number;
  contentType: string;
  text: string;
}

/** The URL without its query and credentials, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export async function postJson(
  url: string,
  body: unknown,
  options: PostJsonOptions = {},
): Promise<PostJsonReply> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
  const where = describeUrl(url);
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  let reply: Awaited<ReturnType<typeof request>>;
  try {
    agent ??= new Agent({ keepAliveTimeout: 10_000 });
    reply = await request(url, {
      dispatcher: agent,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/plain',
        ...options.headers,
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    const timedOut = signal.aborted && !options.signal?.aborted;
    throw new TransportError(`POST ${where} failed: ${timedOut ? 'timed out' : errorName(error)}`, {
      url: where,
      timedOut,
      cause: error,
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of reply.body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBytes) {
        reply.body.destroy();
        throw new TransportError(`POST ${where}: the reply is larger than ${maxBytes} bytes`, {
          url: where,
          status: reply.statusCode,
        });
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof TransportError) throw error;
    throw new TransportError(`POST ${where}: reading the reply failed: ${errorName(error)}`, {
      url: where,
      cause: error,
    });
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const status = reply.statusCode;
  if ((status < 200 || status > 299) && !options.allowErrorStatus) {
    throw new TransportError(`POST ${where} answered HTTP ${status}`, { url: where, status });
  }
  const contentType = String(reply.headers['content-type'] ?? '');
  return { status, contentType, text };
}

function errorName(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

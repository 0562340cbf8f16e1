/**
 * `webwx notify`'s side of the console: POST a text or a file to the running console's HTTP API
 * (`/v1/messages/text`, `/v1/messages/file`, `/v1/messages/image`, to `filehelper`), with the token
 * the console wrote to its address file. The token goes in the Authorization header only; errors name
 * the URL without it.
 */
import { TransportError } from '../../errors.js';
import { postJson } from '../http-post.js';
import { FILE_TRANSFER_CHAT } from './file-console.js';

/** Where a running console listens: what `<data-dir>/console.json` holds. */
export interface ConsoleAddress {
  url: string;
  token: string;
}

/** A text, or a file or image with its name. */
export type Notification =
  | { kind: 'text'; text: string }
  | { kind: 'file' | 'image'; data: Uint8Array; fileName: string };

/** What the console answered: the sent message's MsgID. */
export interface NotifyResult {
  msgId: string;
}

/** Options of sendNotification. */
export interface NotifyOptions {
  /** Default 30 s for a text, 300 s for a file (the console uploads it before answering). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Whether a notify failure means nothing listens at the address (the console is not running). */
export function isConsoleUnreachable(error: unknown): boolean {
  if (!(error instanceof TransportError) || error.status !== undefined) return false;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH';
}

/** Sends one notification to the phone's File Transfer chat through the console. */
export async function sendNotification(
  address: ConsoleAddress,
  notification: Notification,
  options: NotifyOptions = {},
): Promise<NotifyResult> {
  const base = address.url.replace(/\/+$/, '');
  const [path, body] =
    notification.kind === 'text'
      ? ['/v1/messages/text', { to: FILE_TRANSFER_CHAT, text: notification.text }]
      : [
          `/v1/messages/${notification.kind}`,
          {
            to: FILE_TRANSFER_CHAT,
            fileName: notification.fileName,
            data: Buffer.from(notification.data).toString('base64'),
          },
        ];
  const url = `${base}${path}`;
  const reply = await postJson(url, body, {
    headers: { authorization: `Bearer ${address.token}` },
    timeoutMs: options.timeoutMs ?? (notification.kind === 'text' ? 30_000 : 300_000),
    allowErrorStatus: true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let json: { msgId?: unknown; error?: unknown } = {};
  try {
    json = JSON.parse(reply.text) as typeof json;
  } catch {
    // A 401 has no body; anything else unreadable is reported by status below.
  }
  if (reply.status === 401) {
    throw new TransportError('the console refused the token (is console.json from another run?)', {
      url,
      status: 401,
    });
  }
  if (reply.status < 200 || reply.status > 299) {
    const why = typeof json.error === 'string' ? json.error : `HTTP ${reply.status}`;
    throw new TransportError(`the console could not send it: ${why}`, { url, status: reply.status });
  }
  return { msgId: typeof json.msgId === 'string' ? json.msgId : '' };
}

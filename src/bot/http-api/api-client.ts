/**
 * What the HTTP API needs of a client (ApiClient), how it finds a recipient by name or id, and how it
 * answers JSON. Shared by the API's server (api-server.ts) and the Telegram surface (telegram-api/).
 */
import type { ServerResponse } from 'node:http';
import type { Contact, Room } from '../../model/index.js';
import { isSpecialUserName } from '../../model/index.js';
import type { BotClient } from '../bot-client.js';
import { ApiError } from './api-error.js';

/** What the HTTP API needs from a client: a {@link BotClient}, and the client's state when it has one. */
export interface ApiClient extends BotClient {
  /** The client's state; requests that need a session answer 503 unless it is 'ready'. */
  readonly state?: string;
}

function nameOf(entry: Contact | Room): string {
  return 'topic' in entry ? entry.topic : entry.remarkName || entry.nickName;
}

/** A recipient by UserName, stable id, or exact name; 404 when unknown, 409 when ambiguous. */
export function resolveRecipient(client: ApiClient, to: string): string {
  const contacts = client.contacts;
  if (contacts.get(to) || contacts.room(to)) return to;
  const byStable = (contacts as { byStableId?: (id: string) => Contact | Room | undefined }).byStableId;
  if (typeof byStable === 'function') {
    const entry = byStable.call(contacts, to);
    if (entry) return entry.userName;
  }
  const fold = (s: string) => s.normalize('NFKC').toLocaleLowerCase();
  const wanted = fold(to);
  const exact = contacts.find(to).filter((e) => {
    const names = 'topic' in e ? [e.topic] : [e.remarkName, e.nickName, e.alias];
    return names.some((n) => n && fold(n) === wanted);
  });
  if (exact.length === 1) return (exact[0] as Contact | Room).userName;
  if (exact.length > 1) {
    throw new ApiError(409, `"${to}" names ${exact.length} contacts or rooms; use a UserName or stable id`, {
      candidates: exact.slice(0, 10).map((e) => ({ userName: e.userName, name: nameOf(e) })),
    });
  }
  if (to.startsWith('@') || isSpecialUserName(to)) return to;
  throw new ApiError(404, `no contact or room named "${to.slice(0, 100)}"`);
}

/** A JSON answer (the Telegram surface answers through it too). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

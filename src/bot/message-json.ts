/**
 * The JSON form of a message that leaves the process: webhook bodies, the SSE stream, the HTTP API's
 * history. Names are resolved from the contact list; stable ids are added when the client knows them.
 * The raw wire entry is left out.
 */
import type { Message } from '../model/index.js';
import type { BotClient } from './bot-client.js';
import { type ChatType, chatNameOf, chatTypeOf } from './context.js';

/**
 * A message as JSON for the world outside the process (webhooks, the SSE stream, the webhook reply
 * source): names resolved, stable ids added when known, the raw wire entry left out.
 */
export interface MessageJson {
  id: string;
  kind: string;
  /** Unix seconds. */
  createTime: number;
  text: string;
  isSelf: boolean;
  mentions: string[];
  mentionsSelf: boolean;
  chat: { userName: string; stableId?: string; name: string; type: ChatType };
  sender: { userName: string; stableId?: string; name: string };
  /** The fields particular to the kind (an image's media reference, a system event, a link's URL…). */
  details: Record<string, unknown>;
}

const BASE_FIELDS = new Set([
  'kind',
  'id',
  'createTime',
  'chat',
  'sender',
  'isSelf',
  'text',
  'mentions',
  'mentionsSelf',
  'raw',
]);

/** The kind-specific fields of a message, as plain JSON. */
export function messageDetails(message: Message): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    if (BASE_FIELDS.has(key) || value === undefined || typeof value === 'function') continue;
    details[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  return details;
}

/**
 * The part of a client that names chats and senders.
 * @inline
 */
type Lookup = Pick<BotClient, 'contacts'>;

/** The stable id of a UserName when the client's contact service offers them. */
export function stableIdOf(client: Lookup, userName: string): string | undefined {
  const contacts = client.contacts as { stableIdOf?: (userName: string) => string | undefined };
  if (typeof contacts.stableIdOf !== 'function') return undefined;
  try {
    return contacts.stableIdOf(userName) || undefined;
  } catch {
    return undefined;
  }
}

function senderName(message: Message, client: Lookup): string {
  const userName = message.sender.userName;
  const contact = client.contacts.get(userName);
  return message.sender.displayName || contact?.remarkName || contact?.nickName || userName;
}

/** The JSON form of `message`, with names and stable ids looked up in `client`'s contacts. */
export function messageToJson(message: Message, client: Lookup): MessageJson {
  const chatStable = stableIdOf(client, message.chat.userName);
  const senderStable = stableIdOf(client, message.sender.userName);
  return {
    id: message.id,
    kind: message.kind,
    createTime: message.createTime,
    text: message.text,
    isSelf: message.isSelf,
    mentions: [...message.mentions],
    mentionsSelf: message.mentionsSelf,
    chat: {
      userName: message.chat.userName,
      ...(chatStable ? { stableId: chatStable } : {}),
      name: chatNameOf(message, client),
      type: chatTypeOf(message, client),
    },
    sender: {
      userName: message.sender.userName,
      ...(senderStable ? { stableId: senderStable } : {}),
      name: senderName(message, client),
    },
    details: messageDetails(message),
  };
}

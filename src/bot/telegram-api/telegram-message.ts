/**
 * webwx messages as Telegram Message objects (docs/telegram-api.md): text (with bot_command entities,
 * which grammY's `bot.command()` reads), photo, document, voice, video, sticker, location; the other
 * kinds that people write (links, cards, mini programs, …) as a text describing them. Notices (system,
 * revoke, status notify, calls, friend requests) are not messages in Telegram's sense and are no
 * updates. A file_id is `<message_id>_<MsgId>`: the log entry and the WeChat message it must still be.
 */
import type { Message } from '../../model/index.js';
import { mimeTypeOf } from '../../protocol/index.js';
import { chatNameOf } from '../context.js';
import type { ChatIds, IdClient } from './telegram-ids.js';
import type { TgChat, TgEntity, TgMessage, TgUser } from './telegram-types.js';

/** One message of the log with its Telegram id (message_id, and update_id for incoming ones). */
export interface LogEntry {
  id: number;
  direction: 'in' | 'out';
  message: Message;
}

/** The File Transfer chat: the account's own messages there are input (docs/telegram-api.md). */
export const FILE_TRANSFER_CHAT = 'filehelper';

const NOT_UPDATES = new Set(['system', 'revoke', 'status-notify', 'voip', 'friend-request']);

/**
 * Is this incoming message an update? Not notices; not the account's own messages, except in the File
 * Transfer chat when `ownInFileTransfer` (there the account's phone writes to the bot).
 */
export function isUpdateMessage(message: Message, ownInFileTransfer: boolean): boolean {
  if (NOT_UPDATES.has(message.kind)) return false;
  if (!message.isSelf) return true;
  return ownInFileTransfer && message.chat.userName === FILE_TRANSFER_CHAT;
}

/** The bot itself (getMe, and `from` of what it sent). */
export function botUser(client: IdClient, ids: ChatIds): TgUser {
  const self = client.self;
  const alias = self?.alias ?? '';
  return {
    id: self ? ids.idOf(self.userName) : 1,
    is_bot: true,
    first_name: self?.nickName || 'webwx',
    username: /^[A-Za-z][A-Za-z0-9_]{4,31}$/.test(alias) ? alias : 'webwx_bot',
    can_join_groups: true,
    can_read_all_group_messages: true,
    supports_inline_queries: false,
  };
}

export function chatOf(message: Pick<Message, 'chat'>, client: IdClient, ids: ChatIds): TgChat {
  const id = ids.idOf(message.chat.userName);
  const name = chatNameOf(message as Message, client);
  return message.chat.isRoom ? { id, type: 'group', title: name } : { id, type: 'private', first_name: name };
}

function senderOf(message: Message, client: IdClient, ids: ChatIds): TgUser {
  const userName = message.sender.userName || message.chat.userName;
  const contact = client.contacts.get(userName);
  const name = message.sender.displayName || contact?.remarkName || contact?.nickName || userName;
  return { id: ids.idOf(userName), is_bot: false, first_name: name };
}

const COMMAND = /(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?)(?![A-Za-z0-9_@])/g;

/** The bot_command entities of a text (offsets in UTF-16 code units, as Telegram counts). */
export function commandEntities(text: string): TgEntity[] {
  const entities: TgEntity[] = [];
  for (const m of text.matchAll(COMMAND)) {
    const command = m[2] as string;
    entities.push({
      type: 'bot_command',
      offset: (m.index ?? 0) + (m[1] as string).length,
      length: command.length,
    });
  }
  return entities;
}

export function fileIdOf(entryId: number, msgId: string): string {
  return `${entryId}_${msgId}`;
}

/** The log entry id and MsgId of a file_id, or undefined when it is not one of ours. */
export function parseFileId(fileId: string): { entryId: number; msgId: string } | undefined {
  const m = /^(\d{1,16})_(\d{1,24})$/.exec(fileId);
  if (!m) return undefined;
  const entryId = Number(m[1]);
  return Number.isSafeInteger(entryId) && entryId > 0 ? { entryId, msgId: m[2] as string } : undefined;
}

const FOLDERS: Record<string, string> = {
  image: 'photos',
  file: 'documents',
  voice: 'voice',
  video: 'videos',
  emoticon: 'stickers',
};

function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return m ? `.${(m[1] as string).toLowerCase()}` : '';
}

/** getFile's file_path: `<folder>/<file_id><.ext>` (nothing of it is a path on disk). */
export function filePathOf(entry: LogEntry): string | undefined {
  const folder = FOLDERS[entry.message.kind];
  if (!folder || !('media' in entry.message)) return undefined;
  const ext = extensionOf(entry.message.media.fileName) || defaultExtension(entry.message.kind);
  return `${folder}/${fileIdOf(entry.id, entry.message.id)}${ext}`;
}

function defaultExtension(kind: string): string {
  return kind === 'image' ? '.jpg' : kind === 'voice' ? '.mp3' : kind === 'video' ? '.mp4' : '';
}

/** The file_id in a file path of ours, or undefined (anything else: `..`, other folders, bad names). */
export function parseFilePath(path: string): { entryId: number; msgId: string } | undefined {
  const m = /^(photos|documents|voice|videos|stickers)\/(\d{1,16}_\d{1,24})(\.[a-z0-9]{1,8})?$/.exec(path);
  return m ? parseFileId(m[2] as string) : undefined;
}

/** A one-line description of a message, for quotes and for kinds Telegram has no object for. */
export function describeMessage(message: Message): string {
  switch (message.kind) {
    case 'text':
    case 'app':
      return message.text;
    case 'image':
      return '[Photo]';
    case 'voice':
      return '[Voice]';
    case 'video':
      return '[Video]';
    case 'emoticon':
      return '[Sticker]';
    case 'file':
      return `[File] ${message.media.fileName}`;
    case 'link':
    case 'music':
      return [message.title, message.url].filter((s) => s).join('\n') || message.text;
    case 'mini-program':
      return `[Mini Program] ${message.title}`;
    case 'card':
      return `[Contact card] ${message.card.nickName}`;
    case 'location':
      return `[Location] ${message.location.label || message.location.poiName}`;
    case 'red-packet':
      return `[Red packet] ${message.title}`;
    case 'transfer':
      return `[Transfer] ${message.amountText}`;
    default:
      return message.text || `[${message.kind}]`;
  }
}

/** The Telegram Message of a log entry. */
export function toTelegramMessage(entry: LogEntry, client: IdClient, ids: ChatIds): TgMessage {
  const message = entry.message;
  const out: TgMessage = {
    message_id: entry.id,
    date: message.createTime,
    chat: chatOf(message, client, ids),
    from: entry.direction === 'out' ? botUser(client, ids) : senderOf(message, client, ids),
  };
  const fileId = fileIdOf(entry.id, message.id);
  const unique = `w${message.id}`;
  switch (message.kind) {
    case 'image':
      out.photo = [
        {
          file_id: fileId,
          file_unique_id: unique,
          width: message.width,
          height: message.height,
          ...(message.media.fileSize ? { file_size: message.media.fileSize } : {}),
        },
      ];
      return out;
    case 'file': {
      const name = message.media.fileName;
      out.document = {
        file_id: fileId,
        file_unique_id: unique,
        ...(name ? { file_name: name } : {}),
        mime_type: mimeTypeOf(name),
        ...(message.media.fileSize ? { file_size: message.media.fileSize } : {}),
      };
      return out;
    }
    case 'voice':
      out.voice = {
        file_id: fileId,
        file_unique_id: unique,
        duration: Math.ceil(message.voiceLength / 1000),
        mime_type: 'audio/mpeg',
        ...(message.media.fileSize ? { file_size: message.media.fileSize } : {}),
      };
      return out;
    case 'video':
      out.video = {
        file_id: fileId,
        file_unique_id: unique,
        width: message.width,
        height: message.height,
        duration: message.playLength,
        mime_type: 'video/mp4',
        ...(message.media.fileSize ? { file_size: message.media.fileSize } : {}),
      };
      return out;
    case 'emoticon':
      out.sticker = {
        file_id: fileId,
        file_unique_id: unique,
        type: 'regular',
        width: message.width,
        height: message.height,
        is_animated: false,
        is_video: false,
      };
      return out;
    case 'location':
      if (message.location.latitude || message.location.longitude) {
        out.location = { latitude: message.location.latitude, longitude: message.location.longitude };
        return out;
      }
      break;
    default:
      break;
  }
  const text = describeMessage(message);
  out.text = text;
  const entities = commandEntities(text);
  if (entities.length > 0) out.entities = entities;
  return out;
}

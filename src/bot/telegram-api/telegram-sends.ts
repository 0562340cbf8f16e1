/**
 * sendMessage, sendPhoto and sendDocument over the bot's send queue. What WeChat's web protocol cannot
 * do is rendered as WeChat itself renders it (docs/telegram-api.md): a reply (`reply_to_message_id`,
 * `reply_parameters`) becomes the quote line WeChat shows for a quoted message, 「name：text」 and a
 * dashed line, above the text; a caption becomes a text sent right after the media; `parse_mode`
 * markup is reduced to plain text. A media parameter is an upload (multipart) or an earlier file_id
 * (forwarded; downloaded and uploaded again where the client cannot forward). URLs are refused.
 */
import { MediaError } from '../../client/media/media-errors.js';
import { safeFileName } from '../../client/media/safe-file-name.js';
import { NotAvailableError } from '../../errors.js';
import { isRoomUserName, type MediaRef, type Message } from '../../model/index.js';
import type { SendResult } from '../bot-client.js';
import type { BotActions } from '../context.js';
import { badRequest } from './telegram-error.js';
import type { ChatIds, IdClient } from './telegram-ids.js';
import type { TelegramLog } from './telegram-log.js';
import { commandEntities, describeMessage, type LogEntry, toTelegramMessage } from './telegram-message.js';
import type { InputMedia, TelegramParams } from './telegram-params.js';
import type { TgMessage } from './telegram-types.js';
import type { UpdateQueue } from './telegram-updates.js';

/** Telegram's limits: a text of 4096 characters, a caption of 1024. */
export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;
const QUOTE_EXCERPT = 50;
/** The line WeChat puts between a quote and the reply. */
export const QUOTE_RULE = '- - - - - - - - - - - - - - -';

export interface SendDeps {
  client: IdClient;
  actions: BotActions;
  ids: ChatIds;
  log: TelegramLog;
  queue: UpdateQueue;
  resolveChat(chatId: number | string): string;
  /** The log entry of a file_id (400 when it is not one). */
  fileEntry(fileId: string): Promise<LogEntry>;
  /** The bytes of a logged message's media (for a re-upload where forwarding is not available). */
  downloadBytes(message: Message): Promise<Buffer>;
  now(): number;
}

/** A text with `parse_mode` markup reduced to what a WeChat text can show. */
export function plainText(text: string, parseMode: string | undefined): string {
  if (parseMode === undefined || parseMode === '') return text;
  const mode = parseMode.toLowerCase();
  if (mode === 'html') {
    return text
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#(\d{1,7});/g, (_m, n: string) => String.fromCodePoint(Math.min(Number(n), 0x10ffff)))
      .replace(/&amp;/g, '&');
  }
  if (mode === 'markdown' || mode === 'markdownv2') {
    return text
      .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)')
      .replace(
        /\\([\\_*[\]()~`>#+\-=|{}.!])|[*_~`]|\|\|/g,
        (_m, escaped: string | undefined) => escaped ?? '',
      );
  }
  throw badRequest(`unsupported parse_mode "${parseMode.slice(0, 20)}"`);
}

/** WeChat's rendering of a quote: 「name：excerpt」, a dashed line, then the text. */
export function quoteText(name: string, quoted: string, text: string): string {
  const flat = quoted.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  const excerpt = chars.length > QUOTE_EXCERPT ? `${chars.slice(0, QUOTE_EXCERPT).join('')}…` : flat;
  return `「${name}：${excerpt}」\n${QUOTE_RULE}\n${text}`;
}

/** The message replied to (reply_parameters.message_id or reply_to_message_id), or undefined. */
async function replyTarget(params: TelegramParams, deps: SendDeps): Promise<LogEntry | undefined> {
  const parameters = params.object('reply_parameters');
  const id =
    parameters?.int('message_id', 1, Number.MAX_SAFE_INTEGER) ??
    params.int('reply_to_message_id', 1, Number.MAX_SAFE_INTEGER);
  if (id === undefined) return undefined;
  const entry = await deps.log.entry(id);
  if (entry) return entry;
  const lenient =
    parameters?.bool('allow_sending_without_reply') ?? params.bool('allow_sending_without_reply');
  if (lenient) return undefined;
  throw badRequest('message to be replied not found');
}

function nameOf(entry: LogEntry, deps: SendDeps): string {
  const message = entry.message;
  if (entry.direction === 'out' || message.isSelf) return deps.client.self?.nickName || 'me';
  const userName = message.sender.userName || message.chat.userName;
  const contact = deps.client.contacts.get(userName);
  return message.sender.displayName || contact?.remarkName || contact?.nickName || userName;
}

function sentMessage(
  deps: SendDeps,
  to: string,
  sent: SendResult | { msgId: string },
  fields: object,
): Message {
  return {
    kind: 'text',
    id: sent.msgId,
    createTime: Math.floor(deps.now() / 1000),
    chat: { userName: to, isRoom: isRoomUserName(to) },
    sender: { userName: deps.client.self?.userName ?? '', displayName: '' },
    isSelf: true,
    text: '',
    mentions: [],
    mentionsSelf: false,
    raw: {},
    ...fields,
  } as unknown as Message;
}

async function finish(
  deps: SendDeps,
  message: Message,
  localId: string,
  reply?: LogEntry,
): Promise<TgMessage> {
  deps.queue.noteOwnSend(message.id);
  const entry = await deps.log.recordSent(message, localId);
  const tg = toTelegramMessage(entry, deps.client, deps.ids);
  if (reply) tg.reply_to_message = toTelegramMessage(reply, deps.client, deps.ids);
  return tg;
}

export async function sendMessage(params: TelegramParams, deps: SendDeps): Promise<TgMessage> {
  const to = deps.resolveChat(params.chatId());
  const text = plainText(params.requiredString('text', MAX_TEXT), params.string('parse_mode', 20));
  if (text.trim() === '') throw badRequest('message text is empty');
  const reply = await replyTarget(params, deps);
  const body = reply ? quoteText(nameOf(reply, deps), describeMessage(reply.message), text) : text;
  const sent = await deps.actions.sendText(to, body);
  const tg = await finish(
    deps,
    sentMessage(deps, to, sent, { kind: 'text', text: body }),
    sent.localId,
    reply,
  );
  tg.text = text;
  const entities = commandEntities(text);
  if (entities.length > 0) tg.entities = entities;
  else delete tg.entities;
  return tg;
}

function isUrl(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref);
}

async function resend(
  deps: SendDeps,
  entry: LogEntry,
  to: string,
  kind: 'image' | 'file',
): Promise<SendResult> {
  try {
    return await deps.actions.forward(entry.message, to);
  } catch (error) {
    if (!(error instanceof NotAvailableError) && !(error instanceof MediaError)) throw error;
  }
  // The client cannot forward it (the File Transfer web, a kind it cannot forward): upload it again.
  const bytes = await deps.downloadBytes(entry.message);
  const media = (entry.message as { media?: MediaRef }).media;
  const fileName = safeFileName(media?.fileName ?? '', kind === 'image' ? 'photo.jpg' : 'document');
  return kind === 'image'
    ? deps.actions.sendImage(to, bytes, { fileName })
    : deps.actions.sendFile(to, bytes, { fileName });
}

/** sendPhoto (`kind` 'image', parameter `photo`) and sendDocument ('file', `document`). */
export async function sendMedia(
  params: TelegramParams,
  deps: SendDeps,
  kind: 'image' | 'file',
): Promise<TgMessage> {
  const field = kind === 'image' ? 'photo' : 'document';
  const to = deps.resolveChat(params.chatId());
  const input: InputMedia = params.media(field);
  const captionRaw = params.string('caption', MAX_CAPTION);
  const caption =
    captionRaw === undefined ? undefined : plainText(captionRaw, params.string('parse_mode', 20));
  const reply = await replyTarget(params, deps);
  let sent: SendResult;
  let fields: object;
  if ('file' in input) {
    if (input.file.bytes.length === 0) throw badRequest(`file of ${field} is empty`);
    const fileName = safeFileName(input.file.name, kind === 'image' ? 'photo.jpg' : 'document');
    sent =
      kind === 'image'
        ? await deps.actions.sendImage(to, input.file.bytes, { fileName })
        : await deps.actions.sendFile(to, input.file.bytes, { fileName });
    const media: MediaRef = {
      msgId: sent.msgId,
      mediaId: sent.mediaId ?? '',
      fileName,
      fileSize: input.file.bytes.length,
      md5: '',
      attachId: kind === 'file' ? (sent.mediaId ?? '') : '',
      encryFileName: '',
      aesKey: '',
    };
    fields =
      sent.kind === 'image' || (sent.kind !== 'file' && kind === 'image')
        ? { kind: 'image', media, width: 0, height: 0, cdnThumbUrl: '', cdnMidImgUrl: '' }
        : { kind: 'file', media, fileExt: '', appMsgType: 6, title: fileName };
  } else {
    if (isUrl(input.ref)) {
      throw badRequest(
        `sending a ${field} by URL is not supported by webwx: upload the file (multipart/form-data) or pass a file_id`,
      );
    }
    const entry = await deps.fileEntry(input.ref);
    sent = await resend(deps, entry, to, kind);
    const {
      raw: _raw,
      id: _id,
      chat: _chat,
      sender: _sender,
      isSelf: _self,
      createTime: _t,
      ...rest
    } = entry.message;
    fields = rest;
  }
  const tg = await finish(deps, sentMessage(deps, to, sent, fields), sent.localId, reply);
  if (caption !== undefined && caption.trim() !== '') {
    const text = reply ? quoteText(nameOf(reply, deps), describeMessage(reply.message), caption) : caption;
    const captionSent = await deps.actions.sendText(to, text);
    deps.queue.noteOwnSend(captionSent.msgId);
    tg.caption = caption;
  }
  return tg;
}

/**
 * The store log of sends (docs/sessions.md): what the outbox writes before a send goes out, what it
 * writes after the upload of a medium (its MediaId, so a re-send reuses it), and how a pending entry
 * is read back into a send after a restart. Entries keep the request's `Msg` as `raw` and the recipe,
 * the stable id of the recipient, the login it was queued in and the idempotency key in `fields`.
 */
import { hash } from 'node:crypto';
import {
  isMessageLogReader,
  type MessageStore,
  type NewStoredMessage,
  type StoredMessage,
} from '../../store/index.js';
import type { Session } from '../session/session-state.js';
import { buildRecipeRequest, type SendRecipe, textRecipe } from './send-recipes.js';

/** What the outbox keeps with a send besides its recipe. */
export interface SendMeta {
  /** The incoming MsgId it answers (SendOptions.causedBy). */
  causedBy?: string;
  /** The idempotency key (SendOptions.key, or causedBy#n). */
  key?: string;
  /** The recipient's stable id when it was queued ('' when it had none). */
  stableId: string;
}

/** A pending log entry read back: enough to queue the send again. */
export interface StoredSend {
  to: string;
  recipe: SendRecipe;
  meta: SendMeta;
  /** The login marker it was queued under ({@link loginMarker}; '' for entries of older versions). */
  login: string;
}

/**
 * The ClientMsgId of a keyed send: 17 digits like the official ones, derived from the key, so the
 * same key gives the same id in every process.
 */
export function keyedClientMsgId(key: string): string {
  const digits = BigInt(`0x${hash('sha256', key, 'hex').slice(0, 15)}`) % 10n ** 16n;
  return `1${digits.toString().padStart(16, '0')}`;
}

/**
 * A short, non-secret marker of the login (a hash of its sid): re-sends compare it to the current
 * one. {@link EARLIER_LOGIN} marks a send addressed to a UserName of an earlier login.
 */
export const EARLIER_LOGIN = 'earlier';

export function loginMarker(session: Session): string {
  return hash('sha256', `webwx-login\0${session.credentials.sid}`, 'hex').slice(0, 16);
}

/** The `Msg` a recipe's request carries (what `raw` keeps). */
function msgOf(
  session: Session,
  recipe: SendRecipe,
  to: string,
  clientMsgId: string,
): Record<string, unknown> {
  const spec = buildRecipeRequest(session.context(), recipe, {
    deviceId: session.deviceId,
    from: session.selfUserName,
    to,
    clientMsgId,
  });
  const body = spec.body as { kind: string; value?: { Msg?: Record<string, unknown> } } | undefined;
  return { ...(body?.value?.Msg ?? {}) };
}

/** The 'pending' log entry of a send, written before its first request. */
export function outgoingEntry(
  session: Session,
  nowMs: number,
  send: { to: string; recipe: SendRecipe; clientMsgId: string; meta: SendMeta },
  login: string,
): NewStoredMessage {
  const { to, recipe, clientMsgId, meta } = send;
  const text = recipe.build === 'text' ? (recipe.content ?? '') : '';
  const raw = msgOf(session, recipe, to, clientMsgId);
  if (recipe.upload) raw.FileName = recipe.upload.fileName;
  const fields: Record<string, unknown> = {
    kind: recipe.kind,
    to,
    send: recipe,
    stableId: meta.stableId,
    login,
  };
  if (recipe.build === 'text') fields.text = text;
  if (meta.causedBy !== undefined) fields.causedBy = meta.causedBy;
  if (meta.key !== undefined) fields.key = meta.key;
  return {
    direction: 'out',
    msgId: '',
    clientMsgId,
    chatUserName: to,
    senderUserName: session.selfUserName,
    kind: recipe.kind,
    createTime: Math.floor(nowMs / 1000),
    text,
    fields,
    raw,
    status: 'pending',
  };
}

/** The `raw` of an entry once its medium is uploaded: the Msg with its MediaId (and a file's XML). */
export function uploadedRaw(
  session: Session,
  send: { to: string; recipe: SendRecipe; clientMsgId: string },
): Record<string, unknown> {
  return msgOf(session, send.recipe, send.to, send.clientMsgId);
}

/**
 * A pending entry as a send to queue again, or undefined when it cannot be re-sent (not written by
 * the outbox, or a medium from bytes or a stream that was never uploaded: nothing to upload it from).
 */
export function storedSend(m: StoredMessage): StoredSend | undefined {
  const fields = (m.fields ?? {}) as Record<string, unknown>;
  const raw = (m.raw ?? {}) as Record<string, unknown>;
  const meta: SendMeta = { stableId: typeof fields.stableId === 'string' ? fields.stableId : '' };
  if (typeof fields.causedBy === 'string') meta.causedBy = fields.causedBy;
  if (typeof fields.key === 'string') meta.key = fields.key;
  const login = typeof fields.login === 'string' ? fields.login : '';
  const to = typeof raw.ToUserName === 'string' ? raw.ToUserName : m.chatUserName;
  const stored = fields.send as SendRecipe | undefined;
  if (stored && typeof stored === 'object' && typeof stored.build === 'string') {
    let recipe: SendRecipe = { ...stored };
    if (recipe.upload) {
      const mediaId = typeof raw.MediaId === 'string' ? raw.MediaId : '';
      if (mediaId) {
        // Uploaded before the crash: the send reuses the MediaId.
        const { upload: _uploaded, ...rest } = recipe;
        recipe = { ...rest, mediaId };
        if (typeof raw.Signature === 'string' && raw.Signature) recipe.signature = raw.Signature;
        if (recipe.build === 'app' && typeof raw.Content === 'string') recipe.content = raw.Content;
      } else if (!recipe.upload.path) {
        return undefined;
      }
    }
    return { to, recipe, meta, login };
  }
  // An entry of an older version: texts only (raw is the Msg).
  if (raw.Type !== 1 || typeof raw.Content !== 'string' || typeof raw.ToUserName !== 'string')
    return undefined;
  return { to: raw.ToUserName, recipe: textRecipe(raw.Content), meta, login };
}

/**
 * Writes a send's 'pending' entry. For a keyed send (a MessageLogReader store), the entry already
 * logged under its ClientMsgId is looked up first — before the write, and SqliteStore answers in call
 * order — so `earlier` tells whether an earlier run sent it already. `written` is the write itself.
 */
export function writeLog(
  store: MessageStore,
  entry: NewStoredMessage,
): { written: Promise<void>; earlier: Promise<StoredMessage | undefined> } {
  const fields = entry.fields as { key?: unknown };
  const reader = fields.key !== undefined && isMessageLogReader(store) ? store : undefined;
  const found = reader
    ?.seqOfOutgoing(entry.clientMsgId)
    .then((seq) => (seq === undefined ? undefined : reader.logEntry(seq)));
  const written = store.recordOutgoing(entry);
  return { written, earlier: Promise.all([found, written]).then(([e]) => e) };
}

/**
 * Every message kind as readable terminal text, and the sanitising that keeps hostile content
 * (control characters, escape sequences, bidi overrides, huge texts) from ever reaching the terminal
 * raw. Pure: the components only ever print what these functions return.
 */
import type { Message } from '../../model/index.js';

/** Longest body shown in the chat view, in UTF-16 units; the rest is summarised. */
export const MAX_BODY_CHARS = 2000;
/** Most lines of one message shown in the chat view. */
export const MAX_BODY_LINES = 20;

const CONTROL =
  // C0 except \n and \t, DEL, C1, bidi embeddings/overrides/isolates, and lone surrogates.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it removes
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/**
 * Text safe to print: control characters and escape sequences become visible `\xNN` escapes, tabs
 * become spaces, CRLF becomes a line break. Line breaks (\n) are kept.
 */
export function sanitize(text: string): string {
  return String(text).replace(/\r\n/g, '\n').replace(/\t/g, '    ').replace(CONTROL, escapeChar);
}

/** One line: sanitised, line breaks shown as ⏎, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 200): string {
  const flat = sanitize(text.length > max * 4 ? text.slice(0, max * 4) : text)
    .replace(/\n+/g, ' ⏎ ')
    .trim();
  return [...flat].length > max ? `${[...flat].slice(0, max - 1).join('')}…` : flat;
}

/** A body for the chat view: sanitised and limited in length and lines. */
export function limitBody(text: string): string {
  let body = text;
  let note = '';
  if (body.length > MAX_BODY_CHARS) {
    note = ` … (${body.length - MAX_BODY_CHARS} more characters)`;
    body = body.slice(0, MAX_BODY_CHARS);
  }
  let safe = sanitize(body);
  const lines = safe.split('\n');
  if (lines.length > MAX_BODY_LINES) {
    safe = lines.slice(0, MAX_BODY_LINES).join('\n');
    note = ` … (${lines.length - MAX_BODY_LINES} more lines)${note}`;
  }
  return safe + note;
}

/** Bytes as `512 B`, `3.4 KB`, `2.1 MB`, `1.2 GB` (binary units). */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Seconds as `3s`, `1m05s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

const join = (...parts: (string | undefined | false)[]): string => parts.filter((p) => p).join(', ');

/** Kinds with something to save or open (`s` / `o` in the chat view, /save and /open). */
export function hasMedia(message: Message): boolean {
  return (
    message.kind === 'image' ||
    message.kind === 'video' ||
    message.kind === 'voice' ||
    message.kind === 'file' ||
    message.kind === 'emoticon'
  );
}

/** Kinds that are events rather than things someone said (shown dimmed, centred in spirit). */
export function isEvent(message: Message): boolean {
  return message.kind === 'system' || message.kind === 'revoke' || message.kind === 'status-notify';
}

/** Whether the chat view shows the message at all (status notifications are bookkeeping). */
export function isShown(message: Message): boolean {
  return message.kind !== 'status-notify';
}

/**
 * The body of any message as readable text, unsanitised (callers pass it through `limitBody` or
 * `oneLine`): text as is, every other kind as a bracketed summary.
 */
export function describeMessage(message: Message): string {
  switch (message.kind) {
    case 'text':
      return message.text;
    case 'image': {
      const size = message.width > 0 && message.height > 0 ? `${message.width}×${message.height}` : '';
      return `[${join(`image${size ? ` ${size}` : ''}`, formatFileSize(message.media.fileSize) || undefined, 'press s to save')}]`;
    }
    case 'voice':
      return `[voice ${formatDuration(Math.max(1, message.voiceLength / 1000))}]`;
    case 'video':
      return `[${join(`${message.micro ? 'short video' : 'video'} ${formatDuration(message.playLength)}`, message.media.fileSize > 0 && formatFileSize(message.media.fileSize), 'press s to save')}]`;
    case 'emoticon':
      return message.isStore ? '[sticker from the store]' : '[sticker, press s to save]';
    case 'file':
      return `[file ${message.media.fileName || message.title || 'unnamed'}${message.media.fileSize > 0 ? ` ${formatFileSize(message.media.fileSize)}` : ''}, press s to save]`;
    case 'card': {
      const c = message.card;
      const where = [c.province, c.city].filter((x) => x).join(' ');
      return `[${c.isOfficial ? 'official account' : 'contact'} card: ${c.nickName || c.id || '?'}${c.alias ? ` (${c.alias})` : ''}${where ? `, ${where}` : ''}]`;
    }
    case 'location': {
      const l = message.location;
      const name = l.label || l.poiName || 'a place';
      const coords =
        l.latitude !== 0 || l.longitude !== 0 ? ` (${l.latitude.toFixed(5)}, ${l.longitude.toFixed(5)})` : '';
      return `[location: ${name}${coords}]`;
    }
    case 'link':
      if (message.roomInvitation) {
        return `[group invitation: ${message.roomInvitation.inviter || 'someone'} invites you to "${message.roomInvitation.topic}"]`;
      }
      return `[link: ${message.title || message.url || 'untitled'}${message.description ? ` — ${message.description}` : ''}]${message.url ? ` ${message.url}` : ''}`;
    case 'music':
      return `[music: ${message.title || 'untitled'}${message.description ? ` — ${message.description}` : ''}]`;
    case 'mini-program':
      return `[mini program: ${message.title || message.sourceDisplayName || 'untitled'}]`;
    case 'app':
      if (message.quoted) {
        return `${message.title}\n  ↪ ${message.quoted.displayName || '?'}: ${message.quoted.content}`;
      }
      return `[${message.appName ? `${message.appName}: ` : 'app: '}${message.title || message.description || `type ${message.appMsgType}`}]`;
    case 'red-packet':
      return `[red packet${message.title ? `: ${message.title}` : ''} — open it on the phone]`;
    case 'transfer':
      return `[transfer ${message.amountText || ''}${message.memo ? ` “${message.memo}”` : ''} — open it on the phone]`;
    case 'system':
      return message.text || '[system message]';
    case 'revoke':
      return message.replaceText || (message.isSelf ? 'You recalled a message' : 'A message was recalled');
    case 'friend-request':
      return `[friend request from ${message.contact.nickName || 'someone'}${message.greeting ? `: ${message.greeting}` : ''}]`;
    case 'status-notify':
      return '[status]';
    case 'voip': {
      // The call's medium (read loosely: the field's name is still settling in the model).
      const loose = message as unknown as { callType?: unknown; media?: unknown };
      const call = loose.callType ?? loose.media;
      return `[${call === 'video' ? 'video call' : call === 'audio' ? 'voice call' : 'call'} — answer it on the phone]`;
    }
    case 'unknown':
      return `[unsupported message: ${message.reason}]`;
    default:
      return `[${(message as { kind: string }).kind}]`;
  }
}

/** One segment of a rendered line: plain text, or a mention of the user (highlighted). */
export interface Segment {
  text: string;
  mention: boolean;
}

/**
 * Splits `text` so that `@name` for each of the user's names is its own highlighted segment. The
 * text must already be sanitised.
 */
export function highlightMentions(text: string, selfNames: readonly string[]): Segment[] {
  const names = [...new Set(selfNames.filter((n) => n.trim() !== ''))].sort((a, b) => b.length - a.length);
  if (names.length === 0) return [{ text, mention: false }];
  const segments: Segment[] = [];
  let rest = text;
  while (rest.length > 0) {
    let best = -1;
    let bestName = '';
    for (const name of names) {
      const at = rest.indexOf(`@${name}`);
      if (at >= 0 && (best < 0 || at < best)) {
        best = at;
        bestName = name;
      }
    }
    if (best < 0) break;
    if (best > 0) segments.push({ text: rest.slice(0, best), mention: false });
    segments.push({ text: `@${bestName}`, mention: true });
    rest = rest.slice(best + bestName.length + 1);
  }
  if (rest) segments.push({ text: rest, mention: false });
  return segments;
}

/** HH:MM for today, else MM-DD (for the chat list). */
export function formatListTime(unixSeconds: number, nowMs: number): string {
  if (!unixSeconds) return '';
  const d = new Date(unixSeconds * 1000);
  const now = new Date(nowMs);
  if (d.toDateString() === now.toDateString()) return formatClock(unixSeconds);
  return `${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function formatClock(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

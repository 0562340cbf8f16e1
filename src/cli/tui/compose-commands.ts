/**
 * What the compose box sends, parsed as a pure function: plain text (several lines allowed), or a
 * slash command for media and message actions. `//text` sends `/text` literally.
 */

export type MediaKind = 'image' | 'file' | 'emoticon' | 'video';

export type ComposeCommand =
  | { kind: 'text'; text: string }
  | { kind: 'send-media'; media: MediaKind; path: string }
  | { kind: 'revoke' }
  | { kind: 'forward'; to: string }
  | { kind: 'save'; dir: string | undefined }
  | { kind: 'open' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'empty' }
  | { kind: 'invalid'; reason: string };

export const COMPOSE_COMMANDS: readonly { usage: string; what: string }[] = [
  { usage: '/image PATH', what: 'send an image' },
  { usage: '/file PATH', what: 'send a file' },
  { usage: '/emoticon PATH', what: 'send a sticker' },
  { usage: '/video PATH', what: 'send a video' },
  { usage: '/revoke', what: 'recall your last' },
  { usage: '/forward NAME', what: 'forward selected/last' },
  { usage: '/save [DIR]', what: 'save selected/last' },
  { usage: '/open', what: 'save and open it' },
  { usage: '/help', what: 'this help' },
  { usage: '/quit', what: 'log out and quit' },
  { usage: '//TEXT', what: 'send "/TEXT"' },
];

/** A path as typed: surrounding quotes removed, `~/` expanded against `home`. */
export function unquotePath(raw: string, home?: string): string {
  let path = raw.trim();
  if (
    path.length >= 2 &&
    ((path[0] === '"' && path.endsWith('"')) || (path[0] === "'" && path.endsWith("'")))
  ) {
    path = path.slice(1, -1);
  }
  if (home && (path === '~' || path.startsWith('~/'))) path = home + path.slice(1);
  return path;
}

const MEDIA: Record<string, MediaKind> = {
  image: 'image',
  img: 'image',
  file: 'file',
  emoticon: 'emoticon',
  sticker: 'emoticon',
  video: 'video',
};

export function parseCompose(input: string, options: { home?: string } = {}): ComposeCommand {
  const text = input.replace(/\r\n?/g, '\n');
  if (text.trim() === '') return { kind: 'empty' };
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return { kind: 'text', text };
  if (trimmed.startsWith('//')) return { kind: 'text', text: trimmed.slice(1) };

  const match = /^\/([a-z]+)(?:\s+([\s\S]*))?$/i.exec(trimmed);
  if (!match) return { kind: 'invalid', reason: `unknown command ${trimmed.split(/\s/)[0]} (try /help)` };
  const name = match[1]!.toLowerCase();
  const arg = (match[2] ?? '').trim();
  const media = MEDIA[name];
  if (media) {
    if (arg === '')
      return { kind: 'invalid', reason: `/${name}: expected a PATH, e.g. /${name} ~/photo.jpg` };
    return { kind: 'send-media', media, path: unquotePath(arg, options.home) };
  }
  switch (name) {
    case 'revoke':
    case 'recall':
      return { kind: 'revoke' };
    case 'forward':
    case 'fwd':
      if (arg === '') return { kind: 'invalid', reason: '/forward: expected the NAME of a contact or group' };
      return { kind: 'forward', to: arg };
    case 'save':
      return { kind: 'save', dir: arg === '' ? undefined : unquotePath(arg, options.home) };
    case 'open':
      return { kind: 'open' };
    case 'help':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      return { kind: 'invalid', reason: `unknown command /${name} (try /help)` };
  }
}

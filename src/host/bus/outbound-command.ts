/**
 * Outbound commands (docs/scale.md): what a bot process asks an account to send, through the account's
 * stream `webwx:{account}:out`, to whichever worker holds its lease. The command's `id` is the send's
 * idempotency key (SendOptions.key), so a command delivered twice is sent once.
 */
import { BusError } from './bus-errors.js';
import { type RedisConnection, redisError, streamsOf } from './redis-connection.js';

/** What to send: a text, an image or a file (base64), or a link card. */
export type OutboundCommand =
  | (OutboundBase<'text'> & { text: string })
  | (OutboundBase<'image' | 'file'> & { data: string; fileName?: string })
  | (OutboundBase<'link'> & {
      link: { title: string; description?: string; url: string; thumbUrl?: string };
    });

/** The fields every outbound command has. */
export interface OutboundBase<T extends string> {
  /** The command's id: the send's idempotency key. 1–200 characters; make it unique per send (a UUID, `<MsgId>#0`). */
  id: string;
  type: T;
  /** The recipient: a UserName, a stable id, or an exact name (as the HTTP API's `to`). */
  to: string;
  /** The incoming MsgId this send answers (SendOptions.causedBy), kept in the message log. */
  causedBy?: string;
}

/** What a worker did with a command, on `webwx:{account}:results`. */
export interface CommandResult {
  id: string;
  ok: boolean;
  /** The server's MsgID of the send. */
  msgId?: string;
  /** Why it failed (redacted). */
  error?: string;
}

const MAX_TEXT = 20_000;
/** Largest base64 payload of an image or file command (20 MB of data). */
const MAX_DATA = Math.ceil((20 * 1024 * 1024 * 4) / 3);

function str(o: Record<string, unknown>, field: string, max: number, optional = false): string | undefined {
  const v = o[field];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v === '' || v.length > max) {
    throw new BusError('invalid-command', `"${field}" must be a string of 1 to ${max} characters`);
  }
  return v;
}

/** Checks a command (BusError 'invalid-command' naming the field); returns it with only known fields. */
export function parseCommand(input: unknown): OutboundCommand {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BusError('invalid-command', 'a command is a JSON object');
  }
  const o = input as Record<string, unknown>;
  const base = {
    id: str(o, 'id', 200) as string,
    to: str(o, 'to', 200) as string,
    ...(o.causedBy !== undefined ? { causedBy: str(o, 'causedBy', 40) as string } : {}),
  };
  switch (o.type) {
    case 'text':
      return { ...base, type: 'text', text: str(o, 'text', MAX_TEXT) as string };
    case 'image':
    case 'file': {
      const fileName = str(o, 'fileName', 255, o.type === 'image');
      if (fileName !== undefined && /[/\\\0]/.test(fileName)) {
        throw new BusError('invalid-command', '"fileName" must be a bare file name');
      }
      const data = str(o, 'data', MAX_DATA) as string;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data))
        throw new BusError('invalid-command', '"data" must be base64');
      return { ...base, type: o.type, data, ...(fileName !== undefined ? { fileName } : {}) };
    }
    case 'link': {
      const link = o.link as Record<string, unknown> | undefined;
      if (typeof link !== 'object' || link === null)
        throw new BusError('invalid-command', '"link" must be an object');
      const description = str(link, 'description', 1_000, true);
      const thumbUrl = str(link, 'thumbUrl', 2_000, true);
      return {
        ...base,
        type: 'link',
        link: {
          title: str(link, 'title', 500) as string,
          url: str(link, 'url', 2_000) as string,
          ...(description !== undefined ? { description } : {}),
          ...(thumbUrl !== undefined ? { thumbUrl } : {}),
        },
      };
    }
    default:
      throw new BusError('invalid-command', '"type" must be text, image, file or link');
  }
}

/**
 * Puts a command on `account`'s outbound stream for the lease holder; resolves with the entry's id.
 * Sending the same command again (same `id`) is safe: the holder sends it once.
 */
export async function publishCommand(
  redis: RedisConnection,
  account: string,
  command: OutboundCommand,
  options: { prefix?: string; maxLength?: number } = {},
): Promise<string> {
  const checked = parseCommand(command);
  try {
    return String(
      await redis.call(
        'XADD',
        streamsOf(account, options.prefix).outbound,
        'MAXLEN',
        '~',
        String(options.maxLength ?? 100_000),
        '*',
        'id',
        checked.id,
        'command',
        JSON.stringify(checked),
      ),
    );
  } catch (error) {
    throw redisError('XADD', error);
  }
}

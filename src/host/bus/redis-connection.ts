/**
 * What the bus needs of a Redis client, in its own small type (the public declarations never name
 * `ioredis`, an optional dependency), the lazy loader, and the stream keys (docs/scale.md).
 */
import { BusError } from './bus-errors.js';

/** A Redis connection as the bus uses it: raw commands, and closing. An ioredis `Redis` fits. */
export interface RedisConnection {
  /** Sends one command (`call('XADD', key, '*', 'event', json)`) and resolves with Redis's reply. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** Closes after the commands sent so far were answered. */
  quit(): Promise<unknown>;
  /** Closes at once (a blocked XREADGROUP is cut short). */
  disconnect(): void;
}

/** How to load ioredis (tests pass one that fails). */
export type RedisImporter = () => Promise<unknown>;

type RedisConstructor = new (
  url: string,
  options: Record<string, unknown>,
) => RedisConnection & {
  connect(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
};

/** The connection string without its password, for messages. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${u.username}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'redis (URL not shown)';
  }
}

/**
 * A connection to the Redis at `url` (`redis://[:password@]host:port[/db]`), connected. ioredis is
 * loaded here, on first use: BusError 'unavailable' says how to install it when it is missing, or
 * that Redis cannot be reached (without the password). The connection reconnects by itself after
 * that; `onError` hears what it reports meanwhile.
 */
export async function openRedis(
  url: string,
  options: { importer?: RedisImporter; onError?: (error: Error) => void; name?: string } = {},
): Promise<RedisConnection> {
  let mod: unknown;
  try {
    mod = await (options.importer ?? (() => import('ioredis')))();
  } catch (cause) {
    const code = (cause as { code?: unknown })?.code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    throw new BusError(
      'unavailable',
      missing
        ? 'the Redis bus needs the optional dependency ioredis: run `npm install ioredis`'
        : 'the ioredis driver could not be loaded',
      { cause },
    );
  }
  const m = mod as { Redis?: unknown; default?: { Redis?: unknown } | unknown };
  const Redis = (m.Redis ?? (m.default as { Redis?: unknown })?.Redis ?? m.default) as RedisConstructor;
  if (typeof Redis !== 'function') throw new BusError('unavailable', 'the ioredis module has no Redis class');
  const where = describeRedisUrl(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    ...(options.name ? { connectionName: options.name } : {}),
  });
  redis.on('error', (error) => options.onError?.(error));
  try {
    await redis.connect();
  } catch (cause) {
    redis.disconnect();
    throw new BusError('unavailable', `cannot reach Redis at ${where}`, { cause });
  }
  return redis;
}

/** The stream keys of an account, under an optional key prefix (several installations on one Redis). */
export interface AccountStreams {
  /** Inbound events: the message JSON of every incoming message (`webwx:{account}:in`). */
  inbound: string;
  /** Outbound commands for the lease holder (`webwx:{account}:out`). */
  outbound: string;
  /** What became of each outbound command (`webwx:{account}:results`). */
  results: string;
}

/** The keys of `account`'s streams. */
export function streamsOf(account: string, prefix = ''): AccountStreams {
  const base = `${prefix}webwx:{${account}}`;
  return { inbound: `${base}:in`, outbound: `${base}:out`, results: `${base}:results` };
}

/** The set of accounts workers publish for (consumers that follow every account read it). */
export function accountsKey(prefix = ''): string {
  return `${prefix}webwx:accounts`;
}

/** Consumer-group entries as XREADGROUP and XAUTOCLAIM answer them: [id, [field, value, …]]. */
export type StreamEntry = [id: string, fields: string[]];

/** The value of `field` in an entry's flat field list. */
export function fieldOf(fields: readonly string[], field: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === field) return fields[i + 1];
  return undefined;
}

/** Creates a consumer group on `stream` from its start (the stream too); an existing group is fine. */
export async function ensureGroup(redis: RedisConnection, stream: string, group: string): Promise<void> {
  try {
    await redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('BUSYGROUP')) throw redisError('XGROUP CREATE', error);
  }
}

/** A failed Redis command as a BusError 'redis' (Redis's reply text is kept: it holds no secret). */
export function redisError(what: string, error: unknown): BusError {
  if (error instanceof BusError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new BusError('redis', `${what} failed: ${detail}`, { cause: error });
}

/** Entries of an XREADGROUP answer, by stream key ([] for a timeout). */
export function entriesByStream(reply: unknown): Map<string, StreamEntry[]> {
  const out = new Map<string, StreamEntry[]>();
  if (!Array.isArray(reply)) return out;
  for (const item of reply) {
    if (!Array.isArray(item)) continue;
    const [key, entries] = item as [string, StreamEntry[] | null];
    out.set(
      String(key),
      (entries ?? []).filter((e) => Array.isArray(e) && Array.isArray(e[1])),
    );
  }
  return out;
}

/**
 * Claims the entries of `stream` that other consumers of `group` left pending for `minIdleMs` or more
 * (a consumer that died): XAUTOCLAIM, page by page, at most `max` entries.
 */
export async function claimStale(
  redis: RedisConnection,
  stream: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  max = 1_000,
): Promise<StreamEntry[]> {
  const claimed: StreamEntry[] = [];
  let cursor = '0-0';
  do {
    let reply: unknown;
    try {
      reply = await redis.call('XAUTOCLAIM', stream, group, consumer, minIdleMs, cursor, 'COUNT', 100);
    } catch (error) {
      if (String((error as Error)?.message).startsWith('NOGROUP')) return claimed;
      throw redisError('XAUTOCLAIM', error);
    }
    const [next, entries] = reply as [string, (StreamEntry | null)[]];
    cursor = String(next);
    for (const e of entries ?? []) if (Array.isArray(e) && Array.isArray(e[1])) claimed.push(e);
  } while (cursor !== '0-0' && claimed.length < max);
  return claimed;
}

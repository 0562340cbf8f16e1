/**
 * The worker's side of outbound commands (docs/scale.md): for every account it holds and whose client
 * is ready, the worker reads `webwx:{account}:out` in the group `webwx-workers` and hands each command
 * to the account's outbox with the command's id as the idempotency key (SendOptions.key): a command
 * read twice (re-claimed after a worker died, or published twice) is sent once. It is acknowledged
 * once the send settled; what became of it goes to `webwx:{account}:results`. When a worker takes an
 * account over, it first claims the commands the previous holder left unacknowledged, and it claims
 * again, now and then, any command of its accounts left unacknowledged for `claimIdleMs`.
 */
import { resolveRecipient } from '../../bot/http-api/api-client.js';
import type { WebWxClient } from '../../client/index.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { redact } from '../../redact.js';
import { BusError } from './bus-errors.js';
import { type CommandResult, type OutboundCommand, parseCommand } from './outbound-command.js';
import {
  claimStale,
  ensureGroup,
  entriesByStream,
  fieldOf,
  type RedisConnection,
  redisError,
  type StreamEntry,
  streamsOf,
} from './redis-connection.js';

/** The consumer group of the workers on every outbound stream. */
export const WORKER_GROUP = 'webwx-workers';

/** An account the worker holds, as the runner sees it. */
export interface OutboundTarget {
  account: string;
  /** The account's client (ready). */
  client: WebWxClient;
  /** True while the worker still holds the account's lease (the fencing check before sending). */
  fence(): Promise<boolean>;
}

/** Options of an {@link OutboundRunner}. */
export interface OutboundRunnerOptions {
  /** For XREADGROUP (blocking): a connection of its own. */
  redis: RedisConnection;
  /** For acknowledgements and results, which must not wait behind a blocked read. */
  commands: RedisConnection;
  /** The consumer's name: the worker's id. */
  workerId: string;
  /** The accounts to serve now: held and ready. */
  targets: () => readonly OutboundTarget[];
  prefix?: string;
  /** How long an XREADGROUP waits (ms, default 1000). */
  blockMs?: number;
  /**
   * Commands of a held account nobody acknowledged for this long are claimed again (ms, default
   * 10000): those a worker read just as it lost the account, after its successor had joined.
   */
  claimIdleMs?: number;
  logger?: Logger;
}

/** Reads outbound commands into the accounts' outboxes (see the file's header). */
export class OutboundRunner {
  readonly #o: OutboundRunnerOptions;
  readonly #logger: Logger;
  /** Streams whose group exists and whose left-over commands were claimed, by account. */
  readonly #joined = new Map<string, WebWxClient>();
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;
  #sent = 0;
  #lastClaim = 0;

  constructor(options: OutboundRunnerOptions) {
    this.#o = options;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'bus-out' });
  }

  /** Commands whose send settled (sent or failed for good) and were acknowledged. */
  get settled(): number {
    return this.#sent;
  }

  /** Reads and sends until close(); Redis failures are logged and retried after a pause. */
  async run(): Promise<void> {
    while (!this.#closed) {
      try {
        await this.#round();
      } catch (error) {
        if (this.#closed) break;
        this.#logger.warn(
          { error: redact(String((error as Error)?.message ?? error)) },
          'outbound read failed',
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Stops reading (disconnect the blocking connection to cut a blocked read short). */
  close(): void {
    this.#closed = true;
  }

  async #round(): Promise<void> {
    const { redis, workerId, prefix } = this.#o;
    const targets = new Map(this.#o.targets().map((t) => [streamsOf(t.account, prefix).outbound, t]));
    for (const [stream, target] of [...this.#joined].map(
      ([s, c]) => [s, targets.get(s)?.client === c ? targets.get(s) : undefined] as const,
    )) {
      if (!target) this.#joined.delete(stream); // lost, stopped or a new client: join again when back
    }
    if (targets.size === 0) {
      await new Promise((r) => setTimeout(r, this.#o.blockMs ?? 1_000));
      return;
    }
    for (const [stream, target] of targets) {
      if (this.#joined.has(stream)) continue;
      await ensureGroup(this.#o.commands, stream, WORKER_GROUP);
      // What the previous holder (or this worker, before) read and never acknowledged.
      const left = await claimStale(this.#o.commands, stream, WORKER_GROUP, workerId, 0);
      this.#joined.set(stream, target.client);
      if (left.length > 0) {
        this.#logger.info({ account: target.account, commands: left.length }, 'claimed left-over commands');
        await this.#dispatch(target, stream, left);
      }
    }
    const claimIdleMs = this.#o.claimIdleMs ?? 10_000;
    if (Date.now() - this.#lastClaim >= claimIdleMs / 2) {
      this.#lastClaim = Date.now();
      for (const [stream, target] of targets) {
        // A re-claimed command this worker still sends joins that send (same key): never sent twice.
        const stale = await claimStale(this.#o.commands, stream, WORKER_GROUP, workerId, claimIdleMs);
        if (stale.length > 0) await this.#dispatch(target, stream, stale);
      }
    }
    const streams = [...targets.keys()];
    let reply: unknown;
    try {
      reply = await redis.call(
        'XREADGROUP',
        'GROUP',
        WORKER_GROUP,
        workerId,
        'COUNT',
        100,
        'BLOCK',
        this.#o.blockMs ?? 1_000,
        'STREAMS',
        ...streams,
        ...streams.map(() => '>'),
      );
    } catch (error) {
      if (String((error as Error)?.message).startsWith('NOGROUP')) this.#joined.clear();
      throw redisError('XREADGROUP', error);
    }
    for (const [stream, entries] of entriesByStream(reply)) {
      const target = targets.get(stream);
      if (target && entries.length > 0) await this.#dispatch(target, stream, entries);
    }
  }

  /** Hands the entries to the outbox in order (sends start synchronously, in stream order). */
  async #dispatch(target: OutboundTarget, stream: string, entries: StreamEntry[]): Promise<void> {
    if (!(await target.fence())) {
      this.#logger.warn({ account: target.account }, 'lease lost: commands left for the next holder');
      return;
    }
    for (const [entryId, fields] of entries) {
      const run = this.#send(target, stream, entryId, fields).finally(() => this.#inFlight.delete(run));
      this.#inFlight.add(run);
    }
  }

  async #send(target: OutboundTarget, stream: string, entryId: string, fields: string[]): Promise<void> {
    const { commands } = this.#o;
    const results = streamsOf(target.account, this.#o.prefix).results;
    let command: OutboundCommand | undefined;
    let result: CommandResult;
    try {
      command = parseCommand(JSON.parse(fieldOf(fields, 'command') ?? 'null'));
      const msgId = await sendCommand(target.client, command);
      result = { id: command.id, ok: true, ...(msgId ? { msgId } : {}) };
    } catch (error) {
      if (target.client.state !== 'ready' || !(await target.fence().catch(() => false))) {
        // Stopped, logged out or lease lost: not this command's fault; the next holder sends it.
        return;
      }
      const id = command?.id ?? fieldOf(fields, 'id') ?? '';
      result = { id, ok: false, error: redact(String((error as Error)?.message ?? error)).slice(0, 500) };
      this.#logger.warn({ account: target.account, command: id, error: result.error }, 'command failed');
    }
    try {
      await commands.call('XADD', results, 'MAXLEN', '~', '100000', '*', 'result', JSON.stringify(result));
      await commands.call('XACK', stream, WORKER_GROUP, entryId);
      this.#sent++;
    } catch (error) {
      // Left pending: claimed again by the next holder, and sent once thanks to the key.
      this.#logger.warn({ account: target.account, error: redact(String(error)) }, 'acknowledging failed');
    }
  }
}

/** Sends a command through the account's outbox with its id as the key; the server's MsgID. */
async function sendCommand(client: WebWxClient, command: OutboundCommand): Promise<string | undefined> {
  const to = resolveRecipient(client, command.to);
  const options = { key: command.id, ...(command.causedBy ? { causedBy: command.causedBy } : {}) };
  switch (command.type) {
    case 'text':
      return (await client.sendText(to, command.text, options)).msgId;
    case 'image':
    case 'file': {
      const data = Buffer.from(command.data, 'base64');
      const fileName = command.fileName ?? (command.type === 'image' ? 'image.jpg' : 'file');
      const sent =
        command.type === 'image'
          ? await client.sendImage(to, data, { ...options, fileName })
          : await client.sendFile(to, data, { ...options, fileName });
      return (sent as { msgId?: string }).msgId;
    }
    case 'link':
      return ((await client.sendLink(to, command.link, options)) as { msgId?: string }).msgId;
    default:
      throw new BusError('invalid-command', 'unknown command type');
  }
}

/**
 * Server-sent events: every connected client gets each incoming message as `event: message`.
 * Bounded: at most `maxClients` streams; a client that does not read (more than `maxBufferedBytes`
 * waiting) is dropped. A comment line every `heartbeatMs` keeps proxies from closing idle streams.
 * A stream can start in catch-up mode (a `Last-Event-ID` replay, written by the caller) and join the
 * live events with `goLive()`.
 */
import type { ServerResponse } from 'node:http';

export interface SseHubOptions {
  maxClients?: number;
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

/** One event stream, as the hub hands it out. */
export interface SseStream {
  /** Writes one event to this stream alone (a replay); false once the stream is gone. */
  send(event: string, data: unknown, id?: string): boolean;
  /** Resolves when the stream's buffer has room again (or it is gone). */
  drained(): Promise<void>;
  /** From now on the stream gets the hub's events too. */
  goLive(): void;
  /** The stream was closed or dropped. */
  readonly closed: boolean;
}

interface Client {
  res: ServerResponse;
  live: boolean;
}

function eventText(event: string, data: unknown, id?: string): string {
  const lines = [`event: ${event}`, ...(id ? [`id: ${id.replace(/[\r\n]/g, '')}`] : [])];
  // JSON.stringify never emits a raw newline, so the data is one line.
  return `${lines.join('\n')}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class SseHub {
  readonly #clients = new Set<Client>();
  readonly #maxClients: number;
  readonly #maxBuffered: number;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(options: SseHubOptions = {}) {
    this.#maxClients = options.maxClients ?? 100;
    this.#maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    this.#heartbeat = setInterval(() => this.#write(': ping\n\n', true), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  /**
   * Takes over the response as an event stream, live at once unless `live` is false (then the
   * caller replays, and calls goLive()); undefined when the hub is full.
   */
  add(res: ServerResponse, live = true): SseStream | undefined {
    if (this.#clients.size >= this.#maxClients) return undefined;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const client: Client = { res, live };
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
    const gone = () => !this.#clients.has(client) || res.destroyed;
    return {
      send: (event, data, id) => {
        if (gone()) return false;
        res.write(eventText(event, data, id));
        return true;
      },
      drained: async () => {
        if (gone() || res.writableLength <= this.#maxBuffered) return;
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      },
      goLive: () => {
        client.live = true;
      },
      get closed() {
        return gone();
      },
    };
  }

  /** Sends one event to every live client. */
  send(event: string, data: unknown, id?: string): void {
    this.#write(eventText(event, data, id), false);
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const { res } of this.#clients) res.end();
    this.#clients.clear();
  }

  #write(chunk: string, everyone: boolean): void {
    for (const client of this.#clients) {
      if (!client.live && !everyone) continue;
      const res = client.res;
      if (res.writableLength > this.#maxBuffered) {
        res.destroy();
        this.#clients.delete(client);
        continue;
      }
      res.write(chunk);
    }
  }
}

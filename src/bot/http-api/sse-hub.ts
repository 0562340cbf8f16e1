/**
 * Server-sent events: every connected client gets each incoming message as `event: message`.
 * Bounded: at most `maxClients` streams; a client that does not read (more than `maxBufferedBytes`
 * waiting) is dropped. A comment line every `heartbeatMs` keeps proxies from closing idle streams.
 */
import type { ServerResponse } from 'node:http';

export interface SseHubOptions {
  maxClients?: number;
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

export class SseHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #maxClients: number;
  readonly #maxBuffered: number;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(options: SseHubOptions = {}) {
    this.#maxClients = options.maxClients ?? 100;
    this.#maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    this.#heartbeat = setInterval(() => this.#write(': ping\n\n'), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Takes over the response as an event stream; false when the hub is full. */
  add(res: ServerResponse): boolean {
    if (this.#clients.size >= this.#maxClients) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
    return true;
  }

  /** Sends one event to every client. */
  send(event: string, data: unknown, id?: string): void {
    const lines = [`event: ${event}`, ...(id ? [`id: ${id.replace(/[\r\n]/g, '')}`] : [])];
    // JSON.stringify never emits a raw newline, so the data is one line.
    this.#write(`${lines.join('\n')}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #write(chunk: string): void {
    for (const res of this.#clients) {
      if (res.writableLength > this.#maxBuffered) {
        res.destroy();
        this.#clients.delete(res);
        continue;
      }
      res.write(chunk);
    }
  }
}

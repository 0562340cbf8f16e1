/** Reads a server-sent event stream over node:http for tests: events as { event, data } in order. */
import { request } from 'node:http';

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseReader {
  /** The next event matching `predicate` (earlier unmatched ones are skipped), or a rejection after `timeoutMs`. */
  next(predicate?: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Every event seen so far. */
  readonly seen: SseEvent[];
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

export function openSse(url: string, token: string): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`SSE ${url}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      const seen: SseEvent[] = [];
      let cursor = 0;
      let buffer = '';
      const waiters = new Set<() => void>();
      let endResolve: () => void = () => {};
      const ended = new Promise<void>((r) => {
        endResolve = r;
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) seen.push({ event, data: JSON.parse(data) });
          at = buffer.indexOf('\n\n');
        }
        for (const w of waiters) w();
      });
      res.on('end', () => {
        endResolve();
        for (const w of waiters) w();
      });
      res.on('close', () => endResolve());
      resolve({
        seen,
        ended,
        close: () => req.destroy(),
        next(predicate = () => true, timeoutMs = 15_000) {
          return new Promise<SseEvent>((ok, fail) => {
            const look = (): boolean => {
              while (cursor < seen.length) {
                const e = seen[cursor++] as SseEvent;
                if (predicate(e)) {
                  ok(e);
                  return true;
                }
              }
              return false;
            };
            if (look()) return;
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no matching SSE event within ${timeoutMs} ms (seen: ${JSON.stringify(seen)})`));
            }, timeoutMs);
            const check = (): void => {
              if (look()) {
                clearTimeout(timer);
                waiters.delete(check);
              }
            };
            waiters.add(check);
          });
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** `ordered: true` sends: one pipelined connection per origin, arrival in call order (issue #10). */
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/errors.js';
import { type Handler, transportHarness } from './test-server.js';

const { setup } = transportHarness();

function post(url: string, id: number) {
  return {
    endpoint: 'webwxsendmsg',
    method: 'POST' as const,
    url,
    body: { kind: 'json' as const, value: { id } },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('ordered sends', () => {
  it('200 concurrent ordered POSTs arrive in call order over one connection, several in flight', async () => {
    const arrived: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const { srv, http } = await setup(async (_req, res, body) => {
      const { id } = JSON.parse(body) as { id: number };
      arrived.push(id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(Math.random() * 3);
      inFlight--;
      res.end(JSON.stringify({ id }));
    });
    const url = `${srv.origin}/cgi-bin/mmwebwx-bin/webwxsendmsg?pass_ticket=x`;
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, id) => http.send(post(url, id), { ordered: true })),
    );
    expect(replies.map((r) => (JSON.parse(r.text) as { id: number }).id)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
    expect(arrived).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(srv.sockets).toHaveLength(1);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(8);
  });

  it('keeps orderedPipelining requests at most in flight; 1 sends them one by one', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const handler: Handler = async (_req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(2);
      inFlight--;
      res.end('ok');
    };
    for (const pipelining of [3, 1]) {
      maxInFlight = 0;
      const { srv, http } = await setup(handler, { orderedPipelining: pipelining });
      await Promise.all(
        Array.from({ length: 30 }, (_, id) => http.send(post(`${srv.origin}/`, id), { ordered: true })),
      );
      expect(maxInFlight, String(pipelining)).toBeLessThanOrEqual(pipelining);
      if (pipelining > 1) expect(maxInFlight).toBeGreaterThan(1);
    }
  });

  it('interceptors see every request, pooled and ordered, and the ordered ones stay pipelined and in order', async () => {
    const arrived: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const handler: Handler = async (_req, res, body) => {
      arrived.push((JSON.parse(body) as { id: number }).id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(2);
      inFlight--;
      res.end('ok');
    };
    const seen: string[] = [];
    let refuse = false;
    const { srv, http } = await setup(handler, {
      interceptors: [
        (dispatch) => (opts, h) => {
          seen.push(String(opts.path));
          if (!refuse) return dispatch(opts, h);
          queueMicrotask(() => h.onResponseError?.(undefined as never, new Error('refused here')));
          return true;
        },
      ],
    });
    await Promise.all(
      Array.from({ length: 30 }, (_, id) => http.send(post(`${srv.origin}/o${id}`, id), { ordered: true })),
    );
    await http.send(post(`${srv.origin}/pooled`, 99));
    expect(arrived).toEqual([...Array.from({ length: 30 }, (_, i) => i), 99]);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(seen).toEqual([...Array.from({ length: 30 }, (_, i) => `/o${i}`), '/pooled']);
    refuse = true;
    await expect(http.send(post(`${srv.origin}/o`, 100), { ordered: true })).rejects.toThrow(/refused here/);
    await expect(http.send(post(`${srv.origin}/pooled`, 101))).rejects.toThrow(/refused here/);
    expect(arrived).not.toContain(100);
    expect(arrived).not.toContain(101);
  });

  it('a connection reset mid-pipeline gives TransportErrors, not hangs, and the origin recovers', async () => {
    let reset = false;
    const { srv, http } = await setup(async (req, res, body) => {
      const { id } = JSON.parse(body || '{"id":-1}') as { id: number };
      if (id === 20 && !reset) {
        reset = true;
        req.socket.destroy();
        return;
      }
      await sleep(Math.random() * 3);
      res.end(String(id));
    });
    const results = await Promise.race([
      Promise.allSettled(
        Array.from({ length: 40 }, (_, id) =>
          http.send({ ...post(`${srv.origin}/`, id), timeoutMs: 10_000 }, { ordered: true }),
        ),
      ),
      sleep(8_000).then(() => 'hung' as const),
    ]);
    expect(results).not.toBe('hung');
    const settled = results as PromiseSettledResult<unknown>[];
    const rejected = settled.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(TransportError);
    expect(srv.sockets.length).toBeGreaterThan(1);
    expect((await http.send(post(`${srv.origin}/`, 99), { ordered: true })).text).toBe('99');
  });

  it('a timeout of one ordered send resends those behind it, which then succeed', async () => {
    const arrived: number[] = [];
    const { srv, http } = await setup(async (_req, res, body) => {
      const { id } = JSON.parse(body) as { id: number };
      arrived.push(id);
      if (id === 3) return; // never answered
      await sleep(Math.random() * 3);
      res.end(String(id));
    });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, id) =>
        http.send({ ...post(`${srv.origin}/`, id), timeoutMs: id === 3 ? 200 : 10_000 }, { ordered: true }),
      ),
    );
    results.forEach((r, id) => {
      if (id === 3) {
        expect(r.status).toBe('rejected');
        expect(((r as PromiseRejectedResult).reason as TransportError).timedOut).toBe(true);
      } else {
        expect((r as PromiseFulfilledResult<{ text: string }>).value.text).toBe(String(id));
      }
    });
    // Those written behind 3 on the first connection arrive again, in order, on a new one.
    expect(arrived.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(arrived.slice(-6)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(srv.sockets.length).toBeGreaterThan(1);
  });

  it('a server that resets every connection fails each ordered send, never hangs', async () => {
    const { srv, http } = await setup((req) => {
      req.socket.destroy();
    });
    const results = await Promise.race([
      Promise.allSettled(
        Array.from({ length: 10 }, (_, id) => http.send(post(`${srv.origin}/`, id), { ordered: true })),
      ),
      sleep(8_000).then(() => 'hung' as const),
    ]);
    expect(results).not.toBe('hung');
    for (const r of results as PromiseSettledResult<unknown>[]) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TransportError);
    }
  });

  it('ordered and unordered sends to one origin, timeouts and aborts work as for unordered ones', async () => {
    const { srv, http } = await setup((req, res) => {
      if (req.url === '/slow') return;
      res.end('ok');
    });
    const timedOut = await http
      .send({ ...post(`${srv.origin}/slow`, 1), timeoutMs: 100 }, { ordered: true })
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(TransportError);
    expect((timedOut as TransportError).timedOut).toBe(true);
    const controller = new AbortController();
    const aborted = http.send(post(`${srv.origin}/slow`, 2), { ordered: true, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(((await aborted.catch((e: unknown) => e)) as Error).name).toBe('AbortError');
    expect((await http.send(post(`${srv.origin}/`, 3), { ordered: true })).text).toBe('ok');
    expect((await http.send(post(`${srv.origin}/`, 4))).text).toBe('ok');
  });

  it('close() closes the ordered connections too', async () => {
    const { srv, http } = await setup((_req, res) => void res.end('ok'));
    await http.send(post(`${srv.origin}/`, 1), { ordered: true });
    expect(srv.sockets).toHaveLength(1);
    const closed = srv.socketClosed(0);
    await http.close();
    await closed;
    const err = await http.send(post(`${srv.origin}/`, 2), { ordered: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
  });
});

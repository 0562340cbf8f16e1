/** The per-request hot path of the transport (issue #10): abort wiring, logging, body decoding. */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { createHttpTransport } from '../../src/transport/index.js';
import { recordingLogger } from '../recording-logger.js';
import { get, type Handler, transportHarness } from './test-server.js';

const { setup, track } = transportHarness();

describe('abort wiring', () => {
  it('aborting one caller signal rejects 25 concurrent sends of two transports with its reason, with no listener warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      let arrived = 0;
      const { srv, http } = await setup(() => {
        arrived++; // never answers
      });
      const other = createHttpTransport();
      track(other);
      const controller = new AbortController();
      const sends = Array.from({ length: 25 }, (_, i) =>
        (i % 2 ? other : http).send(get(`${srv.origin}/hang/${i}`), { signal: controller.signal }),
      );
      const settled = Promise.allSettled(sends);
      while (arrived < 25) await new Promise((r) => setTimeout(r, 10));
      // One listener per transport, not one per request.
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(2);
      const reason = new Error('stop everything');
      controller.abort(reason);
      const results = await settled;
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBe(reason);
      }
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('adds one listener for many concurrent sends and removes it when the last ends', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { srv, http } = await setup(async (_req, res) => {
      await gate;
      res.end('ok');
    });
    const controller = new AbortController();
    const sends = Array.from({ length: 30 }, () =>
      http.send(get(`${srv.origin}/`), { signal: controller.signal }),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    release();
    for (const reply of await Promise.all(sends)) expect(reply.text).toBe('ok');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const failing = await http
      .send(get('http://127.0.0.1:1/'), { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(TransportError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('leaves no listener on a long-lived signal between sequential sends, and still times out', async () => {
    const { srv, http } = await setup((req, res) => {
      if (req.url === '/slow') return;
      res.end('ok');
    });
    const controller = new AbortController();
    for (let i = 0; i < 30; i++) {
      expect((await http.send(get(`${srv.origin}/`), { signal: controller.signal })).text).toBe('ok');
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    }
    const err = await http
      .send(get(`${srv.origin}/slow`, { timeoutMs: 100 }), { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).timedOut).toBe(true);
    // A request that ended is not aborted again, and a later abort still reaches new sends.
    const pending = http.send(get(`${srv.origin}/slow`), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(((await pending.catch((e: unknown) => e)) as Error).name).toBe('AbortError');
  });
});

describe('debug records', () => {
  it('are not built when the logger says debug is off, and are when it says on or cannot say', async () => {
    const handler: Handler = (_req, res) => void res.end('ok');
    for (const [enabled, expected] of [
      [false, 0],
      [true, 1],
      [undefined, 1],
    ] as const) {
      const { logger, lines } = recordingLogger(enabled);
      const { srv, http } = await setup(handler, { logger });
      await http.send(get(`${srv.origin}/x?skey=@crypt_1_SECRETSKEY`));
      expect(lines, String(enabled)).toHaveLength(expected);
      expect(JSON.stringify(lines)).not.toContain('SECRETSKEY');
    }
    expect(silentLogger.isLevelEnabled?.('debug')).toBe(false);
  });
});

describe('body decoding', () => {
  it('joins a body of many chunks, a character split across two chunks included', async () => {
    const text = `{"a":"${'中'.repeat(5000)}"}`;
    const bytes = Buffer.from(text);
    const { srv, http } = await setup(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(bytes.subarray(0, 7)); // splits the first 中 (3 bytes, from offset 6)
      await new Promise((r) => setTimeout(r, 20));
      res.end(bytes.subarray(7));
    });
    expect((await http.send(get(`${srv.origin}/`))).text).toBe(text);
  });

  it('decodes a single-chunk body and drops a BOM as before', async () => {
    const { srv, http } = await setup((_req, res) => void res.end(Buffer.from('\uFEFFhello 世界')));
    expect((await http.send(get(`${srv.origin}/`))).text).toBe('hello 世界');
  });
});

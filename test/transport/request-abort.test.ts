/** A request's own abort (issue #18): what undici needs of it, on a real loopback server. */
import { afterEach, describe, expect, it } from 'vitest';
import { RequestAbort } from '../../src/transport/request-abort.js';
import { Agent, request } from '../../src/transport/undici-parts.js';
import { startServer, type TestServer } from './test-server.js';

let srv: TestServer | undefined;
let agent: InstanceType<typeof Agent> | undefined;
afterEach(async () => {
  await agent?.destroy();
  await srv?.close();
  agent = undefined;
  srv = undefined;
});

describe('RequestAbort', () => {
  it('is aborted once: the first reason stays, "abort" is emitted once', () => {
    const abort = new RequestAbort();
    let emitted = 0;
    abort.on('abort', () => emitted++);
    expect(abort.aborted).toBe(false);
    expect(abort.reason).toBeUndefined();
    const first = new Error('first');
    abort.abort(first);
    abort.abort(new Error('second'));
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe(first);
    expect(emitted).toBe(1);
  });

  it('as undici’s signal: aborting a request in flight rejects it with the reason and leaves no listener', async () => {
    let arrived = (): void => {};
    const inFlight = new Promise<void>((r) => {
      arrived = r;
    });
    srv = await startServer(() => arrived()); // never answers
    agent = new Agent();
    const abort = new RequestAbort();
    const pending = request(`${srv.origin}/hang`, { dispatcher: agent, signal: abort });
    await inFlight;
    expect(abort.listenerCount('abort')).toBe(1);
    const reason = new Error('stopped');
    abort.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abort.listenerCount('abort')).toBe(0);
  });

  it('as undici’s signal: a request that completes leaves no listener behind', async () => {
    srv = await startServer((_req, res) => {
      res.end('ok');
    });
    agent = new Agent();
    const abort = new RequestAbort();
    const reply = await request(`${srv.origin}/`, { dispatcher: agent, signal: abort });
    expect(await reply.body.text()).toBe('ok');
    await new Promise((r) => setImmediate(r));
    expect(abort.listenerCount('abort')).toBe(0);
    expect(abort.aborted).toBe(false);
  });
});

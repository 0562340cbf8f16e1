/**
 * `proxy` and `dispatcher`: every request, ordered ones included, goes through a CONNECT proxy when
 * given one; a caller's dispatcher carries them all and is not closed with the transport.
 */

import { Agent } from 'undici';
import { expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { startConnectProxy } from '../host/connect-proxy.js';
import { get, transportHarness } from './test-server.js';

const harness = transportHarness();

it('sends plain and ordered requests through the proxy, on tunnels to the target', async () => {
  const proxy = await startConnectProxy();
  harness.track(proxy);
  const { srv, http } = await harness.setup(
    (_req, res) => {
      res.end('ok');
    },
    { proxy: proxy.url },
  );
  const plain = await http.send(get(`${srv.origin}/a`));
  const ordered = await Promise.all(
    [1, 2, 3].map((i) =>
      http.send(
        { ...get(`${srv.origin}/o${i}`), method: 'POST', body: { kind: 'json', value: 1 } },
        { ordered: true },
      ),
    ),
  );
  expect(plain.text).toBe('ok');
  expect(ordered.map((r) => r.text)).toEqual(['ok', 'ok', 'ok']);
  const target = srv.origin.replace('http://', '');
  expect(proxy.tunnels.length).toBeGreaterThanOrEqual(2);
  expect(proxy.tunnels.every((t) => t === target)).toBe(true);
  // Every connection the server saw came from the proxy's tunnels.
  expect(srv.sockets.length).toBe(proxy.tunnels.length);
});

it('sends through the caller’s dispatcher and leaves it open after close()', async () => {
  const agent = new Agent();
  const dispatched: string[] = [];
  const counting = agent.compose((dispatch) => (opts, handler) => {
    dispatched.push(String(opts.path));
    return dispatch(opts, handler);
  });
  const { srv, http } = await harness.setup(
    (_req, res) => {
      res.end('ok');
    },
    { dispatcher: counting },
  );
  await http.send(get(`${srv.origin}/one`));
  await http.send(
    { ...get(`${srv.origin}/two`), method: 'POST', body: { kind: 'json', value: 1 } },
    { ordered: true },
  );
  expect(dispatched).toEqual(['/one', '/two']);
  await http.close();
  expect(agent.destroyed).toBe(false);
  await agent.close();
});

it('createClient refuses a proxy that is not an http(s) URL', () => {
  expect(() => createClient({ proxy: 'socks5://127.0.0.1:1080' })).toThrow(InvalidArgumentError);
  expect(() => createClient({ proxy: 'not a url' })).toThrow(InvalidArgumentError);
  expect(() => createClient({ proxy: 'http://127.0.0.1:3128' })).not.toThrow();
});

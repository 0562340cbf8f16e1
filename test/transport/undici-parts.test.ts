/** The deep imports of undici (src/transport/undici-parts.ts) must keep resolving and working. */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Agent, Client, newFormData, request, UNDICI_DEEP_PATHS } from '../../src/transport/undici-parts.js';
import { startServer, type TestServer, transportHarness } from './test-server.js';

const { track } = transportHarness();

async function server(): Promise<TestServer> {
  const srv = await startServer((req, res, body) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, body }));
  });
  track(srv);
  return srv;
}

describe('undici-parts', () => {
  it("resolves the deep paths, and they are the index's own classes", () => {
    const require = createRequire(import.meta.url);
    for (const path of UNDICI_DEEP_PATHS) expect(() => require.resolve(path)).not.toThrow();
    const undici = require('undici') as typeof import('undici');
    expect(Agent).toBe(undici.Agent);
    expect(Client).toBe(undici.Client);
  });

  it('requests through the deep-imported Agent, with path, query and method as undici does', async () => {
    const srv = await server();
    const agent = new Agent();
    track(agent);
    const get = await request(`${srv.origin}/a/b?x=1&y=2#frag`, { dispatcher: agent });
    expect(get.statusCode).toBe(200);
    expect(await get.body.json()).toEqual({ method: 'GET', url: '/a/b?x=1&y=2', body: '' });
    const post = await request(new URL(`${srv.origin}/p`), {
      dispatcher: agent,
      method: 'POST',
      body: 'hello',
    });
    expect(await post.body.json()).toEqual({ method: 'POST', url: '/p', body: 'hello' });
    const put = await request(`${srv.origin}/q`, { dispatcher: agent, body: 'x' });
    expect(((await put.body.json()) as { method: string }).method).toBe('PUT');
  });

  it('requests through the deep-imported Client', async () => {
    const srv = await server();
    const client = new Client(srv.origin, { pipelining: 2 });
    track(client);
    const reply = await request(`${srv.origin}/c`, { dispatcher: client });
    expect(await reply.body.json()).toEqual({ method: 'GET', url: '/c', body: '' });
  });

  it('posts a multipart form built with newFormData()', async () => {
    const srv = await server();
    const agent = new Agent();
    track(agent);
    const form = newFormData();
    form.set('name', 'a.txt');
    form.set('filename', new Blob(['file body']), 'a.txt');
    const reply = await request(`${srv.origin}/upload`, { dispatcher: agent, method: 'POST', body: form });
    const { body } = (await reply.body.json()) as { body: string };
    expect(body).toContain('name="name"');
    expect(body).toContain('file body');
  });

  it('rejects (does not throw) on a bad URL or protocol', async () => {
    const agent = new Agent();
    track(agent);
    await expect(request('not a url', { dispatcher: agent })).rejects.toThrow();
    await expect(request('ftp://127.0.0.1/x', { dispatcher: agent })).rejects.toThrow(/protocol/);
    await expect(request('ftp://127.0.0.1/x', { dispatcher: agent })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it("loading the package root (client, bot, transport) does not load undici's index", async () => {
    const script = [
      "await import('./src/index.ts');",
      "await import('./src/transport/streaming.ts');",
      "const { createRequire } = await import('node:module');",
      'const req = createRequire(import.meta.url);',
      "const loaded = Object.keys(req.cache).filter((k) => k.includes('undici'));",
      'console.log(JSON.stringify(loaded));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: process.cwd() },
    );
    const loaded = JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as string[];
    expect(loaded.some((k) => k.endsWith('agent.js'))).toBe(true);
    expect(loaded.filter((k) => /undici[\\/]index\.js$/.test(k))).toEqual([]);
    expect(loaded.filter((k) => k.includes('websocket') || k.includes('mock'))).toEqual([]);
  }, 20_000);
});

import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/errors.js';
import { CookieStore, createHttpTransport } from '../../src/transport/index.js';
import { recordingLogger } from '../recording-logger.js';
import { get, transportHarness } from './test-server.js';

const { setup, track } = transportHarness();

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('createHttpTransport', () => {
  it('keeps a sequential caller on at most two keep-alive sockets, without waiting for the pool', async () => {
    const { srv, http } = await setup((req, res) => {
      res.end(String(srv.socketIds.get(req.socket as never)));
    });
    // The caller goes on as soon as a reply is read; undici frees that socket one event-loop turn
    // later, so the next request may take a second socket, never a third: 40 in a row, two sockets.
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const reply = await http.send(get(`${srv.origin}/r${i}`));
      expect(reply.status).toBe(200);
      seen.add(reply.text);
    }
    expect(srv.sockets.length).toBeLessThanOrEqual(2);
    expect(seen.size).toBeLessThanOrEqual(2);
    // A caller that lets a turn pass between requests stays on one socket.
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await turn();
    const a = await http.send(get(`${srv.origin}/a`));
    await turn();
    const b = await http.send(get(`${srv.origin}/b`));
    expect(b.text).toBe(a.text);
  });

  it('sends default headers, a JSON body and a form body', async () => {
    const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    const { srv, http } = await setup((req, res, body) => {
      seen.push({ headers: req.headers, body });
      res.end('{}');
    });
    await http.send({
      endpoint: 'webwxinit',
      method: 'POST',
      url: `${srv.origin}/json`,
      body: { kind: 'json', value: { BaseRequest: { Uin: 1, Sid: 's', Skey: 'k' }, Text: '你好' } },
    });
    await http.send({
      endpoint: 'form',
      method: 'POST',
      url: `${srv.origin}/form`,
      headers: { 'X-Extra': 'yes' },
      body: { kind: 'form', value: { a: '1 2', b: '&=' } },
    });
    expect(seen[0]?.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      BaseRequest: { Uin: 1, Sid: 's', Skey: 'k' },
      Text: '你好',
    });
    expect(seen[0]?.headers['user-agent']).toMatch(/Chrome\/\d+/);
    expect(seen[0]?.headers['accept-encoding']).toContain('gzip');
    expect(seen[1]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen[1]?.headers['x-extra']).toBe('yes');
    expect(new URLSearchParams(seen[1]?.body)).toEqual(new URLSearchParams({ a: '1 2', b: '&=' }));
  });

  it('stores the cookies of one reply and sends them with the next', async () => {
    const cookieHeaders: Array<string | undefined> = [];
    const { srv, http } = await setup((req, res) => {
      cookieHeaders.push(req.headers.cookie);
      if (req.url === '/set') {
        res.setHeader('Set-Cookie', ['wxuin=12345; Path=/', 'wxsid=abc; Path=/; HttpOnly']);
      }
      res.end('ok');
    });
    await http.send(get(`${srv.origin}/set`));
    await http.send(get(`${srv.origin}/next`));
    expect(cookieHeaders[0]).toBeUndefined();
    expect(cookieHeaders[1]).toBe('wxuin=12345; wxsid=abc');
    expect(http.cookies.get(`${srv.origin}/`, 'wxsid')).toBe('abc');
  });

  it('keeps the Set-Cookie of a 301 and returns the 301 without following it', async () => {
    let hits = 0;
    const { srv, http } = await setup((req, res) => {
      hits++;
      if (req.url?.startsWith('/webwxnewloginpage')) {
        res.statusCode = 301;
        res.setHeader('Location', '/elsewhere');
        res.setHeader('Set-Cookie', ['webwx_data_ticket=T1; Path=/', 'wxuin=42; Path=/']);
        res.end('<error><ret>0</ret></error>');
        return;
      }
      res.end('followed');
    });
    const reply = await http.send(get(`${srv.origin}/webwxnewloginpage?ticket=x`));
    expect(reply.status).toBe(301);
    expect(reply.text).toBe('<error><ret>0</ret></error>');
    expect(reply.headers.location).toBe('/elsewhere');
    expect(hits).toBe(1);
    expect(http.cookies.get(srv.origin, 'webwx_data_ticket')).toBe('T1');
    expect(http.cookies.getCookieHeader(srv.origin)).toBe('webwx_data_ticket=T1; wxuin=42');
  });

  it('follows redirects when asked, keeping cookies of every hop', async () => {
    const { srv, http } = await setup((req, res) => {
      if (req.url === '/start') {
        res.statusCode = 302;
        res.setHeader('Location', '/end');
        res.setHeader('Set-Cookie', 'hop=1; Path=/');
        res.end();
        return;
      }
      res.end(`end ${req.method} ${req.headers.cookie}`);
    });
    const reply = await http.send({
      endpoint: 'r',
      method: 'POST',
      url: `${srv.origin}/start`,
      body: { kind: 'json', value: {} },
      followRedirects: true,
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('end GET hop=1');
  });

  it('decodes gzip, deflate (zlib and raw) and br bodies', async () => {
    const json = JSON.stringify({ BaseResponse: { Ret: 0, ErrMsg: '' }, NickName: '张三😀' });
    const encoders: Record<string, (b: Buffer) => Buffer> = {
      gzip: gzipSync,
      deflate: deflateSync,
      'deflate-raw': deflateRawSync,
      br: brotliCompressSync,
    };
    const { srv, http } = await setup((req, res) => {
      const name = (req.url ?? '/').slice(1);
      const encode = encoders[name];
      res.setHeader('Content-Type', 'text/plain');
      if (!encode) return void res.end(json);
      res.setHeader('Content-Encoding', name === 'deflate-raw' ? 'deflate' : name);
      res.end(encode(Buffer.from(json)));
    });
    for (const name of [...Object.keys(encoders), 'plain']) {
      const reply = await http.send(get(`${srv.origin}/${name}`));
      expect(reply.text, name).toBe(json);
    }
  });

  it('refuses a body larger than maxBodyBytes, compressed or not', async () => {
    const { srv, http } = await setup(
      (req, res) => {
        if (req.url === '/bomb') {
          res.setHeader('Content-Encoding', 'gzip');
          return void res.end(gzipSync(Buffer.alloc(100_000)));
        }
        res.end('x'.repeat(2000));
      },
      { maxBodyBytes: 1000 },
    );
    const big = await rejection(http.send(get(`${srv.origin}/big`)));
    expect(big).toBeInstanceOf(TransportError);
    expect((big as Error).message).toMatch(/exceeds 1000 bytes/);
    const bomb = await rejection(http.send(get(`${srv.origin}/bomb`)));
    expect(bomb).toBeInstanceOf(TransportError);
  });

  it('reads plain bodies of a declared size and chunked ones alike, and bounds chunked ones', async () => {
    const text = '{"Ret":0,"Text":"你好"}';
    const { srv, http } = await setup(
      (req, res) => {
        if (req.url === '/declared') {
          // A BOM is dropped, as before.
          const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
          res.setHeader('Content-Length', String(body.length));
          return void res.end(body);
        }
        // No Content-Length: chunked, in two writes.
        res.write(text.slice(0, 5));
        res.end(text.slice(5));
      },
      { maxBodyBytes: 1000 },
    );
    expect((await http.send(get(`${srv.origin}/declared`))).text).toBe(text);
    expect((await http.send(get(`${srv.origin}/chunked`))).text).toBe(text);
    const big = await rejection(
      (async () => {
        const { srv: s2, http: h2 } = await setup(
          (_req, res) => {
            res.write('z'.repeat(600));
            res.end('z'.repeat(600));
          },
          { maxBodyBytes: 1000 },
        );
        return h2.send(get(`${s2.origin}/x`));
      })(),
    );
    expect((big as Error).message).toMatch(/exceeds 1000 bytes/);
  });

  it('times out with TransportError.timedOut and frees the socket', async () => {
    const { srv, http } = await setup((req, res) => {
      if (req.url?.startsWith('/slow')) return; // never answers
      res.end('fast');
    });
    const started = Date.now();
    const err = await rejection(
      http.send(get(`${srv.origin}/slow?skey=@crypt_1234abcd_deadbeef`, { timeoutMs: 150 })),
    );
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).timedOut).toBe(true);
    expect((err as TransportError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/timed out after 150 ms/);
    expect((err as Error).message).not.toContain('deadbeef');
    expect(Date.now() - started).toBeLessThan(5000);
    await srv.socketClosed(0);
    expect((await http.send(get(`${srv.origin}/fast`))).text).toBe('fast');
  });

  it('times out while the body is still arriving', async () => {
    const { srv, http } = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial'); // and never the rest
    });
    const err = await rejection(http.send(get(`${srv.origin}/stall`, { timeoutMs: 150 })));
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).timedOut).toBe(true);
    await srv.socketClosed(0);
  });

  it('uses the default timeout when the spec has none', async () => {
    const { srv, http } = await setup(() => {}, { defaultTimeoutMs: 100 });
    const err = await rejection(http.send(get(`${srv.origin}/`)));
    expect((err as TransportError).timedOut).toBe(true);
  });

  it("rejects with the caller's abort reason, not a TransportError", async () => {
    const { srv, http } = await setup(() => {});
    const controller = new AbortController();
    const pending = http.send(get(`${srv.origin}/hang`), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(pending);
    expect(err).not.toBeInstanceOf(TransportError);
    expect((err as Error).name).toBe('AbortError');
    await srv.socketClosed(0);

    const custom = new Error('stop now');
    const c2 = new AbortController();
    c2.abort(custom);
    expect(await rejection(http.send(get(`${srv.origin}/hang`), { signal: c2.signal }))).toBe(custom);
  });

  it("rejects with the caller's abort reason while the body is still arriving, and ends every request on the signal", async () => {
    const { srv, http } = await setup((req, res) => {
      if (req.url === '/hang') return;
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial'); // and never the rest
    });
    const controller = new AbortController();
    const reason = new Error('stopped');
    const stalled = rejection(http.send(get(`${srv.origin}/stall`), { signal: controller.signal }));
    const hanging = rejection(http.send(get(`${srv.origin}/hang`), { signal: controller.signal }));
    setTimeout(() => controller.abort(reason), 50);
    expect(await stalled).toBe(reason);
    expect(await hanging).toBe(reason);
    await srv.socketClosed(0);
  });

  it('maps a refused connection to a retryable TransportError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const http = createHttpTransport();
    track(http);
    const err = await rejection(http.send(get(`http://127.0.0.1:${port}/x?pass_ticket=SECRET123`)));
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).timedOut).toBe(false);
    expect((err as TransportError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/connection refused/);
    expect((err as Error).message).not.toContain('SECRET123');
    expect((err as TransportError).url).not.toContain('SECRET123');
  });

  it('maps a reset connection to a TransportError', async () => {
    const { srv, http } = await setup((req) => {
      req.socket.destroy();
    });
    const err = await rejection(http.send(get(`${srv.origin}/reset`)));
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).retryable).toBe(true);
  });

  it('maps HTTP 500 to a retryable TransportError with status, and 404 to a non-retryable one', async () => {
    const { srv, http } = await setup((req, res) => {
      res.statusCode = req.url?.startsWith('/missing') ? 404 : 500;
      res.setHeader('Set-Cookie', 'err=1; Path=/');
      res.end('boom');
    });
    const url = `${srv.origin}/cgi-bin/mmwebwx-bin/webwxsync?sid=S3CR3T&skey=@crypt_0123abcd_ffffffff&pass_ticket=PT%2B1`;
    const err = await rejection(
      http.send({ ...get(url), method: 'POST', body: { kind: 'json', value: {} } }),
    );
    expect(err).toBeInstanceOf(TransportError);
    const te = err as TransportError;
    expect(te.status).toBe(500);
    expect(te.retryable).toBe(true);
    for (const secret of ['S3CR3T', 'ffffffff', 'PT%2B1']) {
      expect(te.message).not.toContain(secret);
      expect(te.url).not.toContain(secret);
    }
    expect(http.cookies.get(srv.origin, 'err')).toBe('1');
    const notFound = (await rejection(http.send(get(`${srv.origin}/missing`)))) as TransportError;
    expect(notFound.status).toBe(404);
    expect(notFound.retryable).toBe(false);
    // the socket survives an error status: more of them open no more sockets
    for (let i = 0; i < 6; i++) await rejection(http.send(get(`${srv.origin}/missing`)));
    expect(srv.sockets.length).toBeLessThanOrEqual(2);
  });

  it('logs each request at debug level with a redacted URL and no cookies', async () => {
    const { logger, lines } = recordingLogger();
    const { srv, http } = await setup(
      (_req, res) => {
        res.setHeader('Set-Cookie', 'wxsid=COOKIESECRET; Path=/');
        res.end('ok');
      },
      { logger },
    );
    await http.send(get(`${srv.origin}/webwxinit?skey=@crypt_11112222_abcdef&pass_ticket=PTSECRET`));
    expect(lines).toHaveLength(1);
    const entry = lines[0]?.obj as Record<string, unknown>;
    expect(entry).toMatchObject({ endpoint: 'test', method: 'GET', status: 200 });
    expect(typeof entry.ms).toBe('number');
    const dump = JSON.stringify(lines);
    expect(dump).not.toContain('PTSECRET');
    expect(dump).not.toContain('abcdef');
    expect(dump).not.toContain('COOKIESECRET');
  });

  it('uses a given cookie store and user agent', async () => {
    const store = new CookieStore();
    const seen: IncomingMessage['headers'][] = [];
    const { srv, http } = await setup(
      (req, res) => {
        seen.push(req.headers);
        res.end();
      },
      { cookies: store, userAgent: 'UA/1.0' },
    );
    store.store(`${srv.origin}/`, ['pre=1']);
    await http.send(get(`${srv.origin}/`, { headers: { Cookie: 'extra=2' } }));
    expect(http.cookies).toBe(store);
    expect(seen[0]?.['user-agent']).toBe('UA/1.0');
    expect(seen[0]?.cookie).toBe('pre=1; extra=2');
  });

  it('close() destroys the agent: the server sees the socket close, later sends fail', async () => {
    const { srv, http } = await setup((_req, res) => void res.end('ok'));
    await http.send(get(`${srv.origin}/`));
    expect(srv.sockets).toHaveLength(1);
    const closed = srv.socketClosed(0);
    await http.close();
    await closed;
    expect(srv.sockets[0]?.destroyed).toBe(true);
    const err = await rejection(http.send(get(`${srv.origin}/`)));
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/closed/);
    await http.close(); // idempotent
  });
});

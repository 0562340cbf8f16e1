/**
 * A bad entry skips itself, not the reply (issue 17 item 7), end to end: a proxy in front of the
 * emulator spoils one webwxsync reply — a null AddMsgList entry, a ModContactList entry whose
 * MemberList is not an array, a DelContactList entry without UserName — and the real client reports
 * a ParseError for each, handles the good messages of that same reply once, and moves its SyncKey on
 * (the messages are not delivered again).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type WebWxClient } from '../../src/client/index.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import type { WebWxError } from '../../src/errors.js';
import { delay } from './harness.js';

let emulator: Emulator | undefined;
let proxy: Server | undefined;
let client: WebWxClient | undefined;
afterEach(async () => {
  await client?.stop();
  await emulator?.close();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  client = undefined;
  emulator = undefined;
  proxy = undefined;
});

/** Forwards everything to `target`; the first webwxsync reply carrying messages goes through `spoil`. */
function spoilingProxy(target: string, spoil: (reply: Record<string, unknown>) => void): Promise<string> {
  const upstream = new URL(target);
  let spoiled = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            let text = Buffer.concat(body);
            if (!spoiled && (req.url ?? '').includes('/webwxsync?')) {
              const reply = JSON.parse(text.toString('utf8')) as Record<string, unknown>;
              if (Array.isArray(reply.AddMsgList) && reply.AddMsgList.length > 0) {
                spoiled = true;
                spoil(reply);
                text = Buffer.from(JSON.stringify(reply));
              }
            }
            const headers = { ...up.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            res.writeHead(up.statusCode ?? 502, { ...headers, 'content-length': String(text.length) });
            res.end(text);
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  proxy = server;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

describe('a malformed webwxsync entry', () => {
  it('yields a ParseError per bad entry; the rest of the reply is handled once and the SyncKey moves on', async () => {
    const e = await startEmulator({ port: 0, timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 } });
    emulator = e;
    const url = await spoilingProxy(e.baseUrl, (reply) => {
      (reply.AddMsgList as unknown[]).unshift(null);
      reply.ModContactList = [{ UserName: '@@spoiled', NickName: 'bad', MemberList: 'not a list' }];
      reply.DelContactList = [{ ContactFlag: 0 }];
    });
    const hosts = { login: url, qr: url, main: url, file: url, push: url };
    client = createClient({
      server: url,
      hosts,
      pacing: false,
      timeouts: { requestMs: 5000, syncCheckMs: 3000, loginPollMs: 3000 },
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    });
    const errors: WebWxError[] = [];
    const texts: string[] = [];
    client.on('error', (error) => errors.push(error));
    client.on('message', (m) => texts.push(m.text));
    const started = client.start();
    const qr = await e.phone.waitForQr({ timeoutMs: 10_000 });
    e.phone.scan(qr.uuid);
    e.phone.confirm(qr.uuid);
    await started;
    const friend = e.world.listedContacts()[0]!;
    e.phone.sendText({ from: friend.id, text: 'first' });
    e.phone.sendText({ from: friend.id, text: 'second' });
    for (let i = 0; i < 100 && !(texts.includes('first') && texts.includes('second')); i++) await delay(50);
    // Later rounds go on as usual.
    e.phone.sendText({ from: friend.id, text: 'third' });
    for (let i = 0; i < 100 && !texts.includes('third'); i++) await delay(50);
    await delay(1500);
    expect(texts.filter((t) => ['first', 'second', 'third'].includes(t))).toEqual([
      'first',
      'second',
      'third',
    ]);
    const parse = errors.filter((x) => x.code === 'parse').map((x) => x.message);
    expect(parse).toHaveLength(3);
    expect(parse.join('\n')).toMatch(
      /AddMsgList\[0\][\s\S]*ModContactList\[0\]\.MemberList[\s\S]*DelContactList\[0\]/,
    );
    expect(client.contacts.room('@@spoiled')).toBeUndefined();
  }, 30_000);
});

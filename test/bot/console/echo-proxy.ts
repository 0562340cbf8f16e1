/**
 * A loopback proxy in front of the emulator that plays the real server's habit of echoing a client's
 * own sends back through webwxsync (§4.6): each webwxsendmsg to filehelper is queued as an AddMsgList
 * entry with the MsgID the send answered, and synccheck says "new messages" until it was delivered.
 * `echoBeforeReply` holds the send's reply until its echo went out in a webwxsync: the race in which
 * the client cannot know the MsgID yet.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wireMessage } from '../../../src/emulator/wire-objects.js';

export interface EchoProxy {
  url: string;
  /** MsgIDs echoed (delivered in a webwxsync reply) so far. */
  echoed: string[];
  /** Resolves when the echo of this MsgID was delivered. */
  waitForEcho(msgId: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function forward(target: string, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.url ?? '/', target);
    const headers = { ...req.headers, host: url.host };
    delete headers['content-length'];
    const out = request(
      url,
      { method: req.method, headers: { ...headers, 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

function reply(res: ServerResponse, upstream: Upstream, body: Buffer = upstream.body): void {
  const headers = { ...upstream.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  res.writeHead(upstream.status, headers);
  res.end(body);
}

export async function startEchoProxy(
  target: string,
  options: { echoBeforeReply: boolean },
): Promise<EchoProxy> {
  const pending: { msgId: string; json: string }[] = [];
  const echoed: string[] = [];
  const waiters = new Map<string, () => void>();
  const delivered = (msgId: string) =>
    echoed.includes(msgId) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(msgId, resolve));

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const endpoint = (req.url ?? '').split('?')[0]?.split('/').pop() ?? '';
      let upstream: Upstream;
      try {
        upstream = await forward(target, req, body);
      } catch {
        res.destroy();
        return;
      }
      if (endpoint === 'webwxsendmsg') {
        const msg = (JSON.parse(body.toString('utf8')) as { Msg: Record<string, string> }).Msg;
        const msgId = (JSON.parse(upstream.body.toString('utf8')) as { MsgID?: string }).MsgID ?? '';
        if (msgId && msg.ToUserName === 'filehelper') {
          const echo = wireMessage({
            msgId,
            from: msg.FromUserName ?? '',
            to: msg.ToUserName,
            type: 1,
            content: msg.Content ?? '',
            createTime: Math.floor(Date.now() / 1000),
          });
          pending.push({ msgId, json: JSON.stringify({ ...echo, NewMsgId: 0 }) });
          if (options.echoBeforeReply) {
            await Promise.race([delivered(msgId), new Promise((r) => setTimeout(r, 5000))]);
          }
        }
        reply(res, upstream);
        return;
      }
      if (endpoint === 'synccheck' && pending.length > 0) {
        reply(
          res,
          upstream,
          Buffer.from(upstream.body.toString('utf8').replace(/selector:"0"/, 'selector:"2"')),
        );
        return;
      }
      if (endpoint === 'webwxsync' && pending.length > 0) {
        const echoes = pending.splice(0);
        let text = upstream.body.toString('utf8');
        text = text.replace(
          /"AddMsgCount":\s*(\d+)/,
          (_m, n: string) => `"AddMsgCount":${Number(n) + echoes.length}`,
        );
        text = text.replace(/"AddMsgList":\s*\[(\s*\])?/, (_m, empty?: string) => {
          const list = echoes.map((e) => e.json).join(',');
          return empty ? `"AddMsgList":[${list}]` : `"AddMsgList":[${list},`;
        });
        reply(res, upstream, Buffer.from(text));
        for (const e of echoes) {
          echoed.push(e.msgId);
          waiters.get(e.msgId)?.();
        }
        return;
      }
      reply(res, upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    echoed,
    waitForEcho: (msgId, timeoutMs = 10_000) =>
      Promise.race([
        delivered(msgId),
        new Promise<void>((_, reject) =>
          setTimeout(() => reject(new Error(`no echo of ${msgId} within ${timeoutMs} ms`)), timeoutMs),
        ),
      ]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

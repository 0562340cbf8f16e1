/** The HTTP API end to end: the real client logged in to the real emulator, the API on 127.0.0.1 port 0. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../src/bot/http-api/index.js';
import { createClient, type WebWxClient } from '../../src/client/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { type LocalServer, startLocalServer } from './local-server.js';
import { startAutoConfirmingEmulator } from './logged-in.js';

const TOKEN = 'test-token-0123456789abcdef';
let emulator: Emulator;
let client: WebWxClient;
let api: ApiServer;
let hook: LocalServer;
let hookFailures = 0;
const store = new MemoryStore();
/** The server's history: filled by the test (the client's own store logging is #6's). */
const historyStore = new MemoryStore();

beforeAll(async () => {
  emulator = await startAutoConfirmingEmulator();
  client = createClient({
    server: emulator.baseUrl,
    store,
    rateLimit: { maxAttempts: 1 },
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
  });
  await client.start();
  hook = await startLocalServer(() => {
    // The first delivery fails twice: the API retries.
    if (hookFailures < 2) {
      hookFailures++;
      return { status: 503, body: 'busy' };
    }
    return { status: 204 };
  });
  api = await startApiServer({
    client,
    token: TOKEN,
    port: 0,
    sendQueue: { minIntervalMs: 0, backoffBaseMs: 20, backoffMaxMs: 50 },
    webhook: { url: `${hook.url}/incoming`, backoffBaseMs: 10, backoffMaxMs: 20 },
    heartbeatMs: 60_000,
    history: historyStore,
  });
}, 30_000);

afterAll(async () => {
  await api?.close();
  await hook?.close();
  await client?.stop();
  await emulator?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    ...init,
    headers: { ...auth, ...(init.headers as Record<string, string>) },
  });
}
function postJson(path: string, body: unknown): Promise<Response> {
  return call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('HTTP API (client ↔ emulator)', () => {
  it('binds 127.0.0.1', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers nothing but a bare 401 without the right bearer token, whatever the path', async () => {
    for (const [path, headers] of [
      ['/v1/contacts', {}],
      ['/v1/contacts', { authorization: 'Bearer wrong-token-0123456789' }],
      ['/v1/contacts', { authorization: TOKEN }],
      ['/no/such/path', {}],
      ['/v1/openapi.json', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
    ] as const) {
      const res = await fetch(`${api.url}${path}`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).toBe('');
    }
    const post = await fetch(`${api.url}/v1/messages/text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: '老张', text: 'should not be sent' }),
    });
    expect(post.status).toBe(401);
    expect(emulator.phone.sent().some((r) => r.content === 'should not be sent')).toBe(false);
  });

  it('serves its OpenAPI description', async () => {
    const res = await call('/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      servers: { url: string }[];
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/messages/text',
        '/v1/contacts',
        '/v1/rooms',
        '/v1/events',
        '/v1/chats/{chat}/messages',
      ]),
    );
    expect(doc.servers[0]?.url).toBe(api.url);
  });

  it('lists contacts and rooms, with stable ids', async () => {
    const contacts = (await (await call('/v1/contacts')).json()) as {
      contacts: { nickName: string; remarkName: string }[];
    };
    expect(contacts.contacts.map((c) => c.remarkName)).toContain('老张');
    const found = (await (await call(`/v1/contacts?q=${encodeURIComponent('老张')}`)).json()) as {
      contacts: unknown[];
    };
    expect(found.contacts).toHaveLength(1);
    const rooms = (await (await call('/v1/rooms')).json()) as {
      rooms: { topic: string; stableId?: string }[];
    };
    expect(rooms.rooms.map((r) => r.topic).sort()).toEqual(
      ['周末徒步🏔', '相亲相爱一家人', '项目组-工作群'].sort(),
    );
    const members = await call(`/v1/rooms/${encodeURIComponent('相亲相爱一家人')}/members`);
    expect(members.status).toBe(200);
    const body = (await members.json()) as { room: { topic: string }; members: { displayName: string }[] };
    expect(body.room.topic).toBe('相亲相爱一家人');
    expect(body.members.length).toBeGreaterThan(2);
    expect((await call(`/v1/rooms/${encodeURIComponent('老张')}/members`)).status).toBe(404);
    const me = (await (await call('/v1/me')).json()) as { state: string; self: { nickName: string } };
    expect(me).toMatchObject({ state: 'ready', self: { nickName: '小明' } });
  });

  it('sends a text by name or stable id, and the phone sees it', async () => {
    const res = await postJson('/v1/messages/text', { to: '老张', text: 'hello from the API 👋' });
    expect(res.status).toBe(200);
    const sent = (await res.json()) as { msgId: string };
    const record = await emulator.phone.waitForSent((r) => r.msgId === sent.msgId, { timeoutMs: 5000 });
    expect(record).toMatchObject({ to: 'wxid_zhangwei01', content: 'hello from the API 👋' });
    // Stable ids as the API lists them.
    const { rooms } = (await (await call('/v1/rooms')).json()) as {
      rooms: { topic: string; stableId?: string }[];
    };
    const family = rooms.find((r) => r.topic === '相亲相爱一家人');
    expect(family?.stableId).toBeTruthy();
    const byId = await postJson('/v1/messages/text', { to: family?.stableId, text: 'to the family group' });
    expect(byId.status).toBe(200);
    const r = await emulator.phone.waitForSent((s) => s.content === 'to the family group', {
      timeoutMs: 5000,
    });
    expect(r.to).toBe('20190101001@chatroom');
  });

  it('backs off and retries when the server answers Ret 1205', async () => {
    const fault = emulator.faults.inject('webwxsendmsg', { kind: 'ret', ret: 1205 }, { times: 2 });
    const res = await postJson('/v1/messages/text', { to: '老张', text: 'after the rate limit' });
    expect(res.status).toBe(200);
    expect(fault.hits).toBe(2);
    const matching = emulator.phone.sent().filter((r) => r.content === 'after the rate limit');
    expect(matching).toHaveLength(1);
  });

  it('answers wrong input with a 4xx and a clear message', async () => {
    const cases: [Promise<Response>, number, RegExp][] = [
      [
        call('/v1/messages/text', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{oops',
        }),
        400,
        /not valid JSON/,
      ],
      [
        call('/v1/messages/text', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' }),
        415,
        /application\/json/,
      ],
      [postJson('/v1/messages/text', [1, 2]), 400, /JSON object/],
      [postJson('/v1/messages/text', { to: '老张' }), 400, /"text" is required/],
      [postJson('/v1/messages/text', { to: '老张', text: 5 }), 400, /"text" must be a string/],
      [postJson('/v1/messages/text', { to: '老张', text: 'x'.repeat(10_001) }), 400, /longer than/],
      [
        postJson('/v1/messages/text', { to: 'Nobody Such', text: 'x' }),
        404,
        /no contact or room named "Nobody Such"/,
      ],
      [postJson('/v1/messages/image', { to: '老张', data: 'not base64!' }), 400, /base64/],
      [
        postJson('/v1/messages/file', { to: '老张', data: 'aGk=', fileName: '../etc/passwd' }),
        400,
        /bare file name/,
      ],
      [
        postJson('/v1/messages/text', { to: '老张', text: 'x', pad: 'y'.repeat(1024 * 1024) }),
        413,
        /larger than/,
      ],
      [call('/v1/nothing'), 404, /no such endpoint/],
      [call('/v1/contacts', { method: 'DELETE' }), 405, /not allowed/],
      [call('/v1/chats/%E0%A4%A/messages'), 400, /percent-encoding/],
      [
        call(`/v1/chats/${encodeURIComponent('老张')}/messages?limit=0`),
        400,
        /"limit" must be from 1 to 500/,
      ],
      [call(`/v1/chats/${encodeURIComponent('老张')}/messages?limit=abc`), 400, /whole number/],
    ];
    for (const [response, status, message] of cases) {
      const res = await response;
      const body = (await res.json()) as { error: string };
      expect({ status: res.status, error: body.error }).toMatchObject({
        status,
        error: expect.stringMatching(message),
      });
    }
  });

  it('sends an image and a file from base64; the phone gets the bytes', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const image = await postJson('/v1/messages/image', {
      to: '老张',
      data: png.toString('base64'),
      fileName: 'dot.png',
    });
    expect(image.status).toBe(200);
    const sentImage = (await image.json()) as { msgId: string };
    const imageRecord = await emulator.phone.waitForSent((r) => r.msgId === sentImage.msgId, {
      timeoutMs: 5000,
    });
    expect(imageRecord.to).toBe('wxid_zhangwei01');
    expect((await imageRecord.media?.bytes())?.equals(png)).toBe(true);
    const file = await postJson('/v1/messages/file', {
      to: '老张',
      data: Buffer.from('hello file').toString('base64'),
      fileName: 'notes.txt',
    });
    expect(file.status).toBe(200);
    const sentFile = (await file.json()) as { msgId: string };
    const fileRecord = await emulator.phone.waitForSent((r) => r.msgId === sentFile.msgId, {
      timeoutMs: 5000,
    });
    expect(fileRecord.media?.fileName).toBe('notes.txt');
    expect((await fileRecord.media?.bytes())?.toString()).toBe('hello file');
  });

  it('revokes a message it sent', async () => {
    const res = await postJson('/v1/messages/text', { to: '老张', text: 'oops, wrong chat' });
    const sent = (await res.json()) as { msgId: string; localId: string; toUserName: string };
    const revoked = new Promise<{ msgId: string; found: boolean }>((resolve) => {
      const off = emulator.phone.on('revoke', (r) => {
        off();
        resolve(r);
      });
    });
    const answer = await postJson('/v1/messages/revoke', sent);
    expect(answer.status).toBe(200);
    expect(await revoked).toMatchObject({ msgId: sent.msgId, found: true });
    const bad = await postJson('/v1/messages/revoke', { ...sent, msgId: 'abc' });
    expect(bad.status).toBe(400);
  });

  it('streams an incoming phone message over SSE and POSTs it to the webhook (with retries)', async () => {
    const res = await call('/v1/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const injected = emulator.phone.sendText({ from: '老张', text: 'SSE hello' });
    const deadline = Date.now() + 10_000;
    type Event = { id: string; text: string; chat: { name: string; type: string } };
    let event: Event | undefined;
    while (!event && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (const block of buffer.split('\n\n')) {
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: message$/m.test(block) && data) {
          const parsed = JSON.parse(data) as Event;
          if (parsed.id === injected.msgId) event = parsed;
        }
      }
    }
    await reader.cancel();
    expect(event).toMatchObject({ text: 'SSE hello', chat: { name: '老张', type: 'private' } });
    const deliveredTo = () =>
      hook.requests.filter((r) => r.url === '/incoming' && JSON.parse(r.body).id === injected.msgId);
    for (let i = 0; i < 100 && deliveredTo().length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(deliveredTo().length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(deliveredTo()[0]?.body ?? '{}')).toMatchObject({ text: 'SSE hello', kind: 'text' });
  });

  it('reads the message history of a chat from the store, newest page first', async () => {
    const chat = client.contacts.find('老张')[0]?.userName ?? '';
    await historyStore.recordIncoming(
      [1, 2, 3].map((n) => ({
        direction: 'in' as const,
        msgId: `9000${n}`,
        clientMsgId: '',
        chatUserName: chat,
        senderUserName: chat,
        kind: 'text',
        createTime: 1_700_000_000 + n,
        text: `old ${n}`,
        fields: {},
        raw: { Content: `old ${n}` },
        status: 'sent' as const,
      })),
    );
    const res = await call(`/v1/chats/${encodeURIComponent('老张')}/messages?limit=2`);
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: { text: string; seq: number; raw?: unknown }[] };
    expect(messages.map((m) => m.text)).toEqual(['old 2', 'old 3']);
    expect(messages[0]?.raw).toBeUndefined();
    const older = await call(`/v1/chats/${encodeURIComponent(chat)}/messages?before=${messages[0]?.seq}`);
    expect(((await older.json()) as { messages: { text: string }[] }).messages.map((m) => m.text)).toEqual([
      'old 1',
    ]);
  });

  it('history without a store given to the server is 501', async () => {
    const bare = await startApiServer({ client, token: TOKEN, port: 0 });
    try {
      const res = await fetch(`${bare.url}/v1/chats/${encodeURIComponent('老张')}/messages`, {
        headers: auth,
      });
      expect(res.status).toBe(501);
      expect(((await res.json()) as { error: string }).error).toMatch(/not available: message history/);
    } finally {
      await bare.close();
    }
  });
});

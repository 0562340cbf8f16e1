import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { NotAvailableError } from '../../src/bot/bot-errors.js';
import { resolveRecipient } from '../../src/bot/http-api/api-client.js';
import { ApiError, toApiError } from '../../src/bot/http-api/api-error.js';
import { isAuthorized } from '../../src/bot/http-api/api-server.js';
import { base64Field, queryInt, requiredString } from '../../src/bot/http-api/request-body.js';
import { WebhookDelivery } from '../../src/bot/http-api/webhook-delivery.js';
import { LoggedOutError, ProtocolError, TransportError } from '../../src/errors.js';
import { contact, fakeClient, room } from './fakes.js';
import { type LocalServer, startLocalServer } from './local-server.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

describe('bearer auth', () => {
  const token = digest('0123456789abcdef-token');
  it('accepts exactly "Bearer <token>"', () => {
    expect(isAuthorized('Bearer 0123456789abcdef-token', token)).toBe(true);
    expect(isAuthorized('bearer 0123456789abcdef-token', token)).toBe(true);
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      '0123456789abcdef-token',
      'Basic 0123456789abcdef-token',
      'Bearer 0123456789abcdef-tokenX',
      'Bearer 0123456789abcdef-token extra',
    ]) {
      expect(isAuthorized(header, token)).toBe(false);
    }
  });
});

describe('recipients', () => {
  const client = fakeClient({
    contacts: [contact('@a1', 'Alice'), contact('@a2', 'Alice'), contact('@b', 'Bob')],
    rooms: [room('@@r', 'Team')],
  });
  it('resolves UserNames, unique exact names, special accounts; 404 and 409 otherwise', () => {
    expect(resolveRecipient(client, '@b')).toBe('@b');
    expect(resolveRecipient(client, 'Bob')).toBe('@b');
    expect(resolveRecipient(client, 'team')).toBe('@@r');
    expect(resolveRecipient(client, 'filehelper')).toBe('filehelper');
    expect(() => resolveRecipient(client, 'Carol Unknown')).toThrow(expect.objectContaining({ status: 404 }));
    try {
      resolveRecipient(client, 'Alice');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        status: 409,
        details: { candidates: [{ userName: '@a1' }, { userName: '@a2' }] },
      });
    }
  });
});

describe('input checks', () => {
  it('checks strings, base64 and query numbers with clear messages', () => {
    expect(() => requiredString({}, 'to', 10)).toThrow('"to" is required');
    expect(() => requiredString({ to: '  ' }, 'to', 10)).toThrow('must not be empty');
    expect(() => requiredString({ to: 'x'.repeat(11) }, 'to', 10)).toThrow('longer than 10');
    expect(base64Field({ data: 'aGVsbG8=' }, 'data', 100).toString()).toBe('hello');
    expect(() => base64Field({ data: 'aGVsbG8' }, 'data', 100)).toThrow('base64');
    expect(() => base64Field({ data: 'aGVsbG8=' }, 'data', 3)).toThrow(
      expect.objectContaining({ status: 413 }),
    );
    const q = new URLSearchParams('limit=5&bad=-1&big=999');
    expect(queryInt(q, 'limit', 1, 10)).toBe(5);
    expect(queryInt(q, 'none', 1, 10, 7)).toBe(7);
    expect(() => queryInt(q, 'bad', 1, 10)).toThrow('whole number');
    expect(() => queryInt(q, 'big', 1, 10)).toThrow('from 1 to 10');
  });

  it('maps errors to statuses without leaking details', () => {
    expect(toApiError(new NotAvailableError('sendImage')).status).toBe(501);
    expect(toApiError(new LoggedOutError('logged-out-on-phone', 1100)).status).toBe(503);
    expect(toApiError(new ProtocolError('webwxsendmsg', 1204)).status).toBe(404);
    expect(toApiError(new ProtocolError('webwxsendmsg', 1205)).status).toBe(429);
    expect(toApiError(new ProtocolError('webwxsendmsg', 1)).status).toBe(502);
    expect(toApiError(new TransportError('down', { url: 'http://x' })).status).toBe(502);
    expect(toApiError(new TypeError('bad input')).status).toBe(400);
    const internal = toApiError(new Error('secret internals'));
    expect(internal).toMatchObject({ status: 500, message: 'internal error' });
    expect(toApiError(new ApiError(418, 'teapot')).status).toBe(418);
  });
});

describe('webhook delivery', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('retries with backoff, then gives up; keeps order; drops the oldest when full', async () => {
    let calls = 0;
    server = await startLocalServer(() => {
      calls++;
      return calls <= 2 ? { status: 500 } : { status: 200 };
    });
    const sleeps: number[] = [];
    const delivery = new WebhookDelivery({
      url: server.url,
      maxAttempts: 3,
      backoffBaseMs: 100,
      random: () => 1,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    delivery.push({ n: 1 });
    delivery.push({ n: 2 });
    await delivery.idle();
    expect(server.requests.map((r) => JSON.parse(r.body).n)).toEqual([1, 1, 1, 2]);
    expect(sleeps).toEqual([100, 200]);
    expect(delivery.stats).toMatchObject({ delivered: 2, failed: 0, retries: 2 });

    const failing = new WebhookDelivery({
      url: server.url.replace(/:\d+$/, ':1'),
      maxAttempts: 2,
      sleep: async () => {},
    });
    failing.push({ n: 3 });
    await failing.idle();
    expect(failing.stats).toMatchObject({ delivered: 0, failed: 1, retries: 1 });

    const full = new WebhookDelivery({ url: server.url, maxQueued: 1, sleep: async () => {} });
    full.close();
    full.push({ n: 4 });
    expect(full.stats.dropped).toBe(0);
  });
});

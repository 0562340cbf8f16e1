/** Reconnection: automatic re-login after the server ends the session; 1205 slows the sender. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvents } from '../../src/client/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { login, type Pair, startPair, waitForEvent, waitForMessage } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const FAST = { timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 } };
const CLIENT = {
  timeouts: { requestMs: 5000, syncCheckMs: 3000, loginPollMs: 3000 },
  retry: { baseDelayMs: 20, maxDelayMs: 100 },
};

function record<K extends keyof ClientEvents>(p: Pair, event: K): ClientEvents[K][] {
  const out: ClientEvents[K][] = [];
  p.client.on(event, (x) => out.push(x));
  return out;
}

describe('automatic re-login', () => {
  it.each([1100, 1101, 1102] as const)(
    'after a phone logout (%i) it logs in again by push login and goes on',
    async (code) => {
      pair = await startPair(FAST, { ...CLIENT, autoRelogin: true, store: new MemoryStore() });
      await login(pair);
      const e = pair.emulator;
      const relogins = record(pair, 'relogin');
      const steps = record(pair, 'login-step');
      e.phone.on('qr', (qr) => {
        if (qr.push) e.phone.confirm(qr.uuid);
      });
      const readyAgain = waitForEvent(pair, 'ready', 15_000);
      e.phone.logout(code);
      await readyAgain;
      expect(relogins).toEqual([{ reason: expect.any(String), attempt: 1 }]);
      expect(steps.map((s) => `${s.step}:${s.outcome}`)).toEqual(['push:trying', 'push:succeeded']);
      expect(pair.events.logout).toEqual([]);
      expect(pair.client.state).toBe('ready');
      const friend = e.world.listedContacts()[0]!;
      const injected = e.phone.sendText({ from: friend.id, text: 'still there?' });
      const message = await waitForMessage(pair, (m) => m.id === injected.msgId);
      await pair.client.sendText(message.chat.userName, 'yes');
      const sent = await e.phone.waitForSent((r) => r.content === 'yes');
      expect(sent.to).toBe(friend.id);
      expect(e.phone.sessions().filter((s) => s.state === 'active')).toHaveLength(1);
    },
  );

  it('falls back to the QR code when the push login is declined, and survives an injected expiry', async () => {
    pair = await startPair(FAST, { ...CLIENT, autoRelogin: true });
    await login(pair);
    const e = pair.emulator;
    const steps = record(pair, 'login-step');
    e.phone.on('qr', (qr) => {
      if (qr.push) e.phone.cancel(qr.uuid);
      else {
        e.phone.scan(qr.uuid);
        e.phone.confirm(qr.uuid);
      }
    });
    const readyAgain = waitForEvent(pair, 'ready', 15_000);
    e.faults.inject('synccheck', { kind: 'expire' }, { times: 1 });
    await readyAgain;
    expect(steps.map((s) => `${s.step}:${s.outcome}`)).toEqual([
      'push:trying',
      'push:failed',
      'qr:trying',
      'qr:succeeded',
    ]);
    expect(pair.client.state).toBe('ready');
    expect(pair.events.logout).toEqual([]);
  });

  it('without autoRelogin the session ends with its reason', async () => {
    pair = await startPair(FAST, CLIENT);
    await login(pair);
    const ended = waitForEvent(pair, 'logout');
    pair.emulator.faults.inject('synccheck', { kind: 'expire', code: 1102 }, { times: 1 });
    expect((await ended).reason).toBe('session-expired');
  });
});

describe('rate limits (1205)', () => {
  it('slow the sender down and retry with the same ClientMsgId; the phone sees one message', async () => {
    pair = await startPair(FAST, {
      ...CLIENT,
      rateLimit: { baseDelayMs: 20, maxDelayMs: 500 },
      store: new MemoryStore(),
    });
    await login(pair);
    const e = pair.emulator;
    const retries = record(pair, 'send-retry');
    e.faults.inject('webwxsendmsg', { kind: 'ret', ret: 1205 }, { times: 3 });
    e.faults.inject('webwxsendmsg', { kind: 'malformed' }, { times: 1 });
    const friend = pair.client.contacts.list().find((c) => c.userName.startsWith('@'))!;
    const [first, second] = await Promise.all([
      pair.client.sendText(friend.userName, 'slow down 1'),
      pair.client.sendText(friend.userName, 'slow down 2'),
    ]);
    expect(retries.map((r) => r.ret)).toEqual([1205, 1205, 1205, undefined]);
    expect(new Set(retries.map((r) => r.clientMsgId)).size).toBe(1);
    expect(retries[0]!.clientMsgId).toBe(first.localId);
    const delays = retries.slice(0, 3).map((r) => r.delayMs);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    const sent = e.phone.sent().filter((r) => r.content.startsWith('slow down'));
    expect(sent.map((r) => r.content)).toEqual(['slow down 1', 'slow down 2']);
    expect(sent[0]!.msgId).toBe(first.msgId);
    expect(second.msgId).not.toBe(first.msgId);
  });

  it('gives up after maxAttempts with the ProtocolError', async () => {
    pair = await startPair(FAST, { ...CLIENT, rateLimit: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } });
    await login(pair);
    pair.emulator.faults.inject('webwxsendmsg', { kind: 'ret', ret: 1205 });
    const friend = pair.client.contacts.list().find((c) => c.userName.startsWith('@'))!;
    await expect(pair.client.sendText(friend.userName, 'never')).rejects.toMatchObject({ ret: 1205 });
    expect(pair.client.state).toBe('ready');
  });
});

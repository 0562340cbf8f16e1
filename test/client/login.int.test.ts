/** The QR login against the real emulator: expiry and renewal, refusal, stop() while waiting. */
import { afterEach, describe, expect, it } from 'vitest';
import { LoginRefusedError } from '../../src/errors.js';
import { type Pair, startPair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

describe('login (client ↔ emulator)', () => {
  it('a first QR that expires is replaced by a second one, which is scanned and confirmed', async () => {
    pair = await startPair();
    const { client, emulator, events } = pair;
    const { phone } = emulator;
    const started = client.start();

    const first = await phone.waitForQr({ timeoutMs: 5000 });
    phone.expire(first.uuid);
    const second = await phone.waitForQr({ timeoutMs: 5000, after: first.uuid });
    expect(second.uuid).not.toBe(first.uuid);
    const scanned = client.once('scanned');
    phone.scan(second.uuid);
    await scanned;
    expect(client.state).toBe('scanned');
    phone.confirm(second.uuid);
    await started;

    expect(events.qr.map((q) => q.uuid)).toEqual([first.uuid, second.uuid]);
    for (const qr of events.qr) {
      expect(qr.url).toContain(qr.uuid);
      expect(qr.imageUrl).toBe(`${emulator.baseUrl}/qrcode/${qr.uuid}`);
      expect(qr.terminal.split('\n').length).toBeGreaterThan(10);
    }
    expect(events.scanned).toHaveLength(1);
    expect(events.login).toHaveLength(1);
    expect(events.login[0]?.self.nickName).toBe(emulator.world.self.nickName);
    expect(events.ready).toHaveLength(1);
    expect(events.state).toEqual(['waiting-for-scan', 'scanned', 'logging-in', 'loading', 'ready']);
    expect(client.state).toBe('ready');
    expect(client.self?.userName).toMatch(/^@/);
    // Status notify Code 3 from self to self (§4.2).
    const notes = phone.statusNotifications();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      code: 3,
      fromUserName: client.self?.userName,
      toUserName: client.self?.userName,
    });
  });

  it('a refused login rejects start() with LoginRefusedError quoting the server', async () => {
    const message = '为了你的帐号安全，此微信号不能登录网页微信。';
    pair = await startPair({ refuseLogin: { ret: 1203, message } });
    const { client, emulator } = pair;
    const started = client.start();
    const qr = await emulator.phone.waitForQr({ timeoutMs: 5000 });
    emulator.phone.scan(qr.uuid);
    emulator.phone.confirm(qr.uuid);
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoginRefusedError);
    expect((error as LoginRefusedError).ret).toBe(1203);
    expect((error as LoginRefusedError).serverMessage).toBe(message);
    expect((error as LoginRefusedError).message).toContain(message);
    expect(client.state).toBe('stopped');
    expect(pair.events.login).toHaveLength(0);
  });

  it('stop() while waiting for the scan rejects start() with an AbortError and ends the poll', async () => {
    pair = await startPair({
      timing: { loginPollHoldMs: 20_000, syncCheckHoldMs: 20_000, qrExpiryMs: 60_000 },
    });
    const { client, emulator } = pair;
    const started = client.start();
    const outcome = started.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await emulator.phone.waitForQr({ timeoutMs: 5000 });
    const t0 = performance.now();
    await client.stop();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await outcome).toMatchObject({ name: 'AbortError' });
    expect(client.state).toBe('stopped');
    await expect(client.start()).rejects.toThrow(/once/);
  });
});

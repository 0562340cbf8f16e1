import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { runCli } from './cli-harness.js';

describe('webwx login --server (line chat against the emulator)', () => {
  let emulator: Emulator;
  let offQr: () => void;

  beforeEach(async () => {
    emulator = await startEmulator({
      world: 'demo',
      timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000 },
    });
    offQr = emulator.phone.on('qr', (qr) => {
      if (qr.state !== 'waiting') return;
      setTimeout(() => {
        emulator.phone.scan(qr.uuid);
        emulator.phone.confirm(qr.uuid);
      }, 50);
    });
  });

  afterEach(async () => {
    offQr();
    await emulator.close();
  });

  it('logs in, prints the counts, receives and sends, and quits with a logout', async () => {
    const run = runCli(['login', '--server', emulator.baseUrl]);
    await run.waitForOutput('Scan this QR code');
    await run.waitForOutput(
      /\[\*\] 3 groups \| \d+ direct contacts \| \d+ special accounts \| 1 official accounts/,
    );
    expect(run.stdout()).toContain('Logged in as 小明');

    // Incoming: a friend, then a group member (with the group's name and the member's display name).
    emulator.phone.sendText({ from: 'Alice Smith', text: 'hi there' });
    await run.waitForOutput('Alice Smith: hi there');
    emulator.phone.sendText({ from: 'wxid_mama11', room: '相亲相爱一家人', text: '吃饭了' });
    await run.waitForOutput('[相亲相爱一家人] 妈妈: 吃饭了');

    // Outgoing by remark name, with ':' inside the text.
    run.stdin.write('->老张:你好: 10:30 见 👋\n');
    const sent = await emulator.phone.waitForSent((r) => r.to === 'wxid_zhangwei01', { timeoutMs: 10_000 });
    expect(sent.content).toBe('你好: 10:30 见 👋');
    await run.waitForOutput('sent to 老张');

    // An unknown name lists the close matches.
    run.stdin.write('->Bobbby:hi\n');
    await run.waitForOutput(/no contact or group named "Bobbby"\. Did you mean: .*Bobby/);

    run.stdin.write('quit\n');
    expect(await run.exit).toBe(0);
    expect(emulator.phone.sessions().some((s) => s.endReason === 'client-logout')).toBe(true);
  });

  it('ends with exit code 3 when the phone logs the session out', async () => {
    const run = runCli(['login', '--server', emulator.baseUrl]);
    await run.waitForOutput('[*] 3 groups');
    emulator.phone.logout(1100);
    await run.waitForOutput('session ended: logged-out-on-phone');
    expect(await run.exit).toBe(3);
  });
});

describe('webwx demo', () => {
  it('logs in to the embedded emulator and shows simulated chatter', async () => {
    const run = runCli(['demo', '--duration', '20', '--scan-delay', '0.2']);
    await run.waitForOutput('webwx demo: an emulated Web WeChat server at http://127.0.0.1:');
    await run.waitForOutput(/Play the phone yourself in a browser: http:\/\/127\.0\.0\.1:\d+\/__phone\//);
    await run.waitForOutput('Scan this QR code');
    await run.waitForOutput('Logged in as 小明', 15_000);
    await run.waitForOutput('[*] 3 groups');
    // The first spontaneous message comes 1.5 s after login.
    await run.waitForOutput(/\d\d:\d\d (\[[^\]]+\] )?[^:\n]+: .+/, 15_000);
    run.abort();
    expect(await run.exit).toBe(130);
  }, 40_000);
});

describe('webwx demo --duration', () => {
  it('exits 0 by itself when the duration is over', async () => {
    const run = runCli(['demo', '--duration', '4', '--scan-delay', '0.1']);
    await run.waitForOutput('Logged in as 小明', 10_000);
    expect(await run.exit).toBe(0);
  }, 20_000);
});

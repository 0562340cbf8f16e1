/** `webwx emulator --fault … --timing …`: faults and timing from the command line, seen over HTTP. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-harness.js';

describe('webwx emulator --fault and --timing', () => {
  it('injects the faults once listening and sets the timing', async () => {
    const run = runCli([
      'emulator',
      '--fault',
      'jslogin:http-status=502@1',
      '--fault',
      'webwxsync:delay=10',
      '--timing',
      'syncCheckHoldMs=1s,qrExpiryMs=90s',
    ]);
    await run.waitForOutput('Press Ctrl-C');
    const out = run.stdout();
    expect(out).toContain('fault:   jslogin {"kind":"http-status","status":502} ×1');
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    expect((await fetch(`${base}/jslogin?appid=wx782c26e4c19acffb`)).status).toBe(502);
    expect((await fetch(`${base}/jslogin?appid=wx782c26e4c19acffb`)).status).toBe(200);
    const faults = (await (await fetch(`${base}/__phone/faults`)).json()) as { endpoint: string }[];
    expect(faults.map((f) => f.endpoint)).toEqual(['webwxsync']);
    expect(await (await fetch(`${base}/__phone/timing`)).json()).toEqual({
      loginPollHoldMs: 25_000,
      syncCheckHoldMs: 1000,
      qrExpiryMs: 90_000,
    });
    run.abort();
    expect(await run.exit).toBe(0);
  });

  it('a fault the emulator refuses is a usage error', async () => {
    const run = runCli(['emulator', '--fault', 'synccheck:http-status=42']);
    expect(await run.exit).not.toBe(0);
    expect(run.stderr()).toMatch(/--fault: faults\.inject: status must be an HTTP status code/);
  });
});

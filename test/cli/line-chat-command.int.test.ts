import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canRunFullScreen } from '../../src/cli/chat-command.js';
import type { Emulator } from '../../src/emulator/index.js';
import { startAutoConfirmingEmulator } from '../bot/logged-in.js';
import { runCli } from './cli-harness.js';

describe('webwx chat', () => {
  let emulator: Emulator;

  beforeEach(async () => {
    emulator = await startAutoConfirmingEmulator();
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('is listed with its options', async () => {
    const run = runCli(['chat', '--help']);
    expect(await run.exit).toBe(0);
    for (const flag of ['--server', '--plain', '--download-dir', '--rules', '--webhook'])
      expect(run.stdout()).toContain(flag);
  });

  it('runs the line chat when stdout is not a terminal, with every kind on one line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'webwx-chat-'));
    const run = runCli(['--data-dir', dataDir, 'chat', '--server', emulator.baseUrl]);
    await run.waitForOutput('[*] 3 groups');
    emulator.phone.sendMessage({
      kind: 'location',
      from: 'Alice Smith',
      label: '北京市海淀区',
      latitude: 39.98,
      longitude: 116.31,
    });
    await run.waitForOutput(/Alice Smith: \[location: 北京市海淀区/);
    emulator.phone.sendMessage({ kind: 'card', from: 'wxid_mama11', room: '相亲相爱一家人', card: '老张' });
    await run.waitForOutput(/\[相亲相爱一家人\] 妈妈: \[contact card: /);
    run.stdin.write('->Alice Smith:on my way\n');
    await run.waitForOutput('sent to Alice Smith');
    run.stdin.write('quit\n');
    expect(await run.exit).toBe(0);
  });

  it('uses the full screen only when both stdin and stdout are terminals', () => {
    const io = (stdinTty: boolean, stdoutTty: boolean) =>
      ({ stdin: { isTTY: stdinTty }, stdout: {}, stderr: {}, env: {}, isTty: stdoutTty }) as never;
    expect(canRunFullScreen(io(true, true))).toBe(true);
    expect(canRunFullScreen(io(false, true))).toBe(false);
    expect(canRunFullScreen(io(true, false))).toBe(false);
  });
});

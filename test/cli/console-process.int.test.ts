/**
 * `webwx console` as a real child process (node --import tsx src/cli/run.ts): it answers the phone,
 * takes `webwx notify`, and on SIGTERM kills the programs still running, removes console.json and exits 130.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleFilePath } from '../../src/cli/console-file.js';
import type { Emulator } from '../../src/emulator/index.js';
import { alive } from '../bot/console/process-alive.js';
import { startAutoConfirmingEmulator } from '../bot/logged-in.js';
import { runCli } from './cli-harness.js';

const RUN = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));

let emulator: Emulator | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await emulator?.close();
});

function waitForLine(
  proc: ChildProcess,
  text: string,
  output: { text: string },
  timeoutMs = 20_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" in:\n${output.text}`)), timeoutMs);
    const check = () => {
      if (!output.text.includes(text)) return;
      clearTimeout(timer);
      proc.stdout?.off('data', check);
      resolve();
    };
    proc.stdout?.on('data', check);
    check();
  });
}

describe('webwx console as a process', () => {
  it('answers the phone and notify, and cleans up on SIGTERM', async () => {
    emulator = await startAutoConfirmingEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'webwx-console-process-'));
    const dataDir = join(dir, 'data');
    const config = join(dir, 'config.json');
    const pidFile = join(dir, 'forever.pid');
    const forever = `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    writeFileSync(
      config,
      JSON.stringify({ commands: { forever: { run: [process.execPath, '-e', forever] } } }),
    );
    const output = { text: '' };
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        RUN,
        '--data-dir',
        dataDir,
        'console',
        '--config',
        config,
        '--server',
        emulator.baseUrl,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WEBWX_LOG_LEVEL: 'silent' } },
    );
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      output.text += s;
    });
    child.stderr?.resume();
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    await waitForLine(child, 'Console running on the File Transfer web', output);

    await emulator.phone.writeToFileHelper({ text: '/ping' });
    expect((await emulator.phone.waitForSent((r) => r.to === 'filehelper')).content).toBe('pong');
    const notify = runCli(['--data-dir', dataDir, 'notify', 'from cron']);
    expect(await notify.exit).toBe(0);
    expect((await emulator.phone.waitForSent((r) => r.to === 'filehelper')).content).toBe('from cron');

    await emulator.phone.writeToFileHelper({ text: '/forever' });
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(existsSync(consoleFilePath(dataDir))).toBe(false);
    // The program still running was stopped with the console.
    expect(alive(pid)).toBe(false);
  }, 40_000);
});

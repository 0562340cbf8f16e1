/** The runner with real child processes (node -e): argv without a shell, time limit, truncation. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/bot/console/command-runner.js';
import { alive } from './process-alive.js';

const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'webwx-runner-'));

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

const base = { timeoutMs: 10_000, maxOutputBytes: 10_000 };

describe('runCommand', () => {
  it('reports the exit code and stdout and stderr together', async () => {
    const result = await runCommand({
      ...base,
      file: node,
      args: [
        '-e',
        'process.stdout.write("out\\n"); setTimeout(() => { process.stderr.write("err\\n"); process.exit(3); }, 20)',
      ],
    });
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, truncated: false });
    expect(result.output).toBe('out\nerr\n');
  });

  it('passes each argument as one argv entry, never through a shell', async () => {
    const words = ['$(touch pwned)', ';', 'rm -rf /', '`id`', '*', '|', '"quoted"', ''];
    const result = await runCommand({
      ...base,
      file: node,
      args: ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...words],
      cwd: dir,
    });
    expect(JSON.parse(result.output)).toEqual(words);
    expect(() => readFileSync(join(dir, 'pwned'))).toThrow();
  });

  it('kills the whole process group on the time limit', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const script = [
      "const { spawn } = require('node:child_process');",
      "const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));`,
      "process.stdout.write('started\\n');",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const result = await runCommand({
      ...base,
      file: node,
      args: ['-e', script],
      timeoutMs: 1500,
      killGraceMs: 500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    expect(result.output).toBe('started\n');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitUntil(() => !alive(grandchild))).toBe(true);
  });

  it('SIGKILLs a program that ignores SIGTERM', async () => {
    const result = await runCommand({
      ...base,
      file: node,
      args: ['-e', "process.on('SIGTERM', () => {}); process.stdout.write('x'); setInterval(() => {}, 1000)"],
      timeoutMs: 800,
      killGraceMs: 300,
    });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
  });

  it('keeps at most maxOutputBytes and counts the rest', async () => {
    const result = await runCommand({
      ...base,
      file: node,
      args: ['-e', "process.stdout.write('a'.repeat(200000))"],
      maxOutputBytes: 1000,
    });
    expect(result).toMatchObject({ exitCode: 0, truncated: true, outputBytes: 200_000 });
    expect(result.output).toBe('a'.repeat(1000));
  });

  it('does not cut a character in half', async () => {
    const result = await runCommand({
      ...base,
      file: node,
      args: ['-e', "process.stdout.write('好'.repeat(10))"],
      maxOutputBytes: 10,
    });
    expect(result.output).toBe('好好好');
    expect(result.truncated).toBe(true);
  });

  it('says why a program could not start', async () => {
    const result = await runCommand({ ...base, file: join(dir, 'no-such-program'), args: [] });
    expect(result.exitCode).toBeNull();
    expect(result.startError).toMatch(/ENOENT/);
  });

  it('stops the program when the signal aborts', async () => {
    const controller = new AbortController();
    const running = runCommand({
      ...base,
      file: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    expect(await running).toMatchObject({ aborted: true, timedOut: false, signal: 'SIGTERM' });
  });

  it('returns when the program exits even if a background child holds its output open', async () => {
    const script =
      "require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 3000)'], { stdio: 'inherit', detached: true }).unref(); process.stdout.write('bye')";
    const result = await runCommand({ ...base, file: node, args: ['-e', script], pipeGraceMs: 300 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, output: 'bye' });
  });
});

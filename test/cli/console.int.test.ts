/**
 * `webwx console` and `webwx notify` against the emulator's File Transfer web: commands from the
 * phone, a configured program and its timeout, files saved with their bytes, notifications pushed,
 * what is not a command left alone, and a restart that needs no scan.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleFilePath } from '../../src/cli/console-file.js';
import type { Emulator, SentRecord } from '../../src/emulator/index.js';
import { startAutoConfirmingEmulator } from '../bot/logged-in.js';
import { type CliRun, runCli } from './cli-harness.js';

const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'webwx-console-'));
const marker = join(dir, 'touched');
const configFile = join(dir, 'console.json');
writeFileSync(
  configFile,
  JSON.stringify({
    commands: {
      greet: {
        run: [node, '-e', "process.stdout.write('hello ' + process.argv.slice(1).join('+'))"],
        args: true,
        description: 'says hello',
      },
      touch: { run: [node, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`] },
      sleepy: { run: [node, '-e', 'setInterval(() => {}, 1000)'], timeoutSeconds: 1 },
    },
  }),
);

let emulator: Emulator;
let runs: CliRun[] = [];

beforeEach(async () => {
  emulator = await startAutoConfirmingEmulator();
});

afterEach(async () => {
  for (const run of runs) run.abort();
  await Promise.all(runs.map((r) => r.exit.catch(() => undefined)));
  runs = [];
  await emulator.close();
});

function start(args: string[], dataDir = mkdtempSync(join(tmpdir(), 'webwx-console-data-'))): CliRun {
  const run = runCli(['--data-dir', dataDir, 'console', '--server', emulator.baseUrl, ...args]);
  runs.push(run);
  return run;
}

const toFileHelper = (content?: string | RegExp) => (r: SentRecord) =>
  r.to === 'filehelper' &&
  (content === undefined || (typeof content === 'string' ? r.content === content : content.test(r.content)));

const replyTo = async (text: string, content?: string | RegExp): Promise<string> => {
  await emulator.phone.writeToFileHelper({ text });
  return (await emulator.phone.waitForSent(toFileHelper(content), { timeoutMs: 10_000 })).content;
};

describe('webwx console (File Transfer web)', () => {
  it('answers commands from the phone: ping, a configured program, a timeout', async () => {
    const run = start(['--config', configFile]);
    await run.waitForOutput('Console running on the File Transfer web');
    expect(emulator.phone.sessions().some((s) => s.state === 'active')).toBe(true);

    expect(await replyTo('/ping')).toBe('pong');
    expect(await replyTo('/greet a "b c"')).toMatch(
      /^\$ \/greet a "b c" → exit 0 \([\d.]+ s\)\nhello a\+b c$/,
    );
    expect(await replyTo('/sleepy')).toMatch(
      /^\$ \/sleepy → timed out after 1\.0 s; its process group was killed/,
    );
    expect(await replyTo('/help')).toContain('/greet [args…] – says hello');
    expect(await replyTo('/status')).toMatch(
      /app filehelper[\s\S]*login state: ready[\s\S]*messages handled: 5/,
    );
    await run.waitForOutput('ran /sleepy: timed out');
  }, 30_000);

  it('saves a file and a photo from the phone with the same bytes, and says where', async () => {
    const filesDir = join(dir, 'files');
    const run = start(['--files-dir', filesDir]);
    await run.waitForOutput('Console running');
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    await emulator.phone.writeToFileHelper({ kind: 'file', bytes, fileName: '../../etc/report 1.bin' });
    const reply = (await emulator.phone.waitForSent(toFileHelper(/^Saved to /), { timeoutMs: 10_000 }))
      .content;
    const path = /^Saved to (.+) \((\d+) bytes\)\.$/.exec(reply);
    expect(path?.[1]).toBe(join(filesDir, 'report 1.bin'));
    expect(Number(path?.[2])).toBe(bytes.length);
    expect(readFileSync(path?.[1] ?? '')).toEqual(bytes);

    const png = readFileSync(new URL('../../src/emulator/demo-world.ts', import.meta.url)).subarray(0, 10);
    await emulator.phone.writeToFileHelper({ kind: 'image', bytes: png });
    const image = (await emulator.phone.waitForSent(toFileHelper(/^Saved to /), { timeoutMs: 10_000 }))
      .content;
    const imagePath = /^Saved to (.+) \(\d+ bytes\)\.$/.exec(image)?.[1] ?? '';
    expect(imagePath.startsWith(filesDir)).toBe(true);
    expect(readFileSync(imagePath)).toEqual(png);
  }, 30_000);

  it('webwx notify pushes a text and a file to the phone; the address file goes with the console', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'webwx-console-notify-'));
    const run = start([], dataDir);
    await run.waitForOutput('Console running');
    expect(existsSync(consoleFilePath(dataDir))).toBe(true);
    expect(run.stdout()).not.toContain(JSON.parse(readFileSync(consoleFilePath(dataDir), 'utf8')).token);

    const text = runCli(['--data-dir', dataDir, 'notify', 'disk 91% full']);
    expect(await text.exit).toBe(0);
    expect((await emulator.phone.waitForSent(toFileHelper('disk 91% full'))).type).toBe(1);

    const file = join(dir, 'backup.log');
    writeFileSync(file, 'backup ok\n'.repeat(100));
    const sendFile = runCli(['--data-dir', dataDir, 'notify', '--file', file]);
    expect(await sendFile.exit).toBe(0);
    const sent = await emulator.phone.waitForSent((r) => r.to === 'filehelper' && r.media !== undefined);
    expect(sent.media?.fileName).toBe('backup.log');
    expect(await sent.media?.bytes()).toEqual(readFileSync(file));

    // The console's own sends are not commands: a notified "/ping" gets no pong.
    const ping = runCli(['--data-dir', dataDir, 'notify', '/ping']);
    expect(await ping.exit).toBe(0);
    await emulator.phone.waitForSent(toFileHelper('/ping'));
    expect(await replyTo('/status', /^webwx console/)).toMatch(/messages handled: 1;/);
    expect(emulator.phone.sent().filter((r) => r.content === 'pong')).toHaveLength(0);

    run.abort();
    expect(await run.exit).toBe(130);
    expect(existsSync(consoleFilePath(dataDir))).toBe(false);
    const after = runCli(['--data-dir', dataDir, 'notify', 'anyone there?']);
    expect(await after.exit).toBe(1);
    expect(after.stderr()).toMatch(/no console is running/);
  }, 30_000);

  it('hands texts that are not commands to the reply source (--auto-reply --rules)', async () => {
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ keyword: 'weather', reply: 'sunny (rules)' }] }));
    const run = start(['--auto-reply', '--rules', rules]);
    await run.waitForOutput('Console running');
    expect(await replyTo('what is the weather like')).toBe('sunny (rules)');
    expect(await replyTo('/ping')).toBe('pong');
    await run.waitForOutput('auto-reply from rules');
  }, 30_000);

  it('a restart resumes the saved session without a scan', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'webwx-console-restart-'));
    const first = start([], dataDir);
    await first.waitForOutput('Console running');
    expect(first.stdout()).toContain('Scan this QR code');
    first.abort();
    expect(await first.exit).toBe(130);

    const qrs = emulator.phone.qrCodes().length;
    const second = start([], dataDir);
    await second.waitForOutput('Console running');
    expect(second.stdout()).toContain('Resuming the saved session');
    expect(second.stdout()).not.toContain('Scan this QR code');
    expect(emulator.phone.qrCodes().length).toBe(qrs);
    expect(await replyTo('/ping')).toBe('pong');
  }, 30_000);
});

describe('webwx console --app web', () => {
  it('runs only the account’s own File Transfer messages: not a friend’s, not another chat’s, not a note', async () => {
    const run = start(['--app', 'web', '--config', configFile]);
    await run.waitForOutput('Console running on the main web login');
    emulator.phone.sendText({ from: '老张', text: '/touch' });
    emulator.phone.sendText({ from: '老张', text: '/ping' });
    await emulator.phone.writeToFileHelper({ text: 'touch' });
    await emulator.phone.writeToFileHelper({ text: 'a note: /touch later' });
    // Answered after the messages above: they were all looked at by then (one chat, in order).
    expect(await replyTo('/ping')).toBe('pong');
    expect(existsSync(marker)).toBe(false);
    expect(emulator.phone.sent().filter((r) => r.to !== 'filehelper')).toEqual([]);
    expect(emulator.phone.sent().map((r) => r.content)).toEqual(['pong']);
    expect(await replyTo('/touch', /^\$ \/touch/)).toMatch(/exit 0/);
    expect(existsSync(marker)).toBe(true);
  }, 30_000);
});

describe('webwx console: bad input', () => {
  it('says what is wrong before logging in', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ commands: { sh: { shell: true } } }));
    const cases: [string[], RegExp][] = [
      [
        ['--config', bad],
        /--config: .*bad\.json: commands\.sh\.shell: a shell command needs "allowShell": true/,
      ],
      [['--app', 'wechat'], /--app: expected one of web, filehelper/],
      [['--rules', configFile], /needs --auto-reply/],
      [['--config', join(dir, 'missing.json')], /cannot read the console config/],
    ];
    for (const [args, message] of cases) {
      const run = runCli(['console', ...args]);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toMatch(message);
    }
    expect(emulator.phone.qrCodes()).toEqual([]);
  });
});

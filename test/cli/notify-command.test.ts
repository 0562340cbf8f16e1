/** `webwx notify` against a stand-in for the console's HTTP API (a local server), and without a console. */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  consoleFilePath,
  readConsoleFile,
  removeConsoleFile,
  writeConsoleFile,
} from '../../src/cli/console-file.js';
import { type LocalServer, startLocalServer } from '../bot/local-server.js';
import { runCli } from './cli-harness.js';

const servers: LocalServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const token = 'console-token-0123456789abcdef';

async function dataDirFor(url: string): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'webwx-notify-'));
  await writeConsoleFile(dataDir, { url, token, pid: process.pid, app: 'filehelper', startedAt: Date.now() });
  return dataDir;
}

async function fakeConsole(): Promise<LocalServer> {
  const server = await startLocalServer((req) =>
    req.headers.authorization === `Bearer ${token}`
      ? { body: JSON.stringify({ msgId: '123', localId: '1', toUserName: 'filehelper' }) }
      : { status: 401, body: '' },
  );
  servers.push(server);
  return server;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the console address file', () => {
  it('is written 0600 and removed only by the console that wrote it', async () => {
    const dataDir = await dataDirFor('http://127.0.0.1:1');
    expect(statSync(consoleFilePath(dataDir)).mode & 0o777).toBe(0o600);
    expect(await readConsoleFile(dataDir)).toMatchObject({ url: 'http://127.0.0.1:1', token });
    await removeConsoleFile(dataDir, 'another console’s token');
    expect(await readConsoleFile(dataDir)).toBeDefined();
    await removeConsoleFile(dataDir, token);
    expect(await readConsoleFile(dataDir)).toBeUndefined();
  });
});

describe('webwx notify', () => {
  it('POSTs the text to filehelper with the console’s token', async () => {
    const api = await fakeConsole();
    const run = runCli(['--data-dir', await dataDirFor(api.url), 'notify', 'backup', 'done ✓']);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toBe('Sent the text to File Transfer.\n');
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'POST', url: '/v1/messages/text' });
    expect(JSON.parse(api.requests[0]?.body ?? '')).toEqual({ to: 'filehelper', text: 'backup done ✓' });
    expect(run.stdout() + run.stderr()).not.toContain(token);
  });

  it('sends a file (and an image) as base64 with its base name', async () => {
    const api = await fakeConsole();
    const dir = mkdtempSync(join(tmpdir(), 'webwx-notify-files-'));
    const file = join(dir, 'report.csv');
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    writeFileSync(file, bytes);
    const run = runCli(['--data-dir', await dataDirFor(api.url), 'notify', '--file', file, '--image', file]);
    expect(await run.exit).toBe(0);
    expect(api.requests.map((r) => r.url)).toEqual(['/v1/messages/image', '/v1/messages/file']);
    const body = JSON.parse(api.requests[1]?.body ?? '');
    expect(body).toMatchObject({ to: 'filehelper', fileName: 'report.csv' });
    expect(Buffer.from(body.data, 'base64')).toEqual(bytes);
  });

  it('reads the text from stdin when none is given', async () => {
    const api = await fakeConsole();
    const run = runCli(['--data-dir', await dataDirFor(api.url), 'notify']);
    run.stdin.end('Filesystem 92% full\n');
    expect(await run.exit).toBe(0);
    expect(JSON.parse(api.requests[0]?.body ?? '').text).toBe('Filesystem 92% full');
  });

  it('says so when no console is running: no address file, or nothing listening', async () => {
    const none = runCli(['--data-dir', mkdtempSync(join(tmpdir(), 'webwx-notify-none-')), 'notify', 'hi']);
    expect(await none.exit).toBe(1);
    expect(none.stderr()).toMatch(/no console is running: .*console\.json does not exist/);

    const stale = runCli([
      '--data-dir',
      await dataDirFor(`http://127.0.0.1:${await closedPort()}`),
      'notify',
      'hi',
    ]);
    expect(await stale.exit).toBe(1);
    expect(stale.stderr()).toMatch(/no console is running: nothing answers at http:\/\/127\.0\.0\.1:\d+/);
    expect(stale.stderr()).not.toContain(token);
  });

  it('reports a refused token and the API’s own error', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'webwx-notify-bad-'));
    const api = await startLocalServer((req) =>
      req.url === '/v1/messages/text'
        ? { status: 401, body: '' }
        : {
            status: 503,
            body: JSON.stringify({ error: 'the client is not logged in (state: reconnecting)' }),
          },
    );
    servers.push(api);
    await writeConsoleFile(dataDir, { url: api.url, token, pid: process.pid, app: 'web', startedAt: 0 });
    const refused = runCli(['--data-dir', dataDir, 'notify', 'x']);
    expect(await refused.exit).toBe(1);
    expect(refused.stderr()).toMatch(/refused the token/);
    const file = join(dataDir, 'a.txt');
    writeFileSync(file, 'a');
    const failed = runCli(['--data-dir', dataDir, 'notify', '--file', file]);
    expect(await failed.exit).toBe(1);
    expect(failed.stderr()).toContain(
      'the console could not send it: the client is not logged in (state: reconnecting)',
    );
  });

  it('checks its input before calling the console', async () => {
    const api = await fakeConsole();
    const dataDir = await dataDirFor(api.url);
    const missing = runCli(['--data-dir', dataDir, 'notify', '--file', join(dataDir, 'nope.bin')]);
    expect(await missing.exit).toBe(2);
    expect(missing.stderr()).toMatch(/--file: cannot read .*ENOENT/);
    const empty = runCli(['--data-dir', dataDir, 'notify']);
    empty.stdin.end('');
    expect(await empty.exit).toBe(2);
    expect(empty.stderr()).toMatch(/nothing to send/);
    expect(api.requests).toHaveLength(0);
  });
});

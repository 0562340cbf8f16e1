/**
 * A restarted process resumes from its SqliteStore and answers its first message before it loads
 * tough-cookie: the saved cookie headers serve its requests, and the refreshes in its first sync reply
 * are held (src/transport/cookie-store.ts). Run as a real process, since the test runner has loaded
 * tough-cookie long before.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/index.js';
import { restartFixture, waitForId } from './restart-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'webwx-resume-jar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { emu, sqlites, start } = restartFixture();

/** The restarted process: resumes, echoes the first text, then reports what it had loaded and when. */
const RESTARTED = `
import { createRequire } from 'node:module';
import { createClient, SqliteStore } from './src/index.ts';
const cache = createRequire(import.meta.url).cache;
const jarLoaded = () => Object.keys(cache).some((k) => /[\\\\/]tough-cookie[\\\\/]/.test(k));
const [server, file] = process.argv.slice(-2);
const store = new SqliteStore(file);
const client = createClient({ server, store, pacing: false });
const report = { steps: [], atStart: jarLoaded() };
client.on('login-step', (s) => report.steps.push(s.step + ':' + s.outcome));
client.on('error', () => {});
const done = new Promise((resolve) => {
  client.on('message', async (m) => {
    if (m.kind !== 'text' || m.isSelf) return;
    report.atMessage = jarLoaded();
    await client.sendText(m.chat.userName, 'echo: ' + m.text);
    report.afterReply = jarLoaded();
    resolve();
  });
});
await client.start();
await done;
await client.stop();
store.close();
console.log(JSON.stringify(report));
`;

describe('a resumed process and its cookie jar', () => {
  it('answers its first message without loading tough-cookie', async () => {
    const e = await emu();
    const file = join(dir, 'webwx.db');
    const store = new SqliteStore(file);
    sqlites.push(store);
    const first = await start(e, store);
    const friend = e.world.listedContacts()[0]!.id;
    const a = e.phone.sendText({ from: friend, text: 'before' });
    await waitForId(first, a.msgId); // a sync round: its Set-Cookie headers are in the saved jar
    await first.client.stop();
    store.close();
    sqlites.splice(0);

    const echoed = new Promise<string>((resolve) => {
      const off = e.phone.on('sent', (r) => {
        if (r.content.startsWith('echo: ')) {
          off();
          resolve(r.content);
        }
      });
    });
    e.phone.sendText({ from: friend, text: 'while it was down' });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', RESTARTED, '--', e.baseUrl, file],
      { cwd: process.cwd(), timeout: 30_000 },
    );
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
    expect(await echoed).toBe('echo: while it was down');
    expect(report.steps).toEqual(['resume:trying', 'resume:succeeded']);
    expect(report).toMatchObject({ atStart: false, atMessage: false, afterReply: false });
  }, 40_000);
});

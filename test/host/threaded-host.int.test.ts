/**
 * ThreadedAccountHost against one emulator with four accounts over two threads: each account logged
 * in by its QR code relayed from its thread, a setup module's handler echoing in every thread, errors
 * crossing back as AccountError, a thread that dies replaced with its accounts reopened from their
 * stores without a QR code while the other thread's accounts keep chatting, removal, and a restart
 * of the whole host resuming every account.
 */
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Emulator, multiAccountWorld, startEmulator } from '../../src/emulator/index.js';
import { AccountError, HostThreadError, ThreadedAccountHost } from '../../src/host/index.js';
import { recordingLogger } from '../recording-logger.js';
import { until } from '../until.js';

const ACC = (n: number) => `wxid_account00${n}`;
const FRIEND = (n: number) => `wxid_a00${n}_f01`;
const SETUP = new URL('./fixtures/echo-setup.ts', import.meta.url);

let emu: Emulator;
let dataDir: string;
let host: ThreadedAccountHost | undefined;
const qrs: string[] = [];

function startHost(): ThreadedAccountHost {
  const made = new ThreadedAccountHost({
    threads: 2,
    setup: SETUP,
    dataDir,
    client: {
      server: emu.baseUrl,
      pacing: false,
      timeouts: { requestMs: 20_000, syncCheckMs: 60_000, loginPollMs: 10_000 },
    },
  });
  // Each account's QR code, confirmed on that account's phone (the account id is its phone's number).
  made.on('account-qr', ({ id, qr }) => {
    qrs.push(id);
    const phone = emu.phoneOf(ACC(Number(id.slice(1))));
    phone.scan(qr.uuid);
    phone.confirm(qr.uuid);
  });
  return made;
}

async function allReady(h: ThreadedAccountHost, n: number): Promise<void> {
  await until(`${n} accounts ready`, async () => {
    const list = await h.list();
    return list.length === n && list.every((a) => a.state === 'ready');
  });
}

/** A text from account n's friend, and its echo from the setup module, seen on account n's phone. */
async function echoes(n: number, text: string): Promise<void> {
  emu.phoneOf(ACC(n)).sendText({ from: FRIEND(n), text });
  const echo = await emu
    .phoneOf(ACC(n))
    .waitForSent((r) => r.content === `a${n}: ${text}`, { timeoutMs: 10_000 });
  expect(echo.to).toBe(FRIEND(n));
}

beforeAll(async () => {
  emu = await startEmulator({
    world: multiAccountWorld({ accounts: 4 }),
    timing: { loginPollHoldMs: 300, syncCheckHoldMs: 300, qrExpiryMs: 60_000 },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'webwx-threaded-host-'));
}, 30_000);

afterAll(async () => {
  await host?.close();
  await emu?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('spreads accounts over its threads; each logs in by a relayed QR and echoes through the setup module', async () => {
  host = startHost();
  for (const n of [1, 2, 3, 4]) await host.add({ id: `a${n}` });
  await allReady(host, 4);
  expect(qrs.sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
  for (const n of [1, 2, 3, 4]) await echoes(n, `hello ${n}`);

  // Errors cross the thread boundary typed.
  await expect(host.add({ id: 'a1' })).rejects.toBeInstanceOf(AccountError);
  await expect(host.add({ id: 'Bad Id!' })).rejects.toMatchObject({ problem: 'invalid' });
  await expect(host.logout('nobody')).rejects.toMatchObject({ problem: 'unknown' });
  // A spec that cannot cross into a thread: a typed error, and the id stays free.
  await expect(host.add({ id: 'a5', pacing: { onWait: () => {} } as never })).rejects.toMatchObject({
    code: 'invalid-argument',
  });
  await expect(host.logout('a5')).rejects.toMatchObject({ problem: 'unknown' });
  expect((await host.list()).map((a) => a.id).sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
}, 60_000);

it('replaces a thread that dies, reopening its accounts from their stores without a QR; the other thread is untouched', async () => {
  const h = host as ThreadedAccountHost;
  const replaced = new Promise<{ shard: number; reopened: string[] }>((resolve) =>
    h.on('thread-replaced', resolve),
  );
  const qrsBefore = qrs.length;
  // Accounts go to the thread with the fewest: a1 and a3 share thread 0, a2 and a4 thread 1.
  emu.phoneOf(ACC(1)).sendText({ from: FRIEND(1), text: 'crash the thread' });
  // The other thread's accounts keep answering meanwhile.
  await echoes(2, 'still here');
  const event = await replaced;
  expect(event.shard).toBe(0);
  expect(event.reopened.sort()).toEqual(['a1', 'a3']);
  await allReady(h, 4);
  expect(qrs.length).toBe(qrsBefore); // resumed from the stores: no QR code
  await echoes(3, 'after the new thread');
  await echoes(4, 'and the other one');
}, 60_000);

it('removes an account with its directory; a restarted host resumes the rest without a QR', async () => {
  const h = host as ThreadedAccountHost;
  await h.remove('a4');
  expect(existsSync(join(dataDir, 'accounts', 'a4'))).toBe(false);
  await expect(h.remove('a4')).rejects.toMatchObject({ problem: 'unknown' });
  await h.close();
  await expect(h.list()).rejects.toThrow(/closed/);

  const qrsBefore = qrs.length;
  host = startHost();
  const resumed = await host.resume();
  expect(resumed.map((a) => a.id).sort()).toEqual(['a1', 'a2', 'a3']);
  await allReady(host, 3);
  expect(qrs.length).toBe(qrsBefore);
  for (const n of [1, 2, 3]) await echoes(n, `resumed ${n}`);
}, 60_000);

it('backs off reopening a thread that keeps dying on a message, and the other thread keeps answering', async () => {
  const h = host as ThreadedAccountHost;
  const replacedAt: number[] = [];
  h.on('thread-replaced', () => replacedAt.push(Date.now()));
  const deaths: number[] = [];
  // a1's thread ends inside the handler: the message is never recorded and comes again each time.
  const started = Date.now();
  emu.phoneOf(ACC(1)).sendText({ from: FRIEND(1), text: 'poison' });
  await until('three replacements', () => replacedAt.length >= 3, 20_000);
  deaths.push(...replacedAt.map((t) => t - started));
  // At least 250 ms, then 500 ms, 1 s … between reopenings: no tight loop (without the back-off,
  // a few ms each).
  const gaps = deaths.slice(1).map((t, i) => t - (deaths[i] as number));
  expect(gaps.every((g) => g >= 200)).toBe(true);
  expect(deaths.at(-1)).toBeGreaterThanOrEqual(1000);
  // list() fails with HostThreadError when a thread ends during the call: asked again, a2 is ready.
  await until('a2 listed ready', async () =>
    (await h.list().catch(() => [])).some((a) => a.id === 'a2' && a.state === 'ready'),
  );
  await echoes(2, 'unaffected');
  await h.close();
  host = undefined;
}, 60_000);

it('a setup module that does not load fails the calls with HostThreadError, without restarting in a loop', async () => {
  const broken = new ThreadedAccountHost({
    threads: 1,
    setup: new URL('./fixtures/no-such-setup.ts', import.meta.url),
    client: { server: emu.baseUrl },
  });
  const replaced: unknown[] = [];
  broken.on('thread-replaced', (e) => replaced.push(e));
  await expect(broken.add({ id: 'x1' })).rejects.toBeInstanceOf(HostThreadError);
  await expect(broken.list()).rejects.toMatchObject({ code: 'host-thread', shard: 0 });
  await new Promise((r) => setTimeout(r, 300));
  expect(replaced).toEqual([]);
  await broken.close();
}, 30_000);

it("relays the threads' log records at the levels the logger writes, and builds none at the others", async () => {
  const loginWith = async (enabled: boolean) => {
    const rec = recordingLogger(enabled);
    const dir = mkdtempSync(join(tmpdir(), 'webwx-threaded-log-'));
    const h = new ThreadedAccountHost({
      threads: 1,
      dataDir: dir,
      logger: rec.logger,
      client: { server: emu.baseUrl, pacing: false },
    });
    h.on('account-qr', ({ qr }) => {
      emu.phoneOf(ACC(4)).scan(qr.uuid);
      emu.phoneOf(ACC(4)).confirm(qr.uuid);
    });
    await h.add({ id: 'a4' });
    await allReady(h, 1);
    await h.close();
    rmSync(dir, { recursive: true, force: true });
    return rec;
  };
  const all = await loginWith(true);
  // The account lives in the thread: its records can only have come from there.
  const fromThread = all.lines.filter((l) => (l.obj as { account?: string }).account === 'a4');
  expect(fromThread.map((l) => l.msg)).toContain('QR code ready, waiting for a scan');
  expect(fromThread.some((l) => l.level === 'debug')).toBe(true);
  // A logger that writes nothing: the threads post no record at all.
  expect((await loginWith(false)).lines).toEqual([]);
}, 60_000);

it('lets go of the accounts it cannot reopen after a thread dies, so that resume() opens them again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'webwx-threaded-reopen-'));
  const h = new ThreadedAccountHost({
    threads: 1,
    setup: SETUP,
    dataDir: dir,
    client: { server: emu.baseUrl, pacing: false },
  });
  h.on('account-qr', ({ qr }) => {
    emu.phoneOf(ACC(1)).scan(qr.uuid);
    emu.phoneOf(ACC(1)).confirm(qr.uuid);
  });
  try {
    await h.add({ id: 'a1' });
    await allReady(h, 1);
    const states: string[] = [];
    h.on('account-state', ({ id, state }) => states.push(`${id}:${state}`));
    const replaced = new Promise<{ reopened: string[] }>((resolve) => h.on('thread-replaced', resolve));
    // The accounts directory cannot be read when the new thread reopens it (a file in its place).
    const accounts = join(dir, 'accounts');
    renameSync(accounts, `${accounts}-aside`);
    writeFileSync(accounts, 'not a directory');
    emu.phoneOf(ACC(1)).sendText({ from: FRIEND(1), text: 'crash the thread' });
    expect((await replaced).reopened).toEqual([]);
    expect(states).toContain('a1:failed');
    await expect(h.logout('a1')).rejects.toMatchObject({ problem: 'unknown' });

    // Readable again: resume() finds a1 free to open, and it comes back without a QR code.
    rmSync(accounts);
    renameSync(`${accounts}-aside`, accounts);
    const qrsBefore = qrs.length;
    expect((await h.resume()).map((a) => a.id)).toEqual(['a1']);
    await allReady(h, 1);
    expect(qrs.length).toBe(qrsBefore);
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

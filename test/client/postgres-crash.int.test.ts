/**
 * Exactly-once across crashes on PostgreSQL: the crash test of crash.int.test.ts with the child on a
 * PostgresStore (a throwaway server, test/postgres-server.ts). The handler's row and reply join the
 * delivery transaction; killed with SIGKILL at random moments and restarted from the store (resuming
 * the sealed session), the child must record every message exactly once, and every reply must reach
 * the phone exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/postgres-crash-child.ts', import.meta.url));
const MESSAGES = 300;
const ROUNDS = 12;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children = new Set<ChildProcess>();

/** The child on tsx; `ready` when it says so on stdout, `exited` when it is gone. */
function spawnFixture(args: string[]): {
  process: ChildProcess;
  ready: Promise<void>;
  exited: Promise<unknown>;
} {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.add(proc);
  const exited = once(proc, 'exit').finally(() => children.delete(proc));
  const ready = new Promise<void>((resolve) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.includes('"event":"ready"')) resolve();
    });
  });
  return { process: proc, ready, exited };
}

const server = await startTestPostgres();
let emulator: Emulator | undefined;
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await emulator?.close();
  await server?.stop();
}, 60_000);

describe.skipIf(!server)(`crash test on PostgresStore${server ? '' : ` (${POSTGRES_MISSING})`}`, () => {
  it(`${MESSAGES} messages, SIGKILL ${ROUNDS} times: every message handled once, every reply sent once`, async () => {
    const url = server!.url;
    const spawnChild = () => spawnFixture([e.baseUrl, url, 'crash-bot']);
    const e = await startEmulator({
      port: 0,
      timing: { loginPollHoldMs: 500, syncCheckHoldMs: 500 },
      syncBatchSize: 20,
    });
    emulator = e;
    e.phone.on('qr', (qr) => {
      if (!qr.push) e.phone.scan(qr.uuid);
      e.phone.confirm(qr.uuid);
    });
    const friends = e.world.listedContacts().filter((c) => c.kind === undefined || c.kind === 'friend');
    let sent = 0;
    const sendSome = async (count: number): Promise<void> => {
      for (let i = 0; i < count && sent < MESSAGES; i++) {
        e.phone.sendText({ from: friends[sent % friends.length]!.id, text: `crash-${sent}` });
        sent++;
        if (i % 5 === 4) await sleep(2);
      }
    };

    let child = spawnChild();
    await child.ready;
    const qrsAfterLogin = e.phone.qrCodes().length;
    const perRound = Math.ceil(MESSAGES / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([sendSome(perRound), sleep(300 + Math.floor(Math.random() * 900))]);
      child.process.kill('SIGKILL');
      await child.exited;
      child = spawnChild();
      if (round % 4 === 3) {
        await sleep(Math.floor(Math.random() * 600));
        child.process.kill('SIGKILL');
        await child.exited;
        child = spawnChild();
      }
    }
    await sendSome(MESSAGES);

    const reader = new pg.Pool({ connectionString: url, max: 1 });
    reader.on('error', () => {});
    const handledCount = async () =>
      Number((await reader.query('SELECT count(DISTINCT msg_id) AS n FROM handled')).rows[0].n);
    const replies = () => e.phone.sent().filter((r) => r.content.startsWith('reply-'));
    const deadline = Date.now() + 60_000;
    while (
      ((await handledCount()) < MESSAGES || new Set(replies().map((r) => r.content)).size < MESSAGES / 10) &&
      Date.now() < deadline
    ) {
      await sleep(200);
    }
    child.process.kill('SIGTERM');
    await child.exited;

    const rows = (await reader.query('SELECT text FROM handled')).rows as { text: string }[];
    await reader.end();
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.text, (counts.get(r.text) ?? 0) + 1);
    expect([...counts].filter(([, c]) => c > 1)).toEqual([]);
    expect(counts.size).toBe(MESSAGES);
    const replyCounts = new Map<string, number>();
    for (const r of replies()) replyCounts.set(r.content, (replyCounts.get(r.content) ?? 0) + 1);
    expect([...replyCounts].filter(([, c]) => c > 1)).toEqual([]);
    expect(replyCounts.size).toBe(MESSAGES / 10);
    expect(e.phone.qrCodes().length).toBe(qrsAfterLogin);
    expect(e.phone.sessions()).toHaveLength(1);
  }, 180_000);
});

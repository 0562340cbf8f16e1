/**
 * WAL checkpoints: in-thread vs on the worker thread. N SqliteStores (64 KiB cache, as the host's)
 * share one WalCheckpoints; a writer commits small messages to random stores at RATE/s for SECONDS;
 * a 5 ms setInterval records the event loop's gaps (delay beyond 5 ms). Usage:
 *   npx tsx bench/checkpoint-stalls.ts thread|loop [seconds] [rate]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { WalCheckpoints } from '../src/store/wal-checkpoints.js';

const mode = process.argv[2] ?? 'thread';
const seconds = Number(process.argv[3] ?? 20);
const rate = Number(process.argv[4] ?? 1000);
const N = Number(process.argv[5] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'webwx-checkpoint-stalls-'));
const errors: unknown[] = [];
const checkpoints = new WalCheckpoints({ thread: mode === 'thread', onError: (e) => errors.push(e) });
const stores = Array.from(
  { length: N },
  (_, i) => new SqliteStore({ path: join(dir, `s${i}.db`), cacheKb: 64, checkpoints }),
);
let seq = 0;
const text = 'x'.repeat(300);
const message = () => {
  const id = `m${seq++}`;
  return {
    direction: 'in' as const,
    msgId: id,
    clientMsgId: '',
    chatUserName: '@a',
    senderUserName: '@a',
    kind: 'text' as const,
    createTime: 1,
    text,
    fields: { kind: 'text', text },
    raw: { MsgId: id, Content: text },
    status: 'sent' as const,
  };
};
// Warm up: every store written once.
for (const s of stores) await s.recordIncoming([message()]);

const gaps: number[] = [];
let last = performance.now();
const monitor = setInterval(() => {
  const now = performance.now();
  gaps.push(Math.max(0, now - last - 5));
  last = now;
}, 5);
const perTick = Math.max(1, Math.round(rate / 200));
let writes = 0;
const writer = setInterval(() => {
  for (let i = 0; i < perTick; i++) {
    const s = stores[Math.floor(Math.random() * N)] as SqliteStore;
    void s.recordIncoming([message()]);
    writes++;
  }
}, 5);
await new Promise((r) => setTimeout(r, seconds * 1000));
clearInterval(writer);
clearInterval(monitor);
await checkpoints.settled();
const stats = checkpoints.stats();
for (const s of stores) s.close();
await checkpoints.close();
rmSync(dir, { recursive: true, force: true });
gaps.sort((a, b) => a - b);
const q = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] ?? 0;
console.log(
  JSON.stringify({
    mode,
    seconds,
    writes,
    checkpoints: stats,
    errors: errors.length,
    gapMs: {
      p50: +q(0.5).toFixed(2),
      p99: +q(0.99).toFixed(2),
      p999: +q(0.999).toFixed(2),
      max: +(gaps.at(-1) ?? 0).toFixed(2),
    },
  }),
);

/**
 * The restart scenario's client process (scenario-restart.ts), one JSON argument (RestartSubjectArgs):
 *
 * - `phase: 'login'`: logs in through the QR code and saves what a restart needs — webwx its
 *   SqliteStore in `stateDir` (the session is saved after webwxinit), wechat4u its `botData` as JSON
 *   (what its README says to keep) — then tells the driver and waits to be killed: no logout, as a
 *   process that crashed or was redeployed.
 * - `phase: 'restart'`: from the saved state, without a QR code — webwx `createClient({ store })`
 *   and `start()` (resume), wechat4u `new Wechat(botData)` and `restart()` — and echoes every text
 *   from a friend. It tells the driver when its code is loaded and when the client was started.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadWebwx } from './package-entry.js';

export interface RestartSubjectArgs {
  /**
   * `limit-store`: the limit with what any client that loses nothing adds (durableLimit below): a
   * SQLite file for its session, and each reply's message recorded there before the reply goes out.
   * `limit-store-node-http`: the same on Node's own http module instead of undici (raw-http.ts), to
   * show what the HTTP library costs a restart.
   */
  impl: 'webwx' | 'wechat4u' | 'limit' | 'limit-store' | 'limit-store-node-http';
  phase: 'login' | 'restart';
  baseUrl: string;
  stateDir: string;
}

export type RestartSubjectMessage =
  | { type: 'saved' }
  /** Restart phase: ms since the process started (performance.timeOrigin) when its code was loaded / the client was started. */
  | { type: 'loaded'; sinceStartMs: number }
  | { type: 'failed'; error: string };

function send(message: RestartSubjectMessage): void {
  process.send?.(message);
}

const sinceStart = (): number => performance.now();

/** How long the login phase runs before it reports its state saved (and is killed). */
const SETTLE_MS = 2000;

async function webwx(args: RestartSubjectArgs): Promise<void> {
  const { createClient, SqliteStore } = await loadWebwx();
  const store = new SqliteStore(join(args.stateDir, 'webwx.db'));
  const client = createClient({ server: args.baseUrl, store, pacing: false });
  client.on('error', () => {});
  if (args.phase === 'login') {
    await client.start();
    // As a process that ran a while before it was killed: its first rounds done and written (the
    // stable ids, the status notify's permanent ids, the saved key), not killed mid-write.
    await client.contacts.loaded();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    send({ type: 'saved' });
    return;
  }
  client.on('message', (m) => {
    if (m.kind === 'text' && !m.isSelf) client.sendText(m.chat.userName, m.text).catch(() => {});
  });
  if (process.env.WEBWX_BENCH_TRACE) {
    const { subscribe } = await import('node:diagnostics_channel');
    subscribe('undici:client:sendHeaders', (m: unknown) => {
      const path = (m as { request?: { path?: string } }).request?.path ?? '';
      process.stderr.write(`[restart] ${sinceStart().toFixed(0)} ms sent ${path.slice(0, 40)}\n`);
    });
    for (const event of ['login-step', 'login', 'contacts', 'ready', 'message'] as const)
      client.on(event, (e: unknown) =>
        process.stderr.write(
          `[restart] ${sinceStart().toFixed(0)} ms ${event} ${JSON.stringify(e).slice(0, 120)}\n`,
        ),
      );
  }
  send({ type: 'loaded', sinceStartMs: sinceStart() });
  await client.start();
}

async function wechat4u(args: RestartSubjectArgs): Promise<void> {
  const { loadWechat4u, loginWechat4u, pointConfAt } = await import('./subjects.js');
  const Wechat = loadWechat4u();
  const saved = join(args.stateDir, 'wechat4u.json');
  if (args.phase === 'login') {
    const bot = new Wechat();
    bot.on('error', () => {});
    await loginWechat4u(bot, args.baseUrl);
    await bot.restart(); // its init: webwxinit and the contact pages, as its start() does after login
    writeFileSync(saved, JSON.stringify(bot.botData));
    send({ type: 'saved' });
    return;
  }
  const bot = new Wechat(JSON.parse(readFileSync(saved, 'utf8')));
  bot.on('error', () => {});
  // The saved CONF holds the emulator's URLs already; pointed again in case login() rewrote one.
  bot.botData = { CONF: pointConfAt(bot.CONF, args.baseUrl) };
  bot.on('message', ((msg: { MsgType: number; FromUserName: string; Content: string }) => {
    if (msg.MsgType === 1 && msg.FromUserName !== bot.user.UserName)
      bot.sendMsg(msg.Content, msg.FromUserName).catch(() => {});
  }) as never);
  send({ type: 'loaded', sinceStartMs: sinceStart() });
  await bot.restart();
}

/**
 * The limit (raw-session.ts) restarted: its saved credentials and cookies, then webwxinit and the raw
 * loop, echoing. No store, no contacts, no decoding: the least any client does before a first reply.
 */
async function limit(args: RestartSubjectArgs): Promise<void> {
  const { RawClient } = await import('./raw-session.js');
  const { undiciHttp } = await import('./raw-http.js');
  const saved = join(args.stateDir, 'limit.json');
  if (args.phase === 'login') {
    const raw = new RawClient(args.baseUrl, await undiciHttp());
    await raw.login();
    await raw.init();
    writeFileSync(saved, JSON.stringify(raw.saved()));
    send({ type: 'saved' });
    return;
  }
  const raw = RawClient.fromSaved(args.baseUrl, await undiciHttp(), JSON.parse(readFileSync(saved, 'utf8')));
  send({ type: 'loaded', sinceStartMs: sinceStart() });
  await raw.init();
  raw.start(true);
}

/**
 * The durable limit: the limit plus the least a client that loses nothing across a crash does. Its
 * session (credentials, cookies, DeviceID) lives in a SQLite file (WAL, `synchronous = NORMAL`, as
 * webwx's store) and is read back at the restart; each webwxsync reply's texts are recorded as
 * processed, with the new SyncKey, in one commit before their echoes go out. better-sqlite3 is loaded
 * by its CommonJS entry. No contacts, no decoding, no outbox. Its HTTP is undici's, as webwx's, or
 * with `nodeHttp` Node's own http module.
 */
async function durableLimit(args: RestartSubjectArgs, nodeHttp = false): Promise<void> {
  const { createRequire } = await import('node:module');
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  const { RawClient } = await import('./raw-session.js');
  const rawHttp = await import('./raw-http.js');
  const http = () => (nodeHttp ? rawHttp.nodeHttp() : rawHttp.undiciHttp());
  const db = new Database(join(args.stateDir, 'limit.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);' +
      'CREATE TABLE IF NOT EXISTS processed (msg_id TEXT PRIMARY KEY);',
  );
  const setMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  if (args.phase === 'login') {
    const raw = new RawClient(args.baseUrl, await http());
    await raw.login();
    await raw.init();
    setMeta.run('session', JSON.stringify(raw.saved()));
    send({ type: 'saved' });
    return;
  }
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('session') as { value: string };
  const raw = RawClient.fromSaved(args.baseUrl, await http(), JSON.parse(row.value));
  const markProcessed = db.prepare('INSERT OR IGNORE INTO processed (msg_id) VALUES (?)');
  raw.beforeEcho = db.transaction((msgIds: string[], syncKey: unknown) => {
    for (const id of msgIds) markProcessed.run(id);
    setMeta.run('sync-key', JSON.stringify(syncKey));
  });
  send({ type: 'loaded', sinceStartMs: sinceStart() });
  await raw.init();
  raw.start(true);
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as RestartSubjectArgs;
  setTimeout(() => process.exit(3), 120_000).unref();
  process.on('disconnect', () => process.exit(0));
  if (args.impl === 'webwx') await webwx(args);
  else if (args.impl === 'limit') await limit(args);
  else if (args.impl === 'limit-store') await durableLimit(args);
  else if (args.impl === 'limit-store-node-http') await durableLimit(args, true);
  else await wechat4u(args);
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(2);
});

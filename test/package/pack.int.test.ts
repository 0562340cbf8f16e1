/**
 * The package as a user gets it: `npm pack` the built tree, install the tarball into a fresh project
 * (without the optional better-sqlite3, as a user who never persists may), then import it from ESM
 * and CommonJS, and type-check a strict consumer with skipLibCheck off. Its JavaScript is the esbuild
 * bundle of scripts/build.ts: one file per entry point and shared chunks, checked here to load, to
 * share one copy of each class across entries, and to leave no per-file modules behind. Needs `dist/`
 * built, which `npm ci` does (the `prepare` script); the install reads the npm cache first.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const NPM_ENV = {
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

let work: string;
let consumer: string;
/** The installed package: node_modules/webwx of the consumer. */
let installed: string;

interface InstalledPackage {
  version: string;
  exports: Record<string, { types: string; import: string }>;
}

const readInstalled = async (): Promise<InstalledPackage> =>
  JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as InstalledPackage;

/** Every file under the installed dist/, as paths relative to it with forward slashes. */
async function distFiles(): Promise<string[]> {
  const names = await readdir(join(installed, 'dist'), { recursive: true });
  return names.map((name) => name.split(sep).join('/')).sort();
}

async function node(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: consumer, env, timeout: 60_000 });
  return stdout.trim();
}

/** Runs these lines as an ES module in the consumer; what it printed. */
function runEsm(lines: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return node(['--input-type=module', '-e', lines.join('\n')], env);
}

/** Runs these lines as a CommonJS script in the consumer; what it printed. */
function runCjs(lines: string[]): Promise<string> {
  return node(['-e', lines.join('\n')]);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'webwx-pack-'));
  consumer = join(work, 'consumer');
  installed = join(consumer, 'node_modules/webwx');
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {
    cwd: ROOT,
    env: NPM_ENV,
    timeout: 60_000,
  });
  const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  await run('mkdir', [consumer]);
  await writeFile(join(consumer, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}\n');
  await run(
    'npm',
    [
      'install',
      join(work, tarball),
      '--omit=optional',
      '--ignore-scripts',
      '--prefer-offline',
      '--no-package-lock',
    ],
    { cwd: consumer, env: NPM_ENV, timeout: 150_000 },
  );
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships what a user needs and nothing of the checkout', async () => {
    const files = await readdir(join(consumer, 'node_modules/webwx'));
    expect(files).toEqual(
      expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'dist', 'bin', 'package.json']),
    );
    expect(files).not.toContain('src');
    expect(files).not.toContain('test');
  });

  it('ships the JavaScript bundled: a file per entry point and shared chunks, no per-file modules', async () => {
    const pkg = await readInstalled();
    const files = await distFiles();
    const entries = [
      ...Object.values(pkg.exports).map((target) => target.import.replace(/^\.\/dist\//, '')),
      'cli/main.js', // what bin/webwx.js imports
      'store/wal-checkpoint-worker.js', // WalCheckpoints' worker thread
      'host/host-shard-worker.js', // ThreadedAccountHost's threads
    ].sort();
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.filter((f) => !f.startsWith('chunks/'))).toEqual(entries);
    // tsc's per-file build had ~340 modules here; the chunks are what the entries share, plus one per
    // command the CLI loads with import() and those commands' shared code (~40 in all).
    expect(js.length).toBeLessThan(entries.length + 60);
    for (const f of js) expect(files).toContain(`${f}.map`);
    // The declarations stay per file, where the exports' `types` point.
    for (const target of Object.values(pkg.exports))
      expect(existsSync(join(installed, target.types))).toBe(true);
    expect(files).toContain('client/client.d.ts');
  });

  it('loads every module of dist, and every dynamic import between them names a shipped file', async () => {
    const js = (await distFiles()).filter((f) => f.endsWith('.js'));
    const missing: string[] = [];
    let lazy = 0;
    for (const f of js) {
      const text = await readFile(join(installed, 'dist', f), 'utf8');
      for (const [, target] of text.matchAll(/\bimport\("(\.{1,2}\/[^"]+)"\)/g)) {
        lazy++;
        if (!existsSync(join(installed, 'dist', dirname(f), target ?? ''))) missing.push(`${f} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
    expect(lazy).toBeGreaterThan(0); // the CLI's chat command loads the TUI's chunk on demand
    // webwx/wechaty imports its peer dependency wechaty-puppet, which this install leaves out; no
    // other module may need it.
    const loadable = js.filter((f) => f !== 'wechaty/index.js');
    const out = await runEsm([
      "import { pathToFileURL } from 'node:url';",
      `const files = ${JSON.stringify(loadable.map((f) => join(installed, 'dist', f)))};`,
      'for (const f of files) await import(pathToFileURL(f).href);',
      'console.log(files.length);',
    ]);
    expect(out).toBe(String(loadable.length));
  });

  it('`webwx --version` prints the package version', async () => {
    const { version } = await readInstalled();
    expect(await node([join(consumer, 'node_modules/.bin/webwx'), '--version'])).toBe(version);
  });

  it('shares one copy of each class across the entry points (ESM and CommonJS)', async () => {
    const esm = await runEsm([
      "import { createClient, ParseError, WebWxError } from 'webwx';",
      "import { AccountHost, BusError, openRedis } from 'webwx/host';",
      "import { parseJsonReply } from 'webwx/protocol';",
      "import { buildWorld, startEmulator } from 'webwx/emulator';",
      'const out = [];',
      "try { await openRedis('redis://127.0.0.1:1'); } catch (e) { out.push(e instanceof BusError && e instanceof WebWxError); }",
      "try { parseJsonReply('x', 'not json'); } catch (e) { out.push(e instanceof ParseError); }",
      'try { buildWorld(null); } catch (e) { out.push(e instanceof WebWxError, e.name); }',
      'const em = await startEmulator({});',
      'const host = new AccountHost();',
      "const account = await host.add({ id: 'a', server: em.baseUrl });",
      'const client = createClient({ server: em.baseUrl });',
      'out.push(account.rawClient !== undefined && Object.getPrototypeOf(account.rawClient) === Object.getPrototypeOf(client));',
      'await host.close(); await client.stop(); await em.close();',
      'console.log(out.join());',
    ]);
    expect(esm).toBe('true,true,true,WorldValidationError,true');
    const cjs = await runCjs([
      "const w = require('webwx'); const p = require('webwx/protocol'); const e = require('webwx/emulator');",
      "try { p.parseJsonReply('x', 'not json'); } catch (err) { console.log(err instanceof w.ParseError); }",
      'try { e.buildWorld(null); } catch (err) { console.log(err instanceof w.WebWxError); }',
    ]);
    expect(cjs).toBe('true\ntrue');
  });

  it('imports from ESM: the package and its subpaths', async () => {
    const out = await runEsm([
      "import { createClient, WebWxError } from 'webwx';",
      "import { startEmulator } from 'webwx/emulator';",
      "import { APP_ID } from 'webwx/protocol';",
      'const e = await startEmulator({});',
      'const c = createClient({ server: e.baseUrl });',
      "console.log(typeof c.start, typeof WebWxError, APP_ID.startsWith('wx'));",
      'await c.stop(); await e.close();',
    ]);
    expect(out).toBe('function function true');
  });

  it('requires from CommonJS: the package and its subpaths', async () => {
    const out = await runCjs([
      "const w = require('webwx');",
      // Loaded on first use, not by the import (src/protocol/fast-xml-parser.ts and
      // src/transport/tough-cookie.ts say why).
      'const lazy = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](fast-xml-parser|tough-cookie)[\\\\/]/.test(f));',
      "const e = require('webwx/emulator'); const p = require('webwx/protocol');",
      'console.log(typeof w.createClient, typeof e.startEmulator, typeof p.buildJsLoginRequest, lazy.length);',
    ]);
    expect(out).toBe('function function function 0');
  });

  it('imports webwx/host from ESM and CommonJS without loading its optional drivers (pg, ioredis)', async () => {
    // The install omits the optional dependencies: an import that loaded pg or ioredis would throw.
    const esm = await runEsm([
      "import { AccountHost, Worker, BusConsumer, PostgresLeaseStore, MemoryLeaseStore, openRedis, BusError, DEFAULT_LEASE_TTL_MS } from 'webwx/host';",
      'console.log([AccountHost, Worker, BusConsumer, PostgresLeaseStore, MemoryLeaseStore].map((c) => typeof c).join(), DEFAULT_LEASE_TTL_MS);',
      "try { await openRedis('redis://127.0.0.1:1'); } catch (e) { console.log(e instanceof BusError, e.problem, /npm install ioredis/.test(e.message)); }",
    ]);
    expect(esm).toBe('function,function,function,function,function 5000\ntrue unavailable true');
    const cjs = await runCjs([
      "const h = require('webwx/host');",
      'const drivers = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](pg|ioredis)[\\\\/]/.test(f));',
      'console.log(typeof h.Worker, typeof h.AccountHost, typeof h.publishCommand, drivers.length);',
    ]);
    expect(cjs).toBe('function function function 0');
  });

  it('without better-sqlite3, SqliteStore says how to get it (a StoreError, not a crash)', async () => {
    const out = await runEsm([
      "import { SqliteStore, WebWxError } from 'webwx';",
      "try { new SqliteStore(':memory:'); console.log('opened'); }",
      'catch (e) { console.log(e instanceof WebWxError, e.code, e.message); }',
    ]);
    expect(out).toMatch(/^true store .*npm install better-sqlite3/);
  });

  it('WalCheckpoints checkpoints a store on its worker thread, from the bundle', async () => {
    // better-sqlite3 from the checkout (the install leaves the optional dependency out): NODE_PATH
    // serves the package's require() of it, on the event loop and on the thread alike.
    const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
    const out = await runEsm(
      [
        "import { mkdtempSync, rmSync, statSync } from 'node:fs';",
        "import { tmpdir } from 'node:os';",
        "import { join } from 'node:path';",
        "import { SqliteStore, WalCheckpoints } from 'webwx';",
        "const dir = mkdtempSync(join(tmpdir(), 'webwx-pack-ckpt-'));",
        "const path = join(dir, 'store.db');",
        'const checkpoints = new WalCheckpoints({ tickMs: 86_400_000, minWrites: 10 });',
        'const store = new SqliteStore({ path, checkpoints });',
        "store.checkpoint = () => { throw new Error('checkpointed on the event loop'); };",
        "const text = 'x'.repeat(2000);",
        "const message = (id) => ({ direction: 'in', msgId: id, clientMsgId: '', chatUserName: '@a', senderUserName: '@a', kind: 'text', createTime: 1, text, fields: {}, raw: {}, status: 'sent' });",
        "for (let i = 0; i < 300; i++) await store.recordIncoming([message('m' + i)]);",
        "const wal = () => statSync(path + '-wal').size;",
        'const db = statSync(path).size, walBefore = wal();',
        'const due = checkpoints.tick() === store;',
        'const onThread = typeof checkpoints.threadId === "number";',
        'await checkpoints.settled();',
        "await store.recordIncoming([message('last')]);",
        // The pages are in the database, and the next commit writes the WAL from its start.
        'console.log(due, onThread, JSON.stringify(checkpoints.stats()), statSync(path).size > db + 100 * 4096, wal() === walBefore);',
        'store.close(); await checkpoints.close();',
        'console.log(checkpoints.threadId);',
        'rmSync(dir, { recursive: true });',
      ],
      env,
    );
    expect(out).toBe('true true {"onThread":1,"onEventLoop":0,"failed":0} true true\nundefined');
  });

  it('ThreadedAccountHost runs its threads from the bundle, errors typed across them', async () => {
    const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
    const out = await runEsm(
      [
        "import { AccountError, ThreadedAccountHost } from 'webwx/host';",
        'const host = new ThreadedAccountHost({ threads: 2 });',
        'console.log(JSON.stringify(await host.list()));',
        // The threads keep the process alive (nothing else here does) until close().
        "await new Promise((resolve) => setTimeout(() => resolve(console.log('alive')), 300).unref());",
        "try { await host.add({ id: 'Not An Id!' }); } catch (e) { console.log(e instanceof AccountError, e.problem); }",
        "try { await host.logout('nobody'); } catch (e) { console.log(e instanceof AccountError, e.problem); }",
        'await host.close();',
        "console.log('closed');",
      ],
      env,
    );
    expect(out).toBe('[]\nalive\ntrue invalid\ntrue unknown\nclosed');
  });

  it('without pg, PostgresStore says how to get it (a StoreError, not a crash)', async () => {
    const out = await runEsm([
      "import { PostgresStore, WebWxError } from 'webwx';",
      "try { await PostgresStore.open({ connectionString: 'postgres://127.0.0.1:1/x', account: 'a' }); console.log('opened'); }",
      'catch (e) { console.log(e instanceof WebWxError, e.code, e.message); }',
    ]);
    expect(out).toMatch(/^true store .*npm install pg/);
  });

  it('type-checks a strict consumer (ESM and CommonJS) with skipLibCheck off', async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: [],
        },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    await writeFile(
      join(consumer, 'esm.mts'),
      [
        "import { createClient, type Message, NotAvailableError, PostgresStore, type PostgresStoreOptions, SqliteStore } from 'webwx';",
        "import { startEmulator, type Emulator } from 'webwx/emulator';",
        "import { APP_ID } from 'webwx/protocol';",
        "import { type LeaseStore, MemoryLeaseStore, type WorkerEvent, type WorkerOptions } from 'webwx/host';",
        'const leases: LeaseStore = new MemoryLeaseStore();',
        "const onEvent: WorkerOptions['onEvent'] = (event: WorkerEvent) => console.log(event.type, leases);",
        'console.log(onEvent);',
        "const client = createClient({ server: 'http://127.0.0.1:1', store: new SqliteStore('x.db') });",
        "const pg: PostgresStoreOptions = { connectionString: 'postgres://h/db', account: 'a', secretKey: 'passphrase' };",
        'void PostgresStore.open(pg).then((s) => s.close());',
        "client.on('message', (m: Message) => { if (m.kind === 'text') console.log(m.text.length); });",
        'const e: NotAvailableError | Emulator | undefined = undefined;',
        'console.log(startEmulator, APP_ID, e);',
      ].join('\n'),
    );
    await writeFile(
      join(consumer, 'cjs.cts'),
      [
        "import webwx = require('webwx');",
        "const client = webwx.createClient({ server: 'http://127.0.0.1:1' });",
        'console.log(client.state);',
      ].join('\n'),
    );
    const result = await run(process.execPath, [TSC, '-p', '.'], { cwd: consumer, timeout: 120_000 }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 150_000);
});

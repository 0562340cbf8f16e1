/**
 * The package as a user gets it: `npm pack` the built tree, install the tarball into a fresh project
 * (without the optional better-sqlite3, as a user who never persists may), then import it from ESM
 * and CommonJS, and type-check a strict consumer with skipLibCheck off. Needs `dist/` built, which
 * `npm ci` does (the `prepare` script); the install reads the npm cache first.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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

async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: consumer, timeout: 60_000 });
  return stdout.trim();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'webwx-pack-'));
  consumer = join(work, 'consumer');
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

  it('imports from ESM: the package and its subpaths', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      [
        "import { createClient, WebWxError } from 'webwx';",
        "import { startEmulator } from 'webwx/emulator';",
        "import { APP_ID } from 'webwx/protocol';",
        'const e = await startEmulator({});',
        'const c = createClient({ server: e.baseUrl });',
        "console.log(typeof c.start, typeof WebWxError, APP_ID.startsWith('wx'));",
        'await c.stop(); await e.close();',
      ].join('\n'),
    ]);
    expect(out).toBe('function function true');
  });

  it('requires from CommonJS: the package and its subpaths', async () => {
    const out = await node([
      '-e',
      [
        "const w = require('webwx'); const e = require('webwx/emulator'); const p = require('webwx/protocol');",
        'console.log(typeof w.createClient, typeof e.startEmulator, typeof p.buildJsLoginRequest);',
      ].join('\n'),
    ]);
    expect(out).toBe('function function function');
  });

  it('imports webwx/host from ESM and CommonJS without loading its optional drivers (pg, ioredis)', async () => {
    // The install omits the optional dependencies: an import that loaded pg or ioredis would throw.
    const esm = await node([
      '--input-type=module',
      '-e',
      [
        "import { AccountHost, Worker, BusConsumer, PostgresLeaseStore, MemoryLeaseStore, openRedis, BusError, DEFAULT_LEASE_TTL_MS } from 'webwx/host';",
        'console.log([AccountHost, Worker, BusConsumer, PostgresLeaseStore, MemoryLeaseStore].map((c) => typeof c).join(), DEFAULT_LEASE_TTL_MS);',
        "try { await openRedis('redis://127.0.0.1:1'); } catch (e) { console.log(e instanceof BusError, e.problem, /npm install ioredis/.test(e.message)); }",
      ].join('\n'),
    ]);
    expect(esm).toBe('function,function,function,function,function 5000\ntrue unavailable true');
    const cjs = await node([
      '-e',
      [
        "const h = require('webwx/host');",
        'const drivers = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](pg|ioredis)[\\\\/]/.test(f));',
        'console.log(typeof h.Worker, typeof h.AccountHost, typeof h.publishCommand, drivers.length);',
      ].join('\n'),
    ]);
    expect(cjs).toBe('function function function 0');
  });

  it('without better-sqlite3, SqliteStore says how to get it (a StoreError, not a crash)', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      [
        "import { SqliteStore, WebWxError } from 'webwx';",
        "try { new SqliteStore(':memory:'); console.log('opened'); }",
        'catch (e) { console.log(e instanceof WebWxError, e.code, e.message); }',
      ].join('\n'),
    ]);
    expect(out).toMatch(/^true store .*npm install better-sqlite3/);
  });

  it('without pg, PostgresStore says how to get it (a StoreError, not a crash)', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      [
        "import { PostgresStore, WebWxError } from 'webwx';",
        "try { await PostgresStore.open({ connectionString: 'postgres://127.0.0.1:1/x', account: 'a' }); console.log('opened'); }",
        'catch (e) { console.log(e instanceof WebWxError, e.code, e.message); }',
      ].join('\n'),
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

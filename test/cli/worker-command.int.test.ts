/**
 * `webwx worker add | list | remove` on a real PostgreSQL (test/postgres-server.ts), and the usage
 * errors of `webwx worker`. (Running workers: test/host/worker.int.test.ts and failover.int.test.ts.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readWorkerSpec } from '../../src/host/worker-account.js';
import { PostgresLeaseStore, PostgresStore } from '../../src/store/index.js';
import { POSTGRES_MISSING, startTestPostgres } from '../postgres-server.js';
import { runCli } from './cli-harness.js';

const server = await startTestPostgres();
afterAll(async () => {
  await server?.stop();
}, 60_000);

describe('webwx worker: usage', () => {
  it('needs --pg (or WEBWX_PG_URL) and --redis (or WEBWX_REDIS_URL)', async () => {
    const run = runCli(['worker'], { env: {} });
    expect(await run.exit).not.toBe(0);
    expect(run.stderr()).toContain('--pg (or WEBWX_PG_URL) is required');
  });

  it('refuses a bad account id and an unknown action', async () => {
    const bad = runCli(['worker', 'add', 'Not Valid!', '--pg', 'postgres://127.0.0.1:1/x']);
    expect(await bad.exit).not.toBe(0);
    expect(bad.stderr()).toContain('account id "Not Valid!"');
    const unknown = runCli(['worker', 'frobnicate', '--pg', 'postgres://127.0.0.1:1/x']);
    expect(await unknown.exit).not.toBe(0);
    expect(unknown.stderr()).toContain('unknown worker action "frobnicate"');
  });
});

describe('webwx worker: servers not up yet', () => {
  it('keeps trying to reach PostgreSQL instead of exiting, until it is stopped', async () => {
    // Nothing listens on port 1: the worker retries with back-off (logged) rather than exit 1.
    const run = runCli(['worker', '--pg', 'postgres://127.0.0.1:1/x', '--redis', 'redis://127.0.0.1:1']);
    const early = await Promise.race([run.exit, new Promise((r) => setTimeout(() => r('running'), 2_500))]);
    expect(early).toBe('running');
    run.abort();
    expect(await run.exit).toBe(130);
  }, 20_000);
});

describe.skipIf(!server)(`webwx worker add, list, remove${server ? '' : ` (${POSTGRES_MISSING})`}`, () => {
  it('registers accounts with their spec, lists them, and removes one', async () => {
    const url = server!.url;
    const add = runCli(['worker', 'add', 'desk-1', 'desk-2', '--daily-send-limit', '50', '--no-pacing'], {
      env: { WEBWX_PG_URL: url },
    });
    expect(await add.exit).toBe(0);
    expect(
      add
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { added: 'desk-1', dailySendLimit: 50, pacing: false },
      { added: 'desk-2', dailySendLimit: 50, pacing: false },
    ]);
    const store = await PostgresStore.open({ connectionString: url, account: 'desk-2' });
    expect(await readWorkerSpec(store)).toEqual({ dailySendLimit: 50, pacing: false });
    await store.close();

    const leases = await PostgresLeaseStore.open({ connectionString: url });
    await leases.acquire('desk-1', 'w-test', 60_000);
    await leases.heartbeat('w-test', 60_000);
    const list = runCli(['worker', 'list', '--pg', url]);
    expect(await list.exit).toBe(0);
    const rows = list
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.accountId, r.workerId ?? null, r.token])).toEqual([
      ['desk-1', 'w-test', 1],
      ['desk-2', null, 0],
    ]);
    expect(list.stderr()).toContain('1 live worker(s): w-test');

    const remove = runCli(['worker', 'remove', 'desk-2', '--pg', url]);
    expect(await remove.exit).toBe(0);
    expect((await leases.list()).map((s) => s.accountId)).toEqual(['desk-1']);
    const again = runCli(['worker', 'remove', 'desk-2', '--pg', url]);
    expect(await again.exit).not.toBe(0);
    expect(again.stderr()).toContain('no account "desk-2"');
    await leases.close();
  }, 60_000);
});

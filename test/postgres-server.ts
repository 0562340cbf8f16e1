/**
 * A throwaway PostgreSQL for a test file: initdb into a temporary directory, `pg_ctl start` on a free
 * loopback port (unix sockets in the same directory, trust authentication for 127.0.0.1 only), and
 * stop + remove afterwards. As root (CI), the server runs as the `postgres` system user, since initdb
 * refuses root. WEBWX_TEST_PG_URL points the tests at an existing server instead (its user needs
 * CREATEDB). Without PostgreSQL, `startTestPostgres()` returns undefined (the tests skip) unless CI
 * is set, where it throws.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface TestPostgres {
  /** A database created for this test run (dropped by stop()). */
  url: string;
  /** Where it runs, for messages. */
  description: string;
  /** Drops the database, and stops and removes a server this helper started. */
  stop(): Promise<void>;
}

/** Why the PostgreSQL tests skip, for the skip message. */
export const POSTGRES_MISSING =
  'PostgreSQL not found (no initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH, and no WEBWX_TEST_PG_URL): ' +
  'install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) to run these tests';

/** The directory holding initdb and pg_ctl: the newest /usr/lib/postgresql/N/bin, else PATH. */
export function findPostgresBin(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const bin = join(debian, v, 'bin');
      if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

/** The command line that runs `command` as the postgres user when asked (runuser, else su). */
function serverUser(command: string, args: string[], asUser: boolean): [string, string[]] {
  if (!asUser) return [command, args];
  if (onPath('runuser')) return ['runuser', ['-u', 'postgres', '--', command, ...args]];
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return ['su', ['postgres', '-s', '/bin/sh', '-c', quoted]];
}

/** Runs a PostgreSQL binary, as the postgres user when this process is root. */
async function asServerUser(command: string, args: string[], asUser: boolean): Promise<void> {
  const [cmd, argv] = serverUser(command, args, asUser);
  await run(cmd, argv, { timeout: 60_000 });
}

/** Creates a database for the run on the server at `adminUrl`; returns its URL and how to drop it. */
async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `webwx_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.end();
      }
    },
  };
}

async function startServer(bin: string): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const root = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'webwx-pg-'));
  const data = join(dir, 'data');
  if (root) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(dir, uid, gid);
  }
  const stopArgs = ['-D', data, '-m', 'immediate', '-w', 'stop'];
  // A test process that exits without afterAll (a crash, process.exit) still stops its server.
  const onExit = () => {
    try {
      execFileSync(...serverUser(join(bin, 'pg_ctl'), stopArgs, root));
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    await asServerUser(join(bin, 'pg_ctl'), stopArgs, root).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await asServerUser(
      join(bin, 'initdb'),
      ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
      root,
    );
    await asServerUser(
      'sh',
      ['-c', `printf 'local all all trust\\nhost all all 127.0.0.1/32 trust\\n' > '${data}/pg_hba.conf'`],
      root,
    );
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = `-h 127.0.0.1 -p ${port} -k ${dir} -F -c max_connections=150`;
      try {
        await asServerUser(
          join(bin, 'pg_ctl'),
          ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', options, 'start'],
          root,
        );
        return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The PostgreSQL of this test run with a fresh database, or undefined when there is none and CI is
 * not set (the caller skips with {@link POSTGRES_MISSING}).
 */
export async function startTestPostgres(): Promise<TestPostgres | undefined> {
  const given = process.env.WEBWX_TEST_PG_URL;
  if (given) {
    const db = await createDatabase(given);
    return { url: db.url, description: 'WEBWX_TEST_PG_URL', stop: db.drop };
  }
  const bin = findPostgresBin();
  if (!bin) {
    if (process.env.CI) throw new Error(`CI is set but ${POSTGRES_MISSING}`);
    return undefined;
  }
  const server = await startServer(bin);
  try {
    const db = await createDatabase(server.adminUrl);
    return {
      url: db.url,
      description: `${bin} on ${new URL(server.adminUrl).host}`,
      stop: async () => {
        await db.drop().catch(() => {});
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * A throwaway Redis for a test file: `redis-server` in a temporary directory on a free loopback port
 * (Redis takes no port 0, so the port is picked first and retried when taken), no persistence (no RDB
 * snapshots, no AOF), stopped and removed afterwards. WEBWX_TEST_REDIS_URL points the tests at an
 * existing server instead (each run then uses its own key prefix, and its keys are deleted by stop()).
 * Without redis-server, `startTestRedis()` returns undefined (the tests skip) unless CI is set, where
 * it throws.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.js';

export interface TestRedis {
  /** `redis://127.0.0.1:port` (or WEBWX_TEST_REDIS_URL). */
  url: string;
  /** A key prefix for this run: tests put their keys under it so runs sharing a server never meet. */
  prefix: string;
  /** Where it runs, for messages. */
  description: string;
  /** Stops and removes a server this helper started (an existing server: deletes the run's keys). */
  stop(): Promise<void>;
}

/** Why the Redis tests skip, for the skip message. */
export const REDIS_MISSING =
  'Redis not found (no redis-server in /usr/bin or on PATH, and no WEBWX_TEST_REDIS_URL): ' +
  'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) to run these tests';

/** redis-server's path: /usr/bin/redis-server, else the first on PATH. */
export function findRedisServer(): string | undefined {
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    const path = dir && join(dir, 'redis-server');
    if (path && existsSync(path)) return path;
  }
  return undefined;
}

/** Sends PING until the server answers PONG (true), it exits, or the deadline passes (false). */
async function waitForPong(port: number, child: ChildProcess, deadline: number): Promise<boolean> {
  while (Date.now() < deadline && child.exitCode === null) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      let data = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.includes('\r\n')) {
          socket.end();
          resolve(data.startsWith('+PONG'));
        }
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(data.startsWith('+PONG')));
    });
    if (pong) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function startServer(bin: string): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'webwx-redis-'));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      bin,
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
        '--daemonize',
        'no',
        '--logfile',
        join(dir, 'server.log'),
      ],
      { stdio: 'ignore' },
    );
    // A test process that exits without afterAll (a crash, process.exit) still stops its server.
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    const stop = async () => {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    };
    if (await waitForPong(port, child, Date.now() + 10_000)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        stop: async () => {
          await stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stop();
    if (attempt >= 3) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`redis-server (${bin}) did not start on 127.0.0.1 (see its log in ${dir})`);
    }
  }
}

/** Deletes the keys under `prefix` on the server at `url` (an existing server shared between runs). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The Redis of this test run, or undefined when there is none and CI is not set (the caller skips
 * with {@link REDIS_MISSING}).
 */
export async function startTestRedis(): Promise<TestRedis | undefined> {
  const prefix = `webwx-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;
  const given = process.env.WEBWX_TEST_REDIS_URL;
  if (given) {
    return { url: given, prefix, description: 'WEBWX_TEST_REDIS_URL', stop: () => deleteKeys(given, prefix) };
  }
  const bin = findRedisServer();
  if (!bin) {
    if (process.env.CI) throw new Error(`CI is set but ${REDIS_MISSING}`);
    return undefined;
  }
  const server = await startServer(bin);
  return { url: server.url, prefix, description: `${bin} on ${new URL(server.url).host}`, stop: server.stop };
}

/**
 * `webwx` as a real process loads only what the command it runs needs (src/cli/service-commands.ts):
 * `--version`, `--help` and a usage error load none of the commands' packages, and a command loads
 * its own (the bot pino and the client, not the host's prom-client, the emulator's node-forge or the
 * chat's ink). What loaded is read from the child's require.cache when it exits: every package below
 * is CommonJS, or (ink) reached through one that is.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));
const MARK = 'LOADED-PACKAGES ';

/** The packages the commands need, none of which `webwx --version` may load. */
const COMMAND_PACKAGES = [
  'pino',
  'react',
  'ink',
  'node-forge',
  'qrcode',
  'prom-client',
  'better-sqlite3',
  'undici',
  'tough-cookie',
  'pg',
  'ioredis',
];

let dir: string;
let preload: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'webwx-lazy-'));
  preload = join(dir, 'loaded-packages.mjs');
  // On exit, the child prints the packages of node_modules its require.cache holds.
  writeFileSync(
    preload,
    `import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const names = new Set();
  for (const file of Object.keys(cache)) {
    const path = file.replaceAll('\\\\', '/');
    const at = path.lastIndexOf('/node_modules/');
    if (at < 0) continue;
    const [first = '', second = ''] = path.slice(at + '/node_modules/'.length).split('/');
    names.add(first.startsWith('@') ? first + '/' + second : first);
  }
  process.stderr.write('\\n${MARK}' + JSON.stringify([...names]) + '\\n');
});
`,
  );
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The node_modules packages loaded by the end. */
  loaded: string[];
}

async function webwx(args: string[]): Promise<Run> {
  const result = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--import', pathToFileURL(preload).href, RUN, ...args],
    {
      timeout: 60_000,
      env: { ...process.env, WEBWX_DATA_DIR: join(dir, 'data'), WEBWX_LOG_LEVEL: 'silent' },
    },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout: string; stderr: string }) => ({
      code: typeof error.code === 'number' ? error.code : -1,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
  const line = result.stderr.split('\n').find((l) => l.startsWith(MARK));
  if (line === undefined) throw new Error(`the child printed no package list:\n${result.stderr}`);
  return {
    ...result,
    stderr: result.stderr.replace(`${line}\n`, ''),
    loaded: JSON.parse(line.slice(MARK.length)) as string[],
  };
}

describe('webwx loads only what the command needs', () => {
  it('--version, --help and a usage error load none of the commands’ packages', async () => {
    const version = await webwx(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(version.loaded).toContain('commander'); // the list is real: it holds what did load
    expect(version.loaded.filter((p) => COMMAND_PACKAGES.includes(p))).toEqual([]);

    const help = await webwx(['bot', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--auto-reply');
    expect(help.loaded.filter((p) => COMMAND_PACKAGES.includes(p))).toEqual([]);

    const usage = await webwx(['serve', '--port', '99999']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--port: expected a number from 0 to 65535');
    expect(usage.loaded.filter((p) => COMMAND_PACKAGES.includes(p))).toEqual([]);
  }, 120_000);

  it('a command loads its own packages and not the other commands’', async () => {
    // `webwx bot` without a reply source stops after loading its module and its logger.
    const bot = await webwx(['bot']);
    expect(bot.code).toBe(2);
    expect(bot.stderr).toContain('nothing to do');
    expect(bot.loaded).toContain('pino');
    for (const other of ['prom-client', 'node-forge', 'ink', 'react'])
      expect(bot.loaded).not.toContain(other);

    // `webwx emulator` with a world file that does not exist stops after loading the emulator.
    const emulator = await webwx(['emulator', '--world', join(dir, 'none.json')]);
    expect(emulator.code).toBe(2);
    expect(emulator.stderr).toContain('does not exist');
    expect(emulator.loaded).toContain('node-forge');
    for (const other of ['prom-client', 'ink', 'react']) expect(emulator.loaded).not.toContain(other);
  }, 120_000);
});

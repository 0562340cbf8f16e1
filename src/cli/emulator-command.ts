/**
 * `webwx emulator --port N --world FILE|demo|big [--proxy [--data-dir DIR]] [--media-dir DIR]
 * [--phone-token T] [--refuse-login non-uos|all] [--session-expiry 30s] [--fault SPEC]… [--timing PAIRS]`:
 * run the emulator standalone and print its base URL (and, in proxy mode, how to
 * point unmodified clients at it).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EmulatorOptions,
  type EmulatorProxyInfo,
  type EmulatorTiming,
  loadWorldFile,
  startEmulator,
} from '../emulator/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FaultFlag } from './arguments.js';
import { CliError, type CliIo } from './cli-io.js';
import { resolveDataDir } from './data-dir.js';

export interface EmulatorCommandOptions {
  port: number;
  host: string;
  world: string;
  logger: Logger;
  signal: AbortSignal;
  /** Proxy mode: also an HTTP/HTTPS forward proxy for the real service's hosts. */
  proxy?: boolean;
  /** Where the proxy's CA lives (`<dataDir>/emulator-ca`); default: WEBWX_DATA_DIR, else the user data dir. */
  dataDir?: string;
  /** The only directory `POST /__phone/media` may read a `path` from. */
  mediaDir?: string;
  /**
   * The phone API's bearer token; default WEBWX_EMULATOR_PHONE_TOKEN. Beyond loopback without one, a
   * random token is made and printed.
   */
  phoneToken?: string;
  /** `--refuse-login`: 'non-uos' (the 2025 server) or 'all' (every login answers 1203). */
  refuseLogin?: 'non-uos' | 'all';
  /** `--session-expiry`: sessions end this many ms after their login. */
  sessionExpiry?: number;
  /** `--fault`, repeated: injected once the emulator listens. */
  fault?: FaultFlag[];
  /** `--timing`: overrides of the holds and the QR expiry. */
  timing?: Partial<EmulatorTiming>;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

/** The phone token to use: given, from the environment, or made up when listening beyond loopback. */
function phoneTokenFor(options: EmulatorCommandOptions, io: CliIo): { token?: string; generated: boolean } {
  const token = options.phoneToken ?? io.env.WEBWX_EMULATOR_PHONE_TOKEN;
  if (token !== undefined && token !== '') return { token, generated: false };
  if (LOOPBACK.test(options.host)) return { generated: false };
  return { token: randomBytes(24).toString('base64url'), generated: true };
}

export async function resolveWorld(world: string): Promise<NonNullable<EmulatorOptions['world']>> {
  if (world === 'demo' || world === 'big') return world;
  if (!existsSync(world))
    throw new CliError(`--world: expected demo, big or a world JSON file; "${world}" does not exist`);
  try {
    return await loadWorldFile(world);
  } catch (error) {
    throw new CliError(`--world: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The directory of the proxy's CA: `<data dir>/emulator-ca` (data dir as for `webwx login`). */
export function emulatorCaDir(dataDir: string | undefined, env: CliIo['env']): string {
  return join(resolveDataDir(dataDir, env), 'emulator-ca');
}

function proxyHelp(p: EmulatorProxyInfo): string {
  const jslogin = 'https://login.weixin.qq.com/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN';
  return [
    `  proxy:   ${p.url} (serves the real Web WeChat hosts; refuses every other host)`,
    `  CA:      ${p.caCertPath}${p.caCreated ? ' (new)' : ''}`,
    `  node:    HTTPS_PROXY=${p.url} NODE_EXTRA_CA_CERTS=${p.caCertPath} node your-wechat4u-bot.js`,
    `  python:  HTTPS_PROXY=${p.url} REQUESTS_CA_BUNDLE=${p.caCertPath} python your-itchat-bot.py`,
    `  curl:    curl --proxy ${p.url} --cacert ${p.caCertPath} '${jslogin}'`,
    '',
  ].join('\n');
}

export async function runEmulatorCommand(options: EmulatorCommandOptions, io: CliIo): Promise<number> {
  const world = await resolveWorld(options.world);
  if (options.mediaDir !== undefined && !existsSync(options.mediaDir))
    throw new CliError(`--media-dir: "${options.mediaDir}" does not exist`);
  const phone = phoneTokenFor(options, io);
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      port: options.port,
      host: options.host,
      world,
      logger: options.logger,
      ...(options.proxy ? { proxy: { caDir: emulatorCaDir(options.dataDir, io.env) } } : {}),
      ...(options.mediaDir === undefined ? {} : { mediaDir: options.mediaDir }),
      ...(phone.token === undefined ? {} : { phoneToken: phone.token }),
      ...(options.refuseLogin === undefined
        ? {}
        : { refuseLogin: options.refuseLogin === 'all' ? {} : options.refuseLogin }),
      ...(options.sessionExpiry === undefined ? {} : { sessionExpiryMs: options.sessionExpiry }),
      ...(options.timing === undefined ? {} : { timing: options.timing }),
    });
  } catch (error) {
    // A bad option the emulator refused: a usage error, named by its flag where it has one.
    if (error instanceof InvalidArgumentError)
      throw new CliError(
        /phoneToken/.test(error.message) ? `--phone-token: ${error.message}` : error.message,
      );
    throw error;
  }
  for (const f of options.fault ?? []) {
    try {
      emulator.faults.inject(f.endpoint, f.fault, f.times === undefined ? {} : { times: f.times });
    } catch (error) {
      await emulator.close();
      throw new CliError(`--fault: ${error instanceof Error ? error.message : String(error)}`);
    }
    io.stdout.write(
      `  fault:   ${f.endpoint} ${JSON.stringify(f.fault)}${f.times === undefined ? '' : ` ×${f.times}`}\n`,
    );
  }
  const auth = phone.token === undefined ? '' : `-H 'Authorization: Bearer ${phone.token}' `;
  io.stdout.write(`webwx emulator listening on ${emulator.baseUrl}\n`);
  io.stdout.write(`  client:  webwx login --server ${emulator.baseUrl}\n`);
  if (emulator.accounts.length > 1) {
    const ids = emulator.accounts.map((a) => `${a.id} (${a.world.self.nickName})`).join(', ');
    io.stdout.write(`  accounts: ${ids}; the phone API takes ?account=<id>\n`);
  }
  io.stdout.write(`  phone:   curl ${auth}${emulator.baseUrl}/__phone/qr   (see docs/emulator.md)\n`);
  const fragment = phone.token === undefined ? '' : `#token=${encodeURIComponent(phone.token)}`;
  io.stdout.write(`  browser: ${emulator.baseUrl}/__phone/${fragment}   (the phone in a web page)\n`);
  if (phone.generated)
    io.stdout.write(`  token:   ${phone.token} (made for this run: the phone API listens beyond loopback)\n`);
  if (emulator.proxy) io.stdout.write(proxyHelp(emulator.proxy));
  io.stdout.write('Press Ctrl-C to stop.\n');
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emulator.close();
  io.stdout.write('emulator stopped\n');
  return 0;
}

/**
 * The `webwx` command: the program, its global flags, the client commands (`demo`, `login`, `chat`,
 * `emulator`, `bench`) and the errors' exit codes; service-commands.ts adds the others. Each action
 * loads its command's module with `import()`, so a command loads only what it uses and `--help`,
 * `--version` or a usage error load almost nothing (the gain: service-commands.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { WebApp } from '../client/index.js';
import { WebWxError } from '../errors.js';
import {
  addServerOptions,
  appOption,
  type LogLevel,
  parseDuration,
  parseFaultFlag,
  parseLogLevel,
  parsePort,
  parseSeconds,
  parseTiming,
} from './arguments.js';
import type { ChatCommandFlags } from './chat-command.js';
import { CliError, type CliIo, processIo } from './cli-io.js';
import { createCliLogger } from './cli-logger.js';
import { resolveDataDir } from './data-dir.js';
import type { EmulatorCommandOptions } from './emulator-command.js';
import { registerServiceCommands } from './service-commands.js';

/**
 * The version in webwx's package.json, found by walking up from this module: it runs as
 * src/cli/main.ts, as dist/cli/main.js of the bundle, or from the bench's compiled copy, each at its
 * own depth under the package.
 */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'webwx' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // none here, or unreadable: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

export interface MainOptions {
  io?: CliIo;
  /** Ends long-running commands (wired to SIGINT/SIGTERM when omitted). */
  signal?: AbortSignal;
}

/** Runs the command line; resolves to the process exit code. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  let signal = options.signal;
  let detach = () => {};
  if (!signal) {
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    detach = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    signal = controller.signal;
  }
  const runSignal = signal;
  let exitCode = 0;

  const program = new Command()
    .name('webwx')
    .description('Web WeChat in the terminal, a bot framework and an emulator of the Web WeChat server')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addOption(
      new Option('--log-level <level>', 'log to stderr at this level')
        .default(io.env.WEBWX_LOG_LEVEL ?? 'silent')
        .argParser(parseLogLevel),
    )
    .option(
      '--data-dir <dir>',
      'where sessions and messages are kept (default: WEBWX_DATA_DIR, else the platform data dir)',
    );

  const logger = () => createCliLogger(program.opts<{ logLevel: LogLevel }>().logLevel);
  const dataDir = () => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir, io.env);

  program
    .command('demo')
    .description('the terminal client logged in to an embedded emulator, with simulated friends and groups')
    .option('--duration <seconds>', 'exit after this many seconds', parseSeconds('--duration'))
    .option(
      '--scan-delay <seconds>',
      'seconds before the simulated phone scans the QR',
      parseSeconds('--scan-delay'),
      2,
    )
    .action(async (opts: { duration?: number; scanDelay: number }) => {
      const { runDemoCommand } = await import('./demo-command.js');
      exitCode = await runDemoCommand(
        {
          durationSeconds: opts.duration,
          scanDelaySeconds: opts.scanDelay,
          logger: await logger(),
          signal: runSignal,
        },
        io,
      );
    });

  addServerOptions(
    program
      .command('login')
      .description(
        'log in with a QR code in the terminal (the real service by default), then chat line by line',
      ),
  )
    .addOption(appOption())
    .action(async (opts: { server?: string; uos: boolean; app: WebApp }) => {
      const { runLoginCommand } = await import('./login-command.js');
      exitCode = await runLoginCommand(
        {
          server: opts.server,
          uos: opts.uos,
          app: opts.app,
          logger: await logger(),
          signal: runSignal,
          dataDir: dataDir(),
        },
        io,
      );
    });

  addServerOptions(
    program
      .command('chat')
      .description('the terminal client: full screen in a terminal, line by line with --plain or when piped'),
  )
    .addOption(appOption())
    .option('--plain', 'line mode (->NAME:TEXT) even in a terminal')
    .option('--download-dir <dir>', 'where saved media goes (default: the current directory)')
    .option('--rules <file>', 'auto-reply (Ctrl+T) answers from a rules JSON file, as in webwx bot')
    .option('--webhook <url>', 'auto-reply (Ctrl+T) answers from a webhook, as in webwx bot')
    .action(async (opts: ChatCommandFlags) => {
      const { runChatCommand } = await import('./chat-command.js');
      exitCode = await runChatCommand(
        {
          server: opts.server,
          uos: opts.uos,
          app: opts.app,
          plain: opts.plain ?? false,
          downloadDir: opts.downloadDir,
          rules: opts.rules,
          webhook: opts.webhook,
          logger: await logger(),
          signal: runSignal,
          dataDir: dataDir(),
        },
        io,
      );
    });

  program
    .command('emulator')
    .description('run the Web WeChat emulator and print its base URL')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--world <world>', 'demo, big, or a world JSON file', 'demo')
    .option('--proxy', 'also an HTTPS proxy for the real Web WeChat hosts (for wechat4u, itchat, curl)')
    .option('--data-dir <dir>', 'where --proxy keeps its CA (<dir>/emulator-ca; default: the data dir)')
    .option('--media-dir <dir>', 'the only directory POST /__phone/media may read a "path" from')
    .option(
      '--phone-token <token>',
      'Bearer token of the phone API (default WEBWX_EMULATOR_PHONE_TOKEN; made up beyond loopback)',
    )
    .addOption(
      new Option(
        '--refuse-login <mode>',
        'refuse logins with 1203: non-uos (the 2025 server) or all',
      ).choices(['non-uos', 'all']),
    )
    .option(
      '--session-expiry <duration>',
      'sessions end this long after login (synccheck 1102), e.g. 30s',
      parseDuration('--session-expiry'),
    )
    .option(
      '--fault <spec>',
      'inject a fault, ENDPOINT:KIND[=VALUE][@TIMES], e.g. synccheck:http-status=502@3 (repeatable)',
      parseFaultFlag,
    )
    .option('--timing <pairs>', 'e.g. syncCheckHoldMs=5s,loginPollHoldMs=5s,qrExpiryMs=2m', parseTiming)
    .action(async (opts: Omit<EmulatorCommandOptions, 'logger' | 'signal'>) => {
      // The global --data-dir takes `webwx emulator --data-dir DIR` too (commander parses it first).
      const dir = opts.dataDir ?? program.opts<{ dataDir?: string }>().dataDir;
      const { runEmulatorCommand } = await import('./emulator-command.js');
      exitCode = await runEmulatorCommand(
        {
          ...opts,
          ...(dir === undefined ? {} : { dataDir: dir }),
          logger: await logger(),
          signal: runSignal,
        },
        io,
      );
    });

  registerServiceCommands(program, {
    io,
    logger,
    signal: runSignal,
    dataDir,
    setExitCode: (code: number) => {
      exitCode = code;
    },
  });

  program
    .command('bench')
    .description('how to run the benchmarks')
    .action(() => {
      io.stdout.write(
        'The benchmarks run from a source checkout: npm run bench (--quick for a short run). See docs/benchmarks.md.\n',
      );
    });

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      io.stderr.write(`webwx: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof WebWxError) {
      io.stderr.write(`webwx: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    detach();
  }
}

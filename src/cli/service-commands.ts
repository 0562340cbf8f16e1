/**
 * The flags of the long-running commands, `bot`, `serve`, `host`, `console` and `worker`, and of
 * `notify`, the console's companion, with actions that check what needs no module and then load the
 * command's module (bot-command.ts, serve-command.ts, …) with `import()`.
 *
 * Speed: this file and main.ts are all `webwx` loads before commander parses argv, so `--help`,
 * `--version` and a usage error load commander and the flag parsers only, and each command loads
 * its own dependencies (the bot its client and store, not the host's prom-client or the chat's
 * ink). Measured, the bundle run as `node bin/webwx.js`: `--version` 388 → 138 ms (node alone takes
 * 99 ms), `bot --help` 365 → 136 ms, a `webwx bot` restart's first reply 538 → 415 ms
 * (docs/benchmarks.md, "The bundle, measured"); test/cli/lazy-commands.int.test.ts guards it. Import
 * a command's module here with `import type` only.
 */
import type { Command } from 'commander';
import type { Logger } from '../logger.js';
import {
  addServerOptions,
  appOption,
  pacingOption,
  parseDuration,
  parsePort,
  parseSendLimit,
  parseServerUrl,
} from './arguments.js';
import type { BotCommandOptions } from './bot-command.js';
import { CliError, type CliIo } from './cli-io.js';
import type { ConsoleCommandOptions } from './console-command.js';
import type { HostCommandOptions } from './host-command.js';
import { addReplySourceOptions, checkReplySourceFlags, type ReplySourceFlags } from './reply-source-flags.js';
import type { ServeCommandOptions } from './serve-command.js';
import type { WorkerAction, WorkerCommandOptions } from './worker-command.js';

/** What a command registration needs from main(). */
export interface CommandHost {
  io: CliIo;
  /** The CLI's logger at the `--log-level` asked for (pino, loaded on the first call). */
  logger: () => Promise<Logger>;
  signal: AbortSignal;
  /** The data directory: `--data-dir`, else WEBWX_DATA_DIR, else the platform's place (data-dir.ts). */
  dataDir: () => string;
  setExitCode(code: number): void;
}

/** What each long-running command gets from main(): the data directory, the logger, the stop signal. */
async function commandContext(
  host: CommandHost,
): Promise<{ dataDir: string; logger: Logger; signal: AbortSignal }> {
  return { dataDir: host.dataDir(), logger: await host.logger(), signal: host.signal };
}

/** Adds `webwx bot`, `serve`, `host`, `console`, `notify` and `worker` to the program. */
export function registerServiceCommands(program: Command, host: CommandHost): void {
  registerBotCommand(program, host);
  registerServeCommand(program, host);
  registerHostCommand(program, host);
  registerConsoleCommand(program, host);
  registerNotifyCommand(program, host);
  registerWorkerCommand(program, host);
}

function registerBotCommand(program: Command, host: CommandHost): void {
  const command = addServerOptions(
    program
      .command('bot')
      .description('run a bot: the seed’s auto-reply mode and/or the handler modules of a config file'),
    { pacing: true },
  ).addOption(appOption());
  addReplySourceOptions(command)
    .option('--group-mentions-only', 'in groups, answer only when @-mentioned (default)')
    .option('--all-group-messages', 'in groups, answer every text message')
    .option('--config <file>', 'a bot config JSON: { "plugins": [...], "autoReply": {...} }')
    .action(
      async (
        opts: Omit<BotCommandOptions, 'autoReply' | 'groups' | 'logger' | 'signal'> & {
          autoReply?: boolean;
          groupMentionsOnly?: boolean;
          allGroupMessages?: boolean;
        },
      ) => {
        if (opts.groupMentionsOnly && opts.allGroupMessages) {
          throw new CliError('choose one of --group-mentions-only and --all-group-messages');
        }
        checkReplySourceFlags(opts);
        const { runBotCommand } = await import('./bot-command.js');
        host.setExitCode(
          await runBotCommand(
            {
              ...opts,
              autoReply: opts.autoReply ?? false,
              groups: opts.allGroupMessages ? 'all' : 'mentions',
              ...(await commandContext(host)),
            },
            host.io,
          ),
        );
      },
    );
}

function registerServeCommand(program: Command, host: CommandHost): void {
  addServerOptions(
    program
      .command('serve')
      .description('log in, then serve the HTTP API (bearer token from WEBWX_API_TOKEN or --token)'),
    { pacing: true },
  )
    .addOption(appOption())
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 8788)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--token <token>', 'the bearer token (better: WEBWX_API_TOKEN)')
    .option('--webhook <url>', 'POST every incoming message to this URL, with retries (kept in the store)')
    .option('--store <file>', 'deprecated: a SQLite file instead of the data directory’s store')
    .option('--no-telegram', 'do not serve the Telegram Bot API-compatible surface')
    .action(async (opts: Omit<ServeCommandOptions, 'logger' | 'signal'>) => {
      const { runServeCommand } = await import('./serve-command.js');
      host.setExitCode(await runServeCommand({ ...opts, ...(await commandContext(host)) }, host.io));
    });
}

function registerHostCommand(program: Command, host: CommandHost): void {
  addServerOptions(
    program
      .command('host')
      .description(
        'many accounts in one process, managed over an HTTP API (bearer token from WEBWX_API_TOKEN)',
      ),
    { pacing: true },
  )
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 8789)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--token <token>', 'the bearer token (better: WEBWX_API_TOKEN)')
    .action(async (opts: Omit<HostCommandOptions, 'logger' | 'signal' | 'dataDir'>) => {
      const { runHostCommand } = await import('./host-command.js');
      host.setExitCode(await runHostCommand({ ...opts, ...(await commandContext(host)) }, host.io));
    });
}

function registerConsoleCommand(program: Command, host: CommandHost): void {
  const command = program
    .command('console')
    .description('the phone’s File Transfer chat as a console: commands, files, notifications')
    .addOption(appOption('filehelper'))
    .option('--config <file>', 'a console config JSON: the commands it may run (docs/console.md)')
    .option('--files-dir <dir>', 'where files from the phone are saved (default: <data-dir>/console-files)')
    .option('--port <n>', 'the HTTP API port on 127.0.0.1 (0 picks a free one)', parsePort, 0);
  addReplySourceOptions(addServerOptions(command)).action(
    async (opts: Omit<ConsoleCommandOptions, 'dataDir' | 'logger' | 'signal'> & ReplySourceFlags) => {
      checkReplySourceFlags(opts);
      const { runConsoleCommand } = await import('./console-command.js');
      host.setExitCode(await runConsoleCommand({ ...opts, ...(await commandContext(host)) }, host.io));
    },
  );
}

function registerNotifyCommand(program: Command, host: CommandHost): void {
  program
    .command('notify')
    .description('send a text or a file to the phone’s File Transfer chat through the running webwx console')
    .argument('[text...]', 'the text (default: read from stdin)')
    .option('--file <path>', 'send this file')
    .option('--image <path>', 'send this image')
    .action(async (text: string[], opts: { file?: string; image?: string }) => {
      const { runNotifyCommand } = await import('./notify-command.js');
      host.setExitCode(
        await runNotifyCommand({ text, ...opts, dataDir: host.dataDir(), signal: host.signal }, host.io),
      );
    });
}

function isWorkerAction(action: string | undefined, ids: readonly string[]): action is WorkerAction {
  return (
    action === 'add' || action === 'list' || action === 'remove' || (action === undefined && ids.length === 0)
  );
}

function registerWorkerCommand(program: Command, host: CommandHost): void {
  program
    .command('worker')
    .description('run accounts from PostgreSQL on leases, with Redis Streams in and out (docs/scale.md)')
    .argument('[action]', 'add ID… | list | remove ID… (default: run the worker)')
    .argument('[ids...]', 'account ids (add, remove)')
    .option('--pg <url>', 'the PostgreSQL database (default: WEBWX_PG_URL)')
    .option('--redis <url>', 'the Redis (default: WEBWX_REDIS_URL)')
    .option('--id <id>', "this worker's id (default: host name and pid)")
    .option(
      '--server <url>',
      'one base URL for every host, e.g. an emulator (add: this account only)',
      parseServerUrl,
    )
    .addOption(pacingOption())
    .option('--lease-ttl <duration>', "a lease's time to live (default 5s)", parseDuration('--lease-ttl'))
    .option('--schema <name>', 'the PostgreSQL schema of the tables')
    .option('--prefix <prefix>', 'a prefix for the Redis keys')
    .option('--daily-send-limit <n>', 'add: sends allowed per UTC day', parseSendLimit('--daily-send-limit'))
    .action(async (action: string | undefined, ids: string[], flags: WorkerCommandOptions) => {
      if (action === 'add' && ids.length === 0) throw new CliError('webwx worker add ID…');
      if (!isWorkerAction(action, ids)) {
        throw new CliError(
          `unknown worker action "${String(action).slice(0, 40)}": add ID…, list or remove ID…`,
        );
      }
      const { runWorkerCommand } = await import('./worker-command.js');
      host.setExitCode(await runWorkerCommand(action, ids, flags, host.io, host.logger, host.signal));
    });
}

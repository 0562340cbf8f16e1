/**
 * The File Transfer console (docs/console.md): a Bot that takes the account's own messages in the
 * `filehelper` chat as commands and ignores everything else. Texts are commands (built-ins, or the
 * config's programs, run in the background so `/ping` answers while a long one runs), files and
 * photos are saved to `filesDir`, other texts go to the reply source when there is one. Every send to
 * the chat goes through an EchoGuard, so nothing the console sent is ever taken as a command.
 */
import { mkdir } from 'node:fs/promises';
import type { DownloadOptions, DownloadResult } from '../../client/index.js';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { Message } from '../../model/index.js';
import { redact } from '../../redact.js';
import type { ReplySource } from '../auto-reply/reply-source.js';
import { Bot } from '../bot.js';
import type { BotClient } from '../bot-client.js';
import { NotAvailableError } from '../bot-errors.js';
import { type BotActions, Context } from '../context.js';
import { messageToJson } from '../message-json.js';
import type { SendQueueOptions } from '../send-queue.js';
import { runCommand } from './command-runner.js';
import {
  BUILT_IN_COMMANDS,
  type ConsoleCommand,
  type ConsoleConfig,
  emptyConsoleConfig,
} from './console-config.js';
import { type ConsoleStatus, helpText, runReplyText, statusText } from './console-replies.js';
import { type ConsoleLine, parseConsoleLine, splitArguments } from './console-syntax.js';
import { EchoGuard } from './echo-guard.js';

/** The File Transfer chat's UserName. */
export const FILE_TRANSFER_CHAT = 'filehelper';

/** What the console needs of a client: a BotClient, its state and its download. */
export interface ConsoleClient extends BotClient {
  /** The client's state ('ready', …), for /status. */
  readonly state?: string;
  /** Saves a message's media into a directory (WebWxClient.download). */
  download?(message: Message, options?: DownloadOptions): Promise<DownloadResult>;
}

/** What the console did, for the CLI to print. Never holds message text or command output. */
export type ConsoleActivity =
  | { kind: 'command'; name: string; outcome: string }
  | { kind: 'file-saved'; path: string; bytes: number }
  | { kind: 'auto-reply'; source: string };

/** Options of a FileConsole. */
export interface FileConsoleOptions {
  client: ConsoleClient;
  /** Default: the built-ins only. */
  config?: ConsoleConfig;
  /** Shown by /status: 'filehelper' or 'web'. */
  app: string;
  /** Where files from the phone are saved (created 0700 when missing). */
  filesDir: string;
  /** Answers texts that are not commands. */
  replySource?: ReplySource;
  sendQueue?: SendQueueOptions;
  logger?: Logger;
  /** Told what the console did (a command ran, a file was saved), for a log line. */
  onActivity?(activity: ConsoleActivity): void;
  /** The clock (tests). Default Date.now. */
  now?: () => number;
}

const SAVED_KINDS = new Set(['image', 'file', 'video']);
const MAX_AUTO_REPLY = 4000;

function errorText(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}

/** The console: a Bot over the client with the gate, the commands and the file saving. */
export class FileConsole {
  readonly bot: Bot;
  /** The console's sends (through the bot's queue and the echo guard): give these to the HTTP API. */
  readonly actions: BotActions;
  readonly #client: ConsoleClient;
  readonly #config: ConsoleConfig;
  readonly #options: FileConsoleOptions;
  readonly #logger: Logger;
  readonly #guard = new EchoGuard({ chat: FILE_TRANSFER_CHAT });
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #running = new Set<Promise<void>>();
  readonly #stopping = new AbortController();
  readonly #knownNames: ReadonlySet<string>;
  #handled = 0;
  #commandsRun = 0;
  #filesSaved = 0;

  constructor(options: FileConsoleOptions) {
    this.#options = options;
    this.#client = options.client;
    this.#config = options.config ?? emptyConsoleConfig();
    this.#logger = (options.logger ?? silentLogger).child({ component: 'console' });
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#knownNames = new Set([...BUILT_IN_COMMANDS, ...this.#config.commands.keys()]);
    this.bot = new Bot(options.client, {
      // Own messages are the whole point; the gate below lets only those of the File Transfer chat in.
      ignoreSelf: false,
      logger: options.logger,
      ...(options.sendQueue ? { sendQueue: options.sendQueue } : {}),
      // Messages arrive after start(), when `actions` is set.
      context: (message, client) => new Context(message, client, this.actions),
    });
    this.actions = this.#guard.wrap(this.bot.actions);
    this.bot.use((ctx) => this.#handle(ctx));
  }

  /** Listens to the client (and starts it when idle). */
  start(): Promise<void> {
    return this.bot.start();
  }

  /** Stops the running programs (their replies say so), then the bot. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await Promise.allSettled([...this.#running]);
    await this.bot.stop();
  }

  get status(): ConsoleStatus {
    const queue = this.bot.sendQueue.stats;
    return {
      app: this.#options.app,
      state: this.#client.state ?? 'unknown',
      uptimeMs: this.#now() - this.#startedAt,
      handled: this.#handled,
      commandsRun: this.#commandsRun,
      running: this.#running.size,
      filesSaved: this.#filesSaved,
      pendingSends: queue.pending,
      sent: queue.sent,
      failedSends: queue.failed,
    };
  }

  /** Whether the console takes this message at all: the account's own, in the File Transfer chat. */
  static accepts(message: Message): boolean {
    return message.isSelf && !message.chat.isRoom && message.chat.userName === FILE_TRANSFER_CHAT;
  }

  async #handle(ctx: Context): Promise<void> {
    const message = ctx.message;
    if (!FileConsole.accepts(message)) {
      this.#logger.debug(
        { chat: message.chat.userName, kind: message.kind, isSelf: message.isSelf },
        'ignored: not an own message in the File Transfer chat',
      );
      return;
    }
    if (this.#guard.isEcho(message)) {
      this.#logger.debug({ msgId: message.id, kind: message.kind }, 'ignored: the echo of an own send');
      return;
    }
    this.#handled++;
    if (message.kind === 'text') return this.#onText(ctx);
    if (SAVED_KINDS.has(message.kind)) return this.#onFile(ctx);
    this.#logger.debug({ msgId: message.id, kind: message.kind }, 'ignored: nothing to do for this kind');
  }

  async #onText(ctx: Context): Promise<void> {
    const line = parseConsoleLine(ctx.message.text, {
      bare: this.#config.bareCommands,
      knownNames: this.#knownNames,
    });
    if (!line) return this.#notACommand(ctx);
    const report = (outcome: string) =>
      this.#options.onActivity?.({ kind: 'command', name: line.name, outcome });
    switch (line.name) {
      case 'ping':
        await ctx.reply('pong');
        return report('ok');
      case 'help':
        await ctx.reply(
          helpText(this.#config, {
            filesDir: this.#options.filesDir,
            replySource: this.#options.replySource?.name,
          }),
        );
        return report('ok');
      case 'status':
        await ctx.reply(statusText(this.status));
        return report('ok');
    }
    const command = this.#config.commands.get(line.name);
    if (!command) {
      await ctx.reply(`Unknown command “${line.name}”. Send /help for the list.`);
      return report('unknown');
    }
    this.#startRun(ctx, command, line, report);
  }

  async #notACommand(ctx: Context): Promise<void> {
    const source = this.#options.replySource;
    if (!source || ctx.message.text.trim() === '') {
      this.#logger.debug({ msgId: ctx.message.id }, 'ignored: not a command');
      return;
    }
    let answer: string | undefined;
    try {
      answer = await source.reply({
        text: ctx.message.text.trim(),
        message: messageToJson(ctx.message, ctx.client),
      });
    } catch (error) {
      this.#logger.warn(
        { msgId: ctx.message.id, source: source.name, error: errorText(error) },
        'the reply source failed',
      );
      return;
    }
    if (answer === undefined || answer.trim() === '') return;
    await ctx.reply(answer.length > MAX_AUTO_REPLY ? answer.slice(0, MAX_AUTO_REPLY) : answer);
    this.#options.onActivity?.({ kind: 'auto-reply', source: source.name });
  }

  /** Checks the arguments, then runs the program in the background and replies when it ends. */
  #startRun(
    ctx: Context,
    command: ConsoleCommand,
    line: ConsoleLine,
    report: (outcome: string) => void,
  ): void {
    const refuse = async (text: string, outcome: string) => {
      await ctx.reply(text);
      report(outcome);
    };
    let file: string;
    let args: string[];
    let words: string[];
    if (command.shell) {
      if (line.argText === '') return void refuse(`/${command.name} needs a command line.`, 'refused');
      words = [line.argText];
      [file, args] =
        process.platform === 'win32'
          ? ['cmd.exe', ['/d', '/s', '/c', line.argText]]
          : ['/bin/sh', ['-c', line.argText]];
    } else {
      words = splitArguments(line.argText);
      if (words.length > 0 && !command.args)
        return void refuse(`/${command.name} takes no arguments.`, 'refused');
      if (words.length > command.maxArgs)
        return void refuse(`/${command.name} takes at most ${command.maxArgs} arguments.`, 'refused');
      [file, args] = [command.run[0] as string, [...command.run.slice(1), ...words]];
    }
    if (this.#running.size >= this.#config.maxRunning) {
      return void refuse(
        `Busy: ${this.#running.size} command(s) still running. Try again when they are done.`,
        'busy',
      );
    }
    this.#commandsRun++;
    const run = (async () => {
      const result = await runCommand({
        file,
        args,
        ...(command.cwd ? { cwd: command.cwd } : {}),
        timeoutMs: command.timeoutMs,
        maxOutputBytes: command.maxOutputBytes,
        signal: this.#stopping.signal,
      });
      this.#logger.info(
        {
          command: command.name,
          exitCode: result.exitCode,
          timedOut: result.timedOut,
          ms: result.durationMs,
        },
        'command ended',
      );
      await ctx.reply(runReplyText(`/${command.name}`, words, result, command.timeoutMs));
      report(
        result.startError !== undefined
          ? 'could not start'
          : result.timedOut
            ? 'timed out'
            : result.signal
              ? `killed by ${result.signal}`
              : `exit ${result.exitCode}`,
      );
    })()
      .catch((error: unknown) => {
        this.#logger.warn({ command: command.name, error: errorText(error) }, 'a command reply failed');
      })
      .finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #onFile(ctx: Context): Promise<void> {
    const download = this.#client.download?.bind(this.#client);
    try {
      if (!download) throw new NotAvailableError('download');
      await mkdir(this.#options.filesDir, { recursive: true, mode: 0o700 });
      const saved = await download(ctx.message, { dir: this.#options.filesDir });
      this.#filesSaved++;
      this.#options.onActivity?.({ kind: 'file-saved', path: saved.path, bytes: saved.bytes });
      await ctx.reply(`Saved to ${saved.path} (${saved.bytes} bytes).`);
    } catch (error) {
      this.#logger.warn({ msgId: ctx.message.id, error: errorText(error) }, 'saving a file failed');
      await ctx.reply(`Could not save the ${ctx.message.kind}: ${errorText(error)}`);
    }
  }
}

/**
 * `webwx bot --auto-reply [--rules FILE | --webhook URL | --openai-base-url URL --openai-model M]
 * [--group-mentions-only | --all-group-messages] [--config FILE] [--server URL]`: the seed's robot
 * mode. Logs in, then answers text messages from the chosen reply source (in groups only when
 * @-mentioned unless --all-group-messages), and runs the handler modules listed in the config.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { autoReply, type GroupPolicy, type ReplySource } from '../bot/auto-reply/index.js';
import { Bot } from '../bot/bot.js';
import { BotConfigError } from '../bot/bot-errors.js';
import { createClient, type WebApp } from '../client/index.js';
import type { Logger } from '../logger.js';
import { redact } from '../redact.js';
import type { SqliteStore } from '../store/index.js';
import { CliError, type CliIo } from './cli-io.js';
import { openCliStore } from './cli-store.js';
import { reportLoginSteps } from './data-dir.js';
import { chooseReplySource } from './reply-source-choice.js';
import type { AutoReplyFileSettings, ReplySourceFlags } from './reply-source-flags.js';
import { runServiceSession } from './service-session.js';
import { storeKeyFrom } from './store-key.js';

export { chooseReplySource } from './reply-source-choice.js';

export interface BotCommandOptions extends Omit<ReplySourceFlags, 'autoReply'> {
  server?: string;
  uos: boolean;
  /** The web app to log in to (default 'web'). */
  app?: WebApp;
  autoReply: boolean;
  groups: GroupPolicy;
  /** false (--no-pacing): the client's outbox sends as fast as the server takes them. */
  pacing?: boolean;
  config?: string;
  /**
   * The data directory (data-dir.ts): the bot keeps its SQLite store there, like `webwx login`, so a
   * restart resumes without a QR code and no message is lost between handling and acknowledging it.
   */
  dataDir?: string | undefined;
  logger: Logger;
  signal: AbortSignal;
}

/** The bot config file: handler modules and auto-reply settings (flags win over it). */
export interface BotConfig extends AutoReplyFileSettings {
  plugins: string[];
  autoReply?: AutoReplyFileSettings['autoReply'] & { groups?: GroupPolicy };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new BotConfigError(field, 'expected a non-empty string');
  return value;
}

/** Validates a parsed bot config. */
export function parseBotConfig(value: unknown, dir: string): BotConfig {
  if (!isRecord(value)) throw new BotConfigError('', 'a bot config is a JSON object');
  for (const key of Object.keys(value)) {
    if (key !== 'plugins' && key !== 'autoReply')
      throw new BotConfigError(key, 'unknown field (expected plugins, autoReply)');
  }
  const plugins = value.plugins ?? [];
  if (!Array.isArray(plugins)) throw new BotConfigError('plugins', 'expected an array of module paths');
  const paths = plugins.map((p, i) => optionalText(p, `plugins[${i}]`) ?? '');
  const ar = value.autoReply;
  if (ar !== undefined && !isRecord(ar)) throw new BotConfigError('autoReply', 'expected an object');
  let autoReplyConfig: BotConfig['autoReply'];
  if (ar) {
    const openai = ar.openai;
    if (openai !== undefined && !isRecord(openai))
      throw new BotConfigError('autoReply.openai', 'expected an object');
    const groups = ar.groups;
    if (groups !== undefined && groups !== 'mentions' && groups !== 'all') {
      throw new BotConfigError('autoReply.groups', 'expected "mentions" or "all"');
    }
    autoReplyConfig = {
      rules: optionalText(ar.rules, 'autoReply.rules'),
      webhook: optionalText(ar.webhook, 'autoReply.webhook'),
      openai: openai
        ? {
            baseUrl: optionalText(openai.baseUrl, 'autoReply.openai.baseUrl'),
            model: optionalText(openai.model, 'autoReply.openai.model'),
            systemPrompt: optionalText(openai.systemPrompt, 'autoReply.openai.systemPrompt'),
          }
        : undefined,
      groups,
    };
  }
  return { plugins: paths, autoReply: autoReplyConfig, dir };
}

export async function loadBotConfig(path: string): Promise<BotConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`--config: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return parseBotConfig(JSON.parse(text), dirname(resolve(path)));
  } catch (error) {
    throw new CliError(`--config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A handler module: `export function register(bot)` (or a default export of that function). */
export type BotPlugin = (bot: Bot) => unknown;

export async function loadPlugin(path: string, dir: string): Promise<BotPlugin> {
  const file = resolve(dir, path);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(
      `plugin ${path}: cannot load it: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const register = module.register ?? module.default;
  if (typeof register !== 'function') {
    throw new CliError(`plugin ${path}: export a function register(bot) (or a default export)`);
  }
  return register as BotPlugin;
}

export async function runBotCommand(options: BotCommandOptions, io: CliIo): Promise<number> {
  const config = options.config ? await loadBotConfig(options.config) : undefined;
  const plugins = config ? await Promise.all(config.plugins.map((p) => loadPlugin(p, config.dir))) : [];
  const source = options.autoReply ? await chooseReplySource(options, config, io.env) : undefined;
  if (!source && plugins.length === 0) {
    throw new CliError('nothing to do: add --auto-reply with a reply source, or plugins in --config');
  }
  const app = options.app ?? 'web';
  // The same store as `webwx login` (docs/sessions.md): a session saved by either is resumed by both.
  const store =
    options.dataDir === undefined ? undefined : openCliStore(options.dataDir, app, storeKeyFrom(io.env));
  try {
    return await runBot(options, io, { config, plugins, source, store });
  } finally {
    store?.close();
  }
}

async function runBot(
  options: BotCommandOptions,
  io: CliIo,
  loaded: {
    config: BotConfig | undefined;
    plugins: BotPlugin[];
    source: ReplySource | undefined;
    store: SqliteStore | undefined;
  },
): Promise<number> {
  const { config, plugins, source, store } = loaded;
  const client = createClient({
    ...(options.server ? { server: options.server } : {}),
    app: options.app ?? 'web',
    uos: { enabled: options.uos },
    logger: options.logger,
    ...(options.pacing === false ? { pacing: false as const } : {}),
    ...(store ? { store } : {}),
  });
  const bot = new Bot(client, { logger: options.logger, ...(store ? { store } : {}) });
  for (const [i, register] of plugins.entries()) {
    try {
      await register(bot);
    } catch (error) {
      throw new CliError(
        `plugin ${config?.plugins[i]}: register(bot) failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (source) {
    bot.use(
      autoReply(source, {
        groups: groupPolicy(options, config),
        logger: options.logger,
        onReply: (ctx) => io.stdout.write(`replied in ${ctx.chatName}\n`),
        onSourceError: (ctx, error) =>
          io.stderr.write(
            `webwx: ${source.name} failed for a message in ${ctx.chatName}: ${redact(error instanceof Error ? error.message : String(error))}\n`,
          ),
      }),
    );
  }
  const offSteps = reportLoginSteps(client, io);
  return runServiceSession(
    {
      client,
      signal: options.signal,
      start: async () => {
        await bot.start();
        const what = source ? `auto-reply from ${source.name}` : `${plugins.length} plugin(s)`;
        const where =
          groupPolicy(options, config) === 'all' ? 'all group messages' : 'groups only when mentioned';
        io.stdout.write(`Bot running: ${what}; ${where}. Press Ctrl-C to stop.\n`);
      },
      stop: async () => {
        offSteps();
        await bot.stop();
      },
    },
    io,
  );
}

/** --all-group-messages wins; else the config's choice; else mentions only. */
function groupPolicy(options: BotCommandOptions, config: BotConfig | undefined): GroupPolicy {
  return options.groups === 'all' ? 'all' : (config?.autoReply?.groups ?? options.groups);
}

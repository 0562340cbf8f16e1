/**
 * The reply-source flags that `webwx bot` and `webwx console` share (docs/bot.md): `--auto-reply`
 * with one of `--rules FILE`, `--webhook URL` or `--openai-base-url URL --openai-model M` (plus the key
 * and a system prompt), and the choice of the one source from the flags, then a config file's
 * `autoReply`, then the environment.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { chatCompletionsSource } from '../bot/auto-reply/chat-completions.js';
import type { ReplySource } from '../bot/auto-reply/index.js';
import { loadRulesFile, rulesSource } from '../bot/auto-reply/rules.js';
import { webhookSource } from '../bot/auto-reply/webhook.js';
import { BotConfigError } from '../bot/bot-errors.js';
import { CliError } from './cli-io.js';

/** The flags as commander hands them over. */
export interface ReplySourceFlags {
  autoReply?: boolean;
  rules?: string;
  webhook?: string;
  openaiBaseUrl?: string;
  openaiModel?: string;
  openaiApiKey?: string;
  systemPrompt?: string;
}

/** A config file's auto-reply settings (the `autoReply` of `webwx bot --config`). */
export interface AutoReplyFileSettings {
  autoReply?: {
    rules?: string;
    webhook?: string;
    openai?: { baseUrl?: string; model?: string; systemPrompt?: string };
  };
  /** Where relative paths in the file are resolved from. */
  dir: string;
}

/** Adds --auto-reply and the reply-source flags to a command. */
export function addReplySourceOptions(command: Command): Command {
  return command
    .option('--auto-reply', 'answer text messages from a reply source')
    .option('--rules <file>', 'reply source: a rules JSON file (keyword/regex → reply)')
    .option('--webhook <url>', 'reply source: POST each message as JSON, reply with the answer')
    .option('--openai-base-url <url>', 'reply source: an OpenAI-compatible API (or WEBWX_OPENAI_BASE_URL)')
    .option('--openai-model <model>', 'the chat-completions model (or WEBWX_OPENAI_MODEL)')
    .option('--openai-api-key <key>', 'the API key (better: WEBWX_OPENAI_API_KEY)')
    .option('--system-prompt <text>', 'a system prompt for the chat-completions source');
}

/** A reply-source flag without --auto-reply is a usage error. */
export function checkReplySourceFlags(flags: ReplySourceFlags): void {
  if (!flags.autoReply && (flags.rules || flags.webhook || flags.openaiBaseUrl)) {
    throw new CliError('a reply source needs --auto-reply');
  }
}

/** The one reply source the flags (then the config, then the environment) choose. */
export async function chooseReplySource(
  options: ReplySourceFlags,
  config: AutoReplyFileSettings | undefined,
  env: Record<string, string | undefined>,
): Promise<ReplySource> {
  const fromConfig = config?.autoReply;
  const openaiBase =
    options.openaiBaseUrl ??
    (options.rules || options.webhook
      ? undefined
      : (fromConfig?.openai?.baseUrl ?? env.WEBWX_OPENAI_BASE_URL));
  const chosen = [options.rules, options.webhook, options.openaiBaseUrl].filter((v) => v !== undefined);
  if (chosen.length > 1)
    throw new CliError('choose one reply source: --rules, --webhook or --openai-base-url');
  try {
    const rules = options.rules ?? (chosen.length === 0 ? fromConfig?.rules : undefined);
    if (rules) {
      const path = options.rules ? rules : resolve(config?.dir ?? '.', rules);
      return rulesSource(await loadRulesFile(path));
    }
    const webhook = options.webhook ?? (chosen.length === 0 ? fromConfig?.webhook : undefined);
    if (webhook) return webhookSource({ url: webhook });
    if (openaiBase) {
      const model = options.openaiModel ?? fromConfig?.openai?.model ?? env.WEBWX_OPENAI_MODEL;
      if (!model)
        throw new CliError('--openai-model (or WEBWX_OPENAI_MODEL) is required with --openai-base-url');
      return chatCompletionsSource({
        baseUrl: openaiBase,
        model,
        apiKey: options.openaiApiKey ?? env.WEBWX_OPENAI_API_KEY,
        systemPrompt: options.systemPrompt ?? fromConfig?.openai?.systemPrompt,
      });
    }
  } catch (error) {
    if (error instanceof BotConfigError) throw new CliError(error.message);
    throw error;
  }
  throw new CliError(
    '--auto-reply needs a reply source: --rules FILE, --webhook URL, or --openai-base-url URL --openai-model M',
  );
}

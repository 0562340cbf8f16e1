/**
 * The one reply source of `webwx bot`, `webwx console` and the chat's auto-reply: from the flags
 * (reply-source-flags.ts), then a config file's `autoReply`, then the environment (docs/bot.md).
 */
import { resolve } from 'node:path';
import { chatCompletionsSource } from '../bot/auto-reply/chat-completions.js';
import type { ReplySource } from '../bot/auto-reply/index.js';
import { loadRulesFile, rulesSource } from '../bot/auto-reply/rules.js';
import { webhookSource } from '../bot/auto-reply/webhook.js';
import { BotConfigError } from '../bot/bot-errors.js';
import { CliError } from './cli-io.js';
import type { AutoReplyFileSettings, ReplySourceFlags } from './reply-source-flags.js';

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

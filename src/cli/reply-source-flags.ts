/**
 * The reply-source flags that `webwx bot` and `webwx console` share (docs/bot.md): `--auto-reply`
 * with one of `--rules FILE`, `--webhook URL` or `--openai-base-url URL --openai-model M` (plus the key
 * and a system prompt). Defined when `webwx` starts, so it loads no reply source: the choice of the
 * one source from the flags, then a config file's `autoReply`, then the environment, is in
 * reply-source-choice.ts, which the commands load when they run.
 */
import type { Command } from 'commander';
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

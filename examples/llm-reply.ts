/**
 * LLM auto-reply: answers private texts (and group texts that @-mention you) with an
 * OpenAI-compatible chat-completions API, remembering the last turns of each chat.
 * Run: EXAMPLE_OPENAI_BASE_URL=https://api.openai.com/v1 EXAMPLE_OPENAI_MODEL=gpt-4o-mini \
 *      EXAMPLE_OPENAI_API_KEY=sk-… npx tsx examples/run.ts llm-reply
 */
import type { Bot } from 'webwx';
import { autoReply, chatCompletionsSource } from 'webwx';

export function register(
  bot: Bot,
  options: { baseUrl?: string; model?: string; apiKey?: string } = {},
): void {
  const baseUrl = options.baseUrl ?? process.env.EXAMPLE_OPENAI_BASE_URL;
  const model = options.model ?? process.env.EXAMPLE_OPENAI_MODEL;
  if (!baseUrl || !model) throw new Error('set EXAMPLE_OPENAI_BASE_URL and EXAMPLE_OPENAI_MODEL');
  const source = chatCompletionsSource({
    baseUrl,
    model,
    apiKey: options.apiKey ?? process.env.EXAMPLE_OPENAI_API_KEY,
    systemPrompt: 'You are a friendly assistant in a WeChat chat. Answer briefly.',
    memory: { maxTurns: 12, maxChars: 6000 },
  });
  bot.use(autoReply(source));
}

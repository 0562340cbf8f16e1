/**
 * The OpenAI-compatible chat-completions reply source: POST {baseUrl}/chat/completions with the model,
 * an optional system prompt and the chat's recent turns; the reply is choices[0].message.content.
 * Each chat keeps its own conversation memory, bounded by turns and characters, and the number of
 * chats remembered is bounded too (the least recently used is forgotten).
 */
import { ParseError } from '../../errors.js';
import { BotConfigError } from '../bot-errors.js';
import { describeUrl, postJson } from '../http-post.js';
import type { ReplySource } from './reply-source.js';
import { checkHttpUrl } from './webhook.js';

/** One turn of a conversation, as the chat-completions API takes it. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** Bounds of a {@link ConversationMemory}; a negative or fractional value is a BotConfigError. */
export interface MemoryLimits {
  /** Turns kept per chat (user and assistant count one each). Default 20. */
  maxTurns?: number;
  /** Characters kept per chat. Default 8000. */
  maxChars?: number;
  /** Chats remembered. Default 1000. */
  maxChats?: number;
}

/** Per-chat conversation memory, bounded in turns, characters and chats. */
export class ConversationMemory {
  readonly #chats = new Map<string, ChatTurn[]>();
  readonly #maxTurns: number;
  readonly #maxChars: number;
  readonly #maxChats: number;

  constructor(limits: MemoryLimits = {}) {
    this.#maxTurns = limits.maxTurns ?? 20;
    this.#maxChars = limits.maxChars ?? 8000;
    this.#maxChats = limits.maxChats ?? 1000;
    for (const [name, v] of [
      ['maxTurns', this.#maxTurns],
      ['maxChars', this.#maxChars],
      ['maxChats', this.#maxChats],
    ] as const) {
      if (!Number.isInteger(v) || v < 0)
        throw new BotConfigError(`memory.${name}`, 'must be a non-negative integer');
    }
  }

  /** The number of chats remembered. */
  get size(): number {
    return this.#chats.size;
  }

  /** The chat's turns, oldest first (a copy). */
  history(chat: string): ChatTurn[] {
    return [...(this.#chats.get(chat) ?? [])];
  }

  /** Appends turns to a chat's memory; the oldest turns, and the least recent chats, go beyond the limits. */
  add(chat: string, ...turns: ChatTurn[]): void {
    const list = this.#chats.get(chat) ?? [];
    this.#chats.delete(chat);
    list.push(...turns.map((t) => ({ ...t, content: t.content.slice(0, this.#maxChars) })));
    while (list.length > this.#maxTurns) list.shift();
    let chars = list.reduce((n, t) => n + t.content.length, 0);
    while (chars > this.#maxChars && list.length > 0) chars -= (list.shift() as ChatTurn).content.length;
    if (list.length === 0 || this.#maxChats === 0) return;
    this.#chats.set(chat, list);
    while (this.#chats.size > this.#maxChats) {
      const oldest = this.#chats.keys().next().value as string;
      this.#chats.delete(oldest);
    }
  }

  /** Forgets one chat, or every chat when none is given. */
  clear(chat?: string): void {
    if (chat === undefined) this.#chats.clear();
    else this.#chats.delete(chat);
  }
}

/** Options of {@link chatCompletionsSource}. */
export interface ChatCompletionsOptions {
  /** e.g. 'https://api.openai.com/v1' or a local server's '/v1' URL. */
  baseUrl: string;
  /** The model name, e.g. 'gpt-4o-mini'; required. */
  model: string;
  /** Sent as a bearer token when given (the CLI reads WEBWX_OPENAI_API_KEY). */
  apiKey?: string;
  /** Sent first, as the system message, when given. */
  systemPrompt?: string;
  /** Limits of the source's own per-chat memory, or a ConversationMemory to share. */
  memory?: MemoryLimits | ConversationMemory;
  /** Default 60000 ms. */
  timeoutMs?: number;
  /** Passed as max_tokens when given. */
  maxTokens?: number;
}

/** choices[0].message.content of a chat-completions answer. */
export function parseChatCompletion(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ParseError('chat/completions', 'the answer is not JSON', body);
  }
  const choices = (json as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) throw new ParseError('chat/completions', 'the answer has no "choices"', body);
  if (choices.length === 0) return undefined;
  const content = (choices[0] as { message?: { content?: unknown } } | null)?.message?.content;
  if (content === null || content === undefined) return undefined;
  if (typeof content !== 'string')
    throw new ParseError('chat/completions', 'message.content is not a string', body);
  return content;
}

/**
 * A reply source that asks an OpenAI-compatible chat-completions API: POST `{baseUrl}/chat/completions`
 * with the system prompt, the chat's recent turns and the text; the answer is
 * `choices[0].message.content`. A bad URL or a missing model is a BotConfigError.
 */
export function chatCompletionsSource(options: ChatCompletionsOptions): ReplySource {
  const base = checkHttpUrl(options.baseUrl, 'openai base URL').replace(/\/+$/, '');
  if (!options.model?.trim()) throw new BotConfigError('openai model', 'a model name is required');
  const url = `${base}/chat/completions`;
  const memory =
    options.memory instanceof ConversationMemory ? options.memory : new ConversationMemory(options.memory);
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  return {
    name: `chat-completions ${describeUrl(url)}`,
    async reply(input) {
      const chat = input.message.chat.userName;
      const user: ChatTurn = { role: 'user', content: input.text };
      const messages = [
        ...(options.systemPrompt ? [{ role: 'system', content: options.systemPrompt }] : []),
        ...memory.history(chat),
        user,
      ];
      const answer = await postJson(
        url,
        { model: options.model, messages, ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}) },
        { headers, timeoutMs: options.timeoutMs ?? 60_000 },
      );
      const content = parseChatCompletion(answer.text)?.trim();
      if (!content) return undefined;
      memory.add(chat, user, { role: 'assistant', content });
      return content;
    },
  };
}

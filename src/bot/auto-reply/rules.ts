/**
 * The rules-file reply source: keyword or regex → reply, with chat allow and deny lists, globally and
 * per rule. The file is JSON, validated field by field (BotConfigError names the bad field):
 *
 *   { "allow": ["*"], "deny": ["工作群"],
 *     "rules": [
 *       { "keyword": "hello", "reply": "Hi! 👋" },
 *       { "regex": "^price (\\w+)$", "flags": "i", "reply": "The price of $1 is on our site.",
 *         "chats": { "allow": ["老张", "wxid_zhangwei01"] } } ],
 *     "fallback": "Sorry, I did not get that." }
 *
 * A chat entry matches the chat's UserName, stable id or name (topic, remark name, nickname); "*" any.
 * The first matching rule answers. `$1`…`$9` and `$<name>` in a regex rule's reply are its groups.
 */

import { BotConfigError } from '../bot-errors.js';
import { loadJsonConfig } from '../config-file.js';
import type { ReplyInput, ReplySource } from './reply-source.js';

/**
 * Which chats a rule set or rule applies to. An entry is a chat's UserName, stable id or name (topic,
 * remark name, nickname), or "*" for any; deny wins, and without an allow list every chat is allowed.
 */
export interface ChatLists {
  /** Chats allowed; absent: all. */
  allow?: string[];
  /** Chats refused, even when allowed. */
  deny?: string[];
}

/** One rule of a rules file: a keyword or a regex, and the reply it gives. */
export interface Rule {
  /** Matches a text that contains it, ignoring case and width. */
  keyword?: string;
  /** Matches a text it finds a match in; `$1`…`$9`, `$<name>` and `$$` in the reply are expanded. */
  regex?: RegExp;
  /** The reply. */
  reply: string;
  /** Only in these chats. */
  chats?: ChatLists;
}

/** A validated rules file (see {@link parseRules}): the rules in order, chat lists and a fallback. */
export interface RuleSet {
  /** Tried in order; the first that matches answers. */
  rules: Rule[];
  /** Chats the rules apply to (see {@link ChatLists}); absent: all. */
  allow?: string[];
  /** Chats the rules never answer in. */
  deny?: string[];
  /** The reply when no rule matches; absent: no reply. */
  fallback?: string;
}

const MAX_RULES = 10_000;
const MAX_TEXT = 10_000;
const RULE_KEYS = new Set(['keyword', 'regex', 'flags', 'reply', 'chats']);
const TOP_KEYS = new Set(['rules', 'allow', 'deny', 'fallback']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(value: unknown, field: string, options: { allowEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') throw new BotConfigError(field, `expected a string, got ${describe(value)}`);
  if (!options.allowEmpty && value.trim() === '') throw new BotConfigError(field, 'must not be empty');
  if (value.length > MAX_TEXT) throw new BotConfigError(field, `longer than ${MAX_TEXT} characters`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
}

function names(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    throw new BotConfigError(field, `expected an array of chat names or ids, got ${describe(value)}`);
  return value.map((v, i) => text(v, `${field}[${i}]`));
}

function unknownKeys(value: Record<string, unknown>, allowed: Set<string>, field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      throw new BotConfigError(
        field ? `${field}.${key}` : key,
        `unknown field (expected one of: ${[...allowed].join(', ')})`,
      );
    }
  }
}

function chatLists(value: unknown, field: string): ChatLists | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value))
    throw new BotConfigError(field, `expected { "allow": [...], "deny": [...] }, got ${describe(value)}`);
  unknownKeys(value, new Set(['allow', 'deny']), field);
  return { allow: names(value.allow, `${field}.allow`), deny: names(value.deny, `${field}.deny`) };
}

function rule(value: unknown, field: string): Rule {
  if (!isRecord(value)) throw new BotConfigError(field, `expected a rule object, got ${describe(value)}`);
  unknownKeys(value, RULE_KEYS, field);
  const hasKeyword = value.keyword !== undefined;
  const hasRegex = value.regex !== undefined;
  if (hasKeyword === hasRegex) throw new BotConfigError(field, 'needs exactly one of "keyword" or "regex"');
  const reply = text(value.reply, `${field}.reply`);
  const chats = chatLists(value.chats, `${field}.chats`);
  if (hasKeyword) {
    if (value.flags !== undefined)
      throw new BotConfigError(`${field}.flags`, 'only a regex rule takes flags');
    return { keyword: text(value.keyword, `${field}.keyword`), reply, chats };
  }
  const source = text(value.regex, `${field}.regex`);
  const flags = value.flags === undefined ? '' : text(value.flags, `${field}.flags`);
  if (!/^[imsu]*$/.test(flags))
    throw new BotConfigError(`${field}.flags`, `only i, m, s and u are allowed, got "${flags}"`);
  try {
    return { regex: new RegExp(source, flags), reply, chats };
  } catch (error) {
    throw new BotConfigError(`${field}.regex`, `invalid regular expression: ${(error as Error).message}`);
  }
}

/** Validates a parsed rules file. */
export function parseRules(value: unknown): RuleSet {
  if (!isRecord(value))
    throw new BotConfigError('', `a rules file is a JSON object with "rules", got ${describe(value)}`);
  unknownKeys(value, TOP_KEYS, '');
  if (!Array.isArray(value.rules))
    throw new BotConfigError('rules', `expected an array of rules, got ${describe(value.rules)}`);
  if (value.rules.length > MAX_RULES) throw new BotConfigError('rules', `more than ${MAX_RULES} rules`);
  return {
    rules: value.rules.map((r, i) => rule(r, `rules[${i}]`)),
    allow: names(value.allow, 'allow'),
    deny: names(value.deny, 'deny'),
    fallback: value.fallback === undefined ? undefined : text(value.fallback, 'fallback'),
  };
}

/** Reads and validates a rules file; errors name the file and the field. */
export function loadRulesFile(path: string): Promise<RuleSet> {
  return loadJsonConfig(path, 'rules file', parseRules);
}

const fold = (s: string): string => s.normalize('NFKC').toLocaleLowerCase();

/** Whether a chat entry names this chat. */
function chatMatches(entry: string, message: ReplyInput['message']): boolean {
  if (entry === '*') return true;
  const e = fold(entry);
  const chat = message.chat;
  return [chat.userName, chat.stableId ?? '', chat.name].some((n) => n !== '' && fold(n) === e);
}

/** Allowed when no allow list is given or an entry matches, and no deny entry matches. */
export function chatAllowed(lists: ChatLists | undefined, message: ReplyInput['message']): boolean {
  if (!lists) return true;
  if (lists.deny?.some((e) => chatMatches(e, message))) return false;
  return !lists.allow || lists.allow.some((e) => chatMatches(e, message));
}

/** `$1`, `$<name>` and `$$` of a regex match in a reply template. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\d|<([^>]+)>)/g, (_whole, token: string, name: string | undefined) => {
    if (token === '$') return '$';
    if (name !== undefined) return match.groups?.[name] ?? '';
    return match[Number(token)] ?? (token === '0' ? match[0] : '');
  });
}

/** The reply of the first matching rule, the fallback, or undefined. */
export function matchRules(set: RuleSet, input: ReplyInput): string | undefined {
  if (!chatAllowed({ allow: set.allow, deny: set.deny }, input.message)) return undefined;
  const folded = fold(input.text);
  for (const r of set.rules) {
    if (!chatAllowed(r.chats, input.message)) continue;
    if (r.keyword !== undefined) {
      if (folded.includes(fold(r.keyword))) return r.reply;
      continue;
    }
    const match = r.regex?.exec(input.text);
    if (match) return expandTemplate(r.reply, match);
  }
  return set.fallback;
}

/** A reply source that answers with the first matching rule of `set`, else its fallback. */
export function rulesSource(set: RuleSet): ReplySource {
  return { name: 'rules', reply: async (input) => matchRules(set, input) };
}

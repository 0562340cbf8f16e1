/**
 * Keyword auto-reply: the seed's robot with a rules table; groups only when @-mentioned.
 * Run: npx tsx examples/run.ts keyword-reply [--server URL]
 */
import type { Bot, RuleSet } from 'webwx';
import { autoReply, parseRules, rulesSource } from 'webwx';

export const RULES: RuleSet = parseRules({
  rules: [
    { keyword: '价格', reply: '价格请看官网 📄' },
    { regex: '^(hi|hello)\\b', flags: 'i', reply: 'Hello! Type "help" for what I can do.' },
    { keyword: 'help', reply: 'I answer: 价格, hi, hello.' },
  ],
});

export function register(bot: Bot): void {
  bot.use(autoReply(rulesSource(RULES), { groups: 'mentions' }));
}

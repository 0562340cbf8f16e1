/**
 * Echo bot: answers every private text with the same text.
 * Run: npx tsx examples/run.ts echo-bot [--server URL]
 */
import type { Bot } from 'webwx';
import { isPrivate } from 'webwx';

export function register(bot: Bot): void {
  bot.on('text').filter(isPrivate, (ctx) => ctx.reply(ctx.text));
}

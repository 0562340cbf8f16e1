/**
 * Echo bot: answers every private text with the same text.
 * Run: npx tsx examples/run.ts echo-bot [--server URL]   (in your project: import from 'webwx')
 */
import type { Bot } from '../src/index.js';
import { isPrivate } from '../src/index.js';

export function register(bot: Bot): void {
  bot.on('text').filter(isPrivate, (ctx) => ctx.reply(ctx.text));
}

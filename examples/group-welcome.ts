/**
 * Group welcome: greets the people who join a group (the "X invited Y to the group" notice).
 * Run: npx tsx examples/run.ts group-welcome [--server URL]
 */
import type { Bot } from 'webwx';

export function register(bot: Bot): void {
  bot.on('system', async (ctx, next) => {
    const event = ctx.message.event;
    if (event.type !== 'room-join' || event.selfJoined) return next();
    await ctx.reply(`欢迎 ${event.members.join('、')} 加入 ${ctx.chatName}! 🎉`);
  });
}

/**
 * Forward to a webhook: POSTs every incoming message as JSON to a URL, with retries.
 * Run: EXAMPLE_WEBHOOK_URL=http://127.0.0.1:9000/in npx tsx examples/run.ts forward-to-webhook
 */
import type { Bot } from 'webwx';
import { messageToJson, WebhookDelivery } from 'webwx';

export function register(bot: Bot, options: { url?: string } = {}): WebhookDelivery {
  const url = options.url ?? process.env.EXAMPLE_WEBHOOK_URL;
  if (!url) throw new Error('set EXAMPLE_WEBHOOK_URL to the webhook URL');
  const delivery = new WebhookDelivery({ url });
  bot.use(async (ctx, next) => {
    delivery.push(messageToJson(ctx.message, ctx.client));
    await next();
  });
  return delivery;
}

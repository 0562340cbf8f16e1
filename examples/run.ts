/**
 * Runs one example: npx tsx examples/run.ts <echo-bot|keyword-reply|group-welcome|forward-to-webhook|llm-reply>
 * [--server URL]. Prints the QR code, logs in, then runs the bot until Ctrl-C.
 */
import { Bot, createClient } from 'webwx';

const [name, flag, server] = process.argv.slice(2);
const examples = ['echo-bot', 'keyword-reply', 'group-welcome', 'forward-to-webhook', 'llm-reply'];
if (!name || !examples.includes(name)) {
  process.stderr.write(`usage: tsx examples/run.ts <${examples.join('|')}> [--server URL]\n`);
  process.exit(2);
}
const client = createClient(flag === '--server' && server ? { server } : {});
client.on('qr', ({ terminal }) => process.stdout.write(`${terminal}\n`));
const bot = new Bot(client);
const module = (await import(`./${name}.ts`)) as { register(bot: Bot): unknown };
module.register(bot);
process.once('SIGINT', () => {
  void bot.stop().then(() => client.stop());
});
await bot.start();
process.stdout.write(`${name} is running. Ctrl-C to stop.\n`);

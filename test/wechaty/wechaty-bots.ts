/**
 * Wechaty bots on PuppetWebwx against the in-process emulator, whose phone scans and confirms the QR
 * codes the bots show. Wechaty's own logging is silenced.
 */
import { log, type Wechaty, WechatyBuilder } from 'wechaty';
import { types } from 'wechaty-puppet';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { PuppetWebwx, type PuppetWebwxOptions } from '../../src/wechaty/index.js';

log.level('silent');

/** What a test started, stopped by {@link stopLaunched} (bots first, then emulators). */
const launched: { bots: Wechaty[]; emulators: Emulator[] } = { bots: [], emulators: [] };

/** Stops every bot and emulator the test started (for afterEach). */
export async function stopLaunched(): Promise<void> {
  for (const bot of launched.bots.splice(0)) await bot.stop();
  for (const emulator of launched.emulators.splice(0)) await emulator.close();
}

/** The emulator with the short long-poll holds of the tests. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({
    world: 'demo',
    timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000 },
    ...options,
  });
  launched.emulators.push(emulator);
  return emulator;
}

/**
 * The phone follows the puppet's scan events as a person would: it scans a QR code the bot shows
 * (ScanStatus.Waiting), then confirms once the bot saw the scan (ScanStatus.Scanned).
 */
function scanWithPhone(puppet: PuppetWebwx, emulator: Emulator): void {
  puppet.on('scan', ({ status, qrcode }) => {
    const uuid = decodeURIComponent(qrcode?.split('/').pop() ?? '');
    if (!uuid) return;
    if (status === types.ScanStatus.Waiting) setTimeout(() => emulator.phone.scan(uuid), 20);
    if (status === types.ScanStatus.Scanned) setTimeout(() => emulator.phone.confirm(uuid), 20);
  });
}

/** A Wechaty bot on a PuppetWebwx pointed at the emulator (not started), and the errors it reports. */
export function buildBot(
  emulator: Emulator,
  options: PuppetWebwxOptions = {},
): { bot: Wechaty; puppet: PuppetWebwx; errors: Error[] } {
  const puppet = new PuppetWebwx({ server: emulator.baseUrl, ...options });
  scanWithPhone(puppet, emulator);
  const bot = WechatyBuilder.build({ puppet });
  launched.bots.push(bot);
  // Wechaty reports what goes wrong in its handlers here (and throws without a listener).
  const errors: Error[] = [];
  bot.on('error', (error) => {
    errors.push(error);
  });
  return { bot, puppet, errors };
}

/** Starts the bot and resolves once it is logged in and ready. */
export async function startBot(bot: Wechaty): Promise<void> {
  const ready = new Promise<void>((resolve) => bot.once('ready', () => resolve()));
  const login = new Promise<void>((resolve) => bot.once('login', () => resolve()));
  await bot.start();
  await Promise.all([ready, login]);
}

/** Resolves with the next payload of a bot event that `match` accepts. */
export function nextEvent<A extends unknown[]>(
  bot: Wechaty,
  event: string,
  match: (...args: A) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no '${event}' event within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const listener = (...args: unknown[]) => {
      if (!match(...(args as A))) return;
      clearTimeout(timer);
      (bot as unknown as { off(e: string, l: unknown): void }).off(event, listener);
      resolve(args as A);
    };
    (bot as unknown as { on(e: string, l: unknown): void }).on(event, listener);
  });
}

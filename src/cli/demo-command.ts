/**
 * `webwx demo`: in one process, the emulator with the demo world, a phone that scans and confirms the
 * QR a few seconds after it appears, friends and group members who chat, and the client in line mode.
 */
import { createClient } from '../client/index.js';
import { type Emulator, startEmulator, type World } from '../emulator/index.js';
import type { Logger } from '../logger.js';
import { canRunFullScreen, runFullScreenSession } from './chat-command.js';
import type { CliIo } from './cli-io.js';
import { type ChatterCast, startChatter } from './demo-chatter.js';
import { runClientSession } from './login-command.js';

export interface DemoCommandOptions {
  durationSeconds?: number | undefined;
  scanDelaySeconds: number;
  logger: Logger;
  signal: AbortSignal;
  /** Mean seconds between spontaneous messages from the simulated people. */
  chatterIntervalSeconds?: number;
}

export function castFromWorld(world: World): ChatterCast {
  const self = world.self.id;
  return {
    friends: world.contacts.filter((c) => c.kind === 'friend').map((c) => c.id),
    rooms: world.rooms.map((r) => ({ id: r.id, members: r.memberIds.filter((m) => m !== self) })),
  };
}

/** The simulated phone: scan each new QR after a delay, confirm shortly after. */
export function autoScan(emulator: Emulator, scanDelayMs: number): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      try {
        fn();
      } catch {
        // The QR expired or was replaced meanwhile: the next one is handled by its own event.
      }
    }, ms);
    timers.add(t);
  };
  const off = emulator.phone.on('qr', (qr) => {
    if (qr.state !== 'waiting') return;
    later(scanDelayMs, () => emulator.phone.scan(qr.uuid));
    later(scanDelayMs + 1500, () => emulator.phone.confirm(qr.uuid));
  });
  return () => {
    off();
    for (const t of timers) clearTimeout(t);
  };
}

export async function runDemoCommand(options: DemoCommandOptions, io: CliIo): Promise<number> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal.addEventListener('abort', abort, { once: true });
  let timedOut = false;
  const deadline =
    options.durationSeconds === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          abort();
        }, options.durationSeconds * 1000);

  const emulator = await startEmulator({
    world: 'demo',
    logger: options.logger.child({ component: 'emulator' }),
  });
  const stopScanning = autoScan(emulator, options.scanDelaySeconds * 1000);
  let chatter: { stop(): void } | undefined;
  const offLogin = emulator.phone.on('login', () => {
    chatter ??= startChatter({
      phone: emulator.phone,
      cast: castFromWorld(emulator.world),
      meanIntervalSeconds: options.chatterIntervalSeconds ?? 6,
    });
  });

  io.stdout.write(`webwx demo: an emulated Web WeChat server at ${emulator.baseUrl}\n`);
  io.stdout.write(`The simulated phone scans the QR code ${options.scanDelaySeconds}s after it appears.\n`);
  io.stdout.write(`Play the phone yourself in a browser: ${emulator.baseUrl}/__phone/\n\n`);
  const client = createClient({
    server: emulator.baseUrl,
    logger: options.logger.child({ component: 'client' }),
  });
  try {
    // Full screen in a terminal; line mode when piped (the tests rely on it).
    const code = canRunFullScreen(io)
      ? await runFullScreenSession(client, { signal: controller.signal }, io)
      : await runClientSession(client, { signal: controller.signal, keepAliveOnEof: !io.isTty }, io);
    // The end of --duration is a normal exit; Ctrl-C (a signal, or the key in full screen) is 130.
    return code === 130 && timedOut ? 0 : code;
  } finally {
    if (deadline) clearTimeout(deadline);
    options.signal.removeEventListener('abort', abort);
    offLogin();
    chatter?.stop();
    stopScanning();
    await emulator.close();
  }
}

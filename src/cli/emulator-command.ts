/** `webwx emulator --port N --world FILE|demo|big`: run the emulator standalone and print its base URL. */
import { existsSync } from 'node:fs';
import { type EmulatorOptions, loadWorldFile, startEmulator } from '../emulator/index.js';
import type { Logger } from '../logger.js';
import { CliError, type CliIo } from './cli-io.js';

export interface EmulatorCommandOptions {
  port: number;
  host: string;
  world: string;
  logger: Logger;
  signal: AbortSignal;
}

export async function resolveWorld(world: string): Promise<NonNullable<EmulatorOptions['world']>> {
  if (world === 'demo' || world === 'big') return world;
  if (!existsSync(world))
    throw new CliError(`--world: expected demo, big or a world JSON file; "${world}" does not exist`);
  try {
    return await loadWorldFile(world);
  } catch (error) {
    throw new CliError(`--world: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function runEmulatorCommand(options: EmulatorCommandOptions, io: CliIo): Promise<number> {
  const world = await resolveWorld(options.world);
  const emulator = await startEmulator({
    port: options.port,
    host: options.host,
    world,
    logger: options.logger,
  });
  io.stdout.write(`webwx emulator listening on ${emulator.baseUrl}\n`);
  io.stdout.write(`  client:  webwx login --server ${emulator.baseUrl}\n`);
  io.stdout.write(`  phone:   curl ${emulator.baseUrl}/__phone/qr   (see docs/emulator.md)\n`);
  io.stdout.write('Press Ctrl-C to stop.\n');
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emulator.close();
  io.stdout.write('emulator stopped\n');
  return 0;
}

/** An emulator whose phone scans and confirms every new QR code, for tests that log a client in. */
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';

export async function startAutoConfirmingEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({
    world: 'demo',
    timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000 },
    ...options,
  });
  emulator.phone.on('qr', (qr) => {
    if (qr.state !== 'waiting') return;
    setTimeout(() => {
      emulator.phone.scan(qr.uuid);
      emulator.phone.confirm(qr.uuid);
    }, 20);
  });
  return emulator;
}

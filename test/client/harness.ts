/** Shared set-up for the client's integration tests: a real emulator and a real client, logged in. */

import type { ClientEvents, ClientOptions, WebWxClient } from '../../src/client/index.js';
import { createClient } from '../../src/client/index.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';

export const FAST_TIMING = { loginPollHoldMs: 1500, syncCheckHoldMs: 1500, qrExpiryMs: 60_000 };

export interface Pair {
  emulator: Emulator;
  client: WebWxClient;
  /** Every event the client emitted, in order. */
  events: { [K in keyof ClientEvents]: ClientEvents[K][] };
  close(): Promise<void>;
}

export async function startPair(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: ClientOptions = {},
): Promise<Pair> {
  const emulator = await startEmulator({ port: 0, timing: FAST_TIMING, ...emulatorOptions });
  const client = createClient({
    server: emulator.baseUrl,
    timeouts: { requestMs: 20_000, syncCheckMs: 10_000, loginPollMs: 10_000 },
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
    // The emulator is no real account: pacing off unless a test turns it on.
    pacing: false,
    ...clientOptions,
  });
  const events = {
    state: [],
    qr: [],
    scanned: [],
    login: [],
    contacts: [],
    ready: [],
    message: [],
    'contact-added': [],
    'contact-updated': [],
    'contact-removed': [],
    'room-updated': [],
    'stable-id-collision': [],
    'friend-request': [],
    'room-join': [],
    'room-leave': [],
    'room-topic': [],
    revoke: [],
    logout: [],
    'login-step': [],
    relogin: [],
    'send-retry': [],
    'sync-round': [],
    'sync-stalled': [],
    error: [],
  } as Pair['events'];
  for (const name of Object.keys(events) as (keyof ClientEvents)[]) {
    client.on(name, (payload) => (events[name] as unknown[]).push(payload));
  }
  return {
    emulator,
    client,
    events,
    async close() {
      await client.stop();
      await emulator.close();
    },
  };
}

/** start() with the phone scanning and confirming the first QR. */
export async function login(pair: Pair): Promise<void> {
  const started = pair.client.start();
  const qr = await pair.emulator.phone.waitForQr({ timeoutMs: 10_000 });
  pair.emulator.phone.scan(qr.uuid);
  pair.emulator.phone.confirm(qr.uuid);
  await started;
}

/** Resolves with the first 'message' event matching `predicate` (already received ones count). */
export function waitForMessage(
  pair: Pair,
  predicate: (m: ClientEvents['message']) => boolean,
  timeoutMs = 10_000,
): Promise<ClientEvents['message']> {
  const found = pair.events.message.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a message'));
    }, timeoutMs);
    const off = pair.client.on('message', (m) => {
      if (!predicate(m)) return;
      clearTimeout(timer);
      off();
      resolve(m);
    });
  });
}

export function waitForEvent<K extends keyof ClientEvents>(
  pair: Pair,
  event: K,
  timeoutMs = 10_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for '${event}'`));
    }, timeoutMs);
    const off = pair.client.on(event, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

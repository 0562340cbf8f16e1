/** Shared by the hot-reload tests: a client started on a store against an emulator whose phone answers. */
import { afterEach } from 'vitest';
import type { ClientEvents, ClientOptions, WebWxClient } from '../../src/client/index.js';
import { createClient } from '../../src/client/index.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import type { Message } from '../../src/model/index.js';
import type { SqliteStore } from '../../src/store/index.js';
import { FAST_TIMING } from './harness.js';

export interface Started {
  client: WebWxClient;
  steps: ClientEvents['login-step'][];
  messages: Message[];
  qrs: number;
}

export interface StartOptions {
  /** The phone scans and confirms QR codes (default true). */
  scanQr?: boolean;
  /** The phone cancels push logins instead of confirming them. */
  cancelPush?: boolean;
  /** The client's web app (default 'web'). */
  app?: ClientOptions['app'];
}

/**
 * Starts a client on the store (added to `clients` for the caller to stop); the phone confirms push
 * logins (or cancels them) and scans and confirms QR codes unless told not to.
 */
export async function startOnStore(
  e: Emulator,
  store: ClientOptions['store'],
  clients: WebWxClient[],
  options: StartOptions = {},
): Promise<Started> {
  const client = createClient({
    server: e.baseUrl,
    store,
    timeouts: { requestMs: 10_000, syncCheckMs: 8_000, loginPollMs: 8_000 },
    retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 2 },
    pacing: false,
    ...(options.app ? { app: options.app } : {}),
  });
  clients.push(client);
  const started: Started = { client, steps: [], messages: [], qrs: 0 };
  client.on('login-step', (s) => started.steps.push(s));
  client.on('message', (m) => started.messages.push(m));
  client.on('qr', () => started.qrs++);
  const off = e.phone.on('qr', (qr) => {
    if (qr.push) {
      if (options.cancelPush) e.phone.cancel(qr.uuid);
      else e.phone.confirm(qr.uuid);
    } else if (options.scanQr !== false) {
      e.phone.scan(qr.uuid);
      e.phone.confirm(qr.uuid);
    }
  });
  try {
    await client.start();
  } finally {
    off();
  }
  return started;
}

/** The message with this id, once the started client has it. */
export function waitForId(started: Started, id: string): Promise<Message> {
  const found = started.messages.find((m) => m.id === id);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const off = started.client.on('message', (m) => {
      if (m.id === id) {
        off();
        resolve(m);
      }
    });
  });
}

/** The login steps as 'step:outcome'. */
export const stepsOf = (s: Started): string[] => s.steps.map((x) => `${x.step}:${x.outcome}`);

export interface RestartFixture {
  /** A fresh emulator (closed after the test). */
  emu(): Promise<Emulator>;
  /** SQLite stores to close after the test. */
  sqlites: SqliteStore[];
  /** startOnStore(), the client stopped after the test. */
  start(e: Emulator, store: ClientOptions['store'], options?: StartOptions): Promise<Started>;
}

/** Registers the clean-up (clients stopped, stores closed, emulator closed) after each test of the file. */
export function restartFixture(): RestartFixture {
  let emulator: Emulator | undefined;
  const clients: WebWxClient[] = [];
  const sqlites: SqliteStore[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.stop();
    for (const s of sqlites.splice(0)) s.close();
    await emulator?.close();
    emulator = undefined;
  });
  return {
    async emu() {
      emulator = await startEmulator({ port: 0, timing: FAST_TIMING });
      return emulator;
    },
    sqlites,
    start: (e, store, options = {}) => startOnStore(e, store, clients, options),
  };
}

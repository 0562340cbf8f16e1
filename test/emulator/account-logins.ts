/** Real webwx clients logged in as accounts of one emulator (docs/emulator.md "Several accounts"). */
import {
  type ClientEvents,
  type ClientOptions,
  createClient,
  type WebWxClient,
} from '../../src/client/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { type Pair, waitForMessage } from '../client/harness.js';

/** A logged-in client and every message it got. */
export interface Logged {
  client: WebWxClient;
  messages: ClientEvents['message'][];
}

/** Starts a client on `emu` and logs it in as `account`, whose phone scans and confirms its QR code. */
export async function loginAs(emu: Emulator, account: string, options: ClientOptions = {}): Promise<Logged> {
  const client = createClient({
    server: emu.baseUrl,
    timeouts: { requestMs: 20_000, syncCheckMs: 10_000, loginPollMs: 10_000 },
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
    pacing: false,
    ...options,
  });
  const messages: ClientEvents['message'][] = [];
  client.on('message', (m) => messages.push(m));
  const started = client.start();
  const phone = emu.phoneOf(account);
  const qr = await phone.waitForQr({ timeoutMs: 10_000 });
  phone.scan(qr.uuid);
  phone.confirm(qr.uuid);
  await started;
  return { client, messages };
}

/** The harness's waitForMessage over one account's client and the messages it got. */
export function waitFor(who: Logged, predicate: (m: ClientEvents['message']) => boolean) {
  return waitForMessage(
    { client: who.client, events: { message: who.messages } } as unknown as Pair,
    predicate,
  );
}

/** The UserName of the first contact `find(nickName)` gives (throws when there is none). */
export function userNameOf(who: Logged, nickName: string): string {
  const found = who.client.contacts.find(nickName)[0];
  if (found === undefined) throw new Error(`no contact ${nickName}`);
  return found.userName;
}

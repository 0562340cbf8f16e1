/** A Runtime over a scripted `send`, with sleeps recorded instead of waited, for unit tests. */

import type { ClientEvents, ClientState } from '../../src/client/client-types.js';
import { type ClientOptions, resolveOptions } from '../../src/client/options.js';
import type { Runtime } from '../../src/client/runtime.js';
import { Session } from '../../src/client/session/session-state.js';
import { TypedEmitter } from '../../src/client/typed-emitter.js';
import type { HttpReply, HttpRequestSpec } from '../../src/protocol/http-request.js';
import { ClientMsgIdSequence } from '../../src/protocol/index.js';
import type { HttpTransport } from '../../src/transport/index.js';

/** The one base URL of the fake runtime's hosts (nothing listens there: the runtime's `send` is scripted). */
export const FAKE_SERVER = 'http://emu.test';

export interface FakeRuntime {
  rt: Runtime;
  controller: AbortController;
  requests: HttpRequestSpec[];
  sleeps: number[];
  states: ClientState[];
  events: { [K in keyof ClientEvents]?: ClientEvents[K][] };
}

export function reply(text: string, status = 200): HttpReply {
  return { status, headers: {}, text };
}

/**
 * `handle` answers each request (or throws). Stop the fake by aborting `controller` (e.g. from the
 * handler once the script is done): sends and sleeps then reject with the abort reason.
 */
export function fakeRuntime(
  handle: (spec: HttpRequestSpec, fake: FakeRuntime) => HttpReply | Promise<HttpReply>,
  options: ClientOptions = {},
): FakeRuntime {
  const controller = new AbortController();
  const clientMsgIds = new ClientMsgIdSequence();
  const events = new TypedEmitter<ClientEvents>();
  const fake: FakeRuntime = {
    controller,
    requests: [],
    sleeps: [],
    states: [],
    events: {},
    rt: undefined as unknown as Runtime,
  };
  for (const name of ['qr', 'scanned', 'message', 'error', 'logout'] as const) {
    events.on(name, (payload) => {
      const list = (fake.events[name] ?? []) as unknown[];
      list.push(payload);
      (fake.events as Record<string, unknown[]>)[name] = list;
    });
  }
  const aborted = (): unknown => controller.signal.reason;
  const transport: HttpTransport = {
    send: () => Promise.reject(new Error('use rt.send')),
    cookies: undefined as never,
    close: () => Promise.resolve(),
  };
  fake.rt = {
    options: resolveOptions({ server: FAKE_SERVER, random: () => 0.5, ...options }),
    logger: resolveOptions(options).logger,
    signal: controller.signal,
    events,
    transport,
    async send(spec) {
      if (controller.signal.aborted) throw aborted();
      fake.requests.push(spec);
      const result = await handle(spec, fake);
      if (controller.signal.aborted) throw aborted();
      return result;
    },
    async sleep(ms) {
      if (controller.signal.aborted) throw aborted();
      fake.sleeps.push(ms);
      await Promise.resolve();
      if (controller.signal.aborted) throw aborted();
    },
    setState: (state) => fake.states.push(state),
    nextClientMsgId: () => clientMsgIds.next(fake.rt.options.now(), fake.rt.options.random),
  };
  return fake;
}

/**
 * A logged-in Session on the fake runtime's hosts: fixed credentials (`sid` and `uin` as given), a
 * desktop session unless `desktop: false`, and its own user `self` ('@self'; `false`: none yet, as
 * before webwxinit).
 */
export function testSession(
  options: {
    app?: 'web' | 'filehelper';
    sid?: string;
    uin?: string;
    desktop?: boolean;
    self?: string | false;
  } = {},
): Session {
  const session = new Session({
    hosts: resolveOptions({ server: FAKE_SERVER }).hosts,
    credentials: {
      skey: '@crypt_00000000_1',
      sid: options.sid ?? 'sid',
      uin: options.uin ?? '1',
      passTicket: 'pt',
    },
    deviceId: 'e123456789012345',
    lang: 'zh_CN',
    desktop: options.desktop ?? true,
    ...(options.app ? { app: options.app } : {}),
  });
  if (options.self !== false)
    session.selfUser = { UserName: options.self ?? '@self', NickName: 'me' } as never;
  return session;
}

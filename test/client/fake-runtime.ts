/** A Runtime over a scripted `send`, with sleeps recorded instead of waited, for unit tests. */

import type { ClientEvents, ClientState } from '../../src/client/client-types.js';
import { type ClientOptions, resolveOptions } from '../../src/client/options.js';
import type { Runtime } from '../../src/client/runtime.js';
import { TypedEmitter } from '../../src/client/typed-emitter.js';
import type { HttpReply, HttpRequestSpec } from '../../src/protocol/http-request.js';
import { ClientMsgIdSequence } from '../../src/protocol/index.js';
import type { HttpTransport } from '../../src/transport/index.js';

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
    options: resolveOptions({ server: 'http://emu.test', random: () => 0.5, ...options }),
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

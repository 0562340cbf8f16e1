/**
 * startEmulator(): wire the world, the stores, the routes and the phone to a loopback HTTP server.
 */
import { InvalidArgumentError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { shareFriendRequests } from './account-friendships.js';
import { demoWorldSpec } from './demo-world.js';
import { Emitter } from './emitter.js';
import type { Emulator, EmulatorAccount } from './emulator-handle.js';
import { DEFAULT_TIMING, type EmulatorOptions, type PhoneEvents } from './emulator-types.js';
import { FaultTable } from './faults.js';
import { HoldRegistry } from './holds.js';
import { EmulatorServer } from './http-server.js';
import { MsgIdSource } from './ids.js';
import { SessionIndex, SessionStore } from './login-session.js';
import { resolveMediaDir } from './media-dir.js';
import { EmulatorPhone } from './phone.js';
import { closeMedia } from './phone-media.js';
import { setupProxy } from './proxy/proxy-setup.js';
import { QrStore } from './qr-store.js';
import { isLoopbackHost, RequestGuard } from './request-guard.js';
import type { AccountDirectory, EmulatorContext } from './route-context.js';
import { registerChatroomRoutes } from './routes/chatroom-routes.js';
import { registerContactOpRoutes } from './routes/contact-op-routes.js';
import { registerContactRoutes } from './routes/contact-routes.js';
import { registerInitRoutes } from './routes/init-routes.js';
import { registerLoginRoutes } from './routes/login-routes.js';
import { registerMediaRoutes } from './routes/media-routes.js';
import { registerMessageRoutes } from './routes/message-routes.js';
import { registerPhoneRoutes } from './routes/phone-routes.js';
import { registerSyncRoutes } from './routes/sync-routes.js';
import { Router } from './served-request.js';
import { sessionExpiryOf, startSessionExpiry } from './session-expiry.js';
import { shareRoomChanges } from './shared-rooms.js';
import { REFUSAL_MESSAGE } from './wire-format.js';
import { buildWorld } from './world.js';
import { buildWorlds } from './world-accounts.js';
import { WorldChanges } from './world-changes.js';
import { BIG_WORLD, generateWorld } from './world-generator.js';
import type { World } from './world-types.js';

/**
 * The World of the `world` option: 'demo' (the default), 'big', `{ generate }` or a WorldSpec, built
 * and validated (WorldValidationError). A world of several accounts: the first account's.
 */
export function resolveWorld(world: EmulatorOptions['world']): World {
  return resolveWorlds(world)[0]!;
}

/** Every account's World of the `world` option (one unless it is a MultiWorldSpec), validated. */
export function resolveWorlds(world: EmulatorOptions['world']): World[] {
  if (world === undefined || world === 'demo') return [buildWorld(demoWorldSpec())];
  if (world === 'big') return [buildWorld(generateWorld(BIG_WORLD))];
  if (typeof world === 'object' && 'generate' in world) return [buildWorld(generateWorld(world.generate))];
  return buildWorlds(world);
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v <= 0)
    throw new InvalidArgumentError('startEmulator', `startEmulator: ${name} must be a positive integer`);
  return v;
}

/** The phone token, checked: required beyond loopback, one word of printable ASCII. */
function phoneTokenOf(options: EmulatorOptions, host: string): string | undefined {
  const token = options.phoneToken;
  if (token === undefined) {
    if (!isLoopbackHost(host))
      throw new InvalidArgumentError(
        'startEmulator',
        `startEmulator: listening on ${host} (beyond loopback) needs a phoneToken for the phone API (webwx emulator --phone-token)`,
      );
    return undefined;
  }
  if (typeof token !== 'string' || !/^[\x21-\x7e]{16,512}$/.test(token))
    throw new InvalidArgumentError(
      'startEmulator',
      'startEmulator: phoneToken must be 16 to 512 printable ASCII characters, no spaces',
    );
  return token;
}

function refusalOf(refuse: EmulatorOptions['refuseLogin']): EmulatorContext['refuseLogin'] {
  if (!refuse) return false;
  if (refuse === 'non-uos') return { ret: 1203, message: REFUSAL_MESSAGE, unlessUos: true };
  return { ret: refuse.ret ?? 1203, message: refuse.message ?? REFUSAL_MESSAGE, unlessUos: false };
}

/**
 * Starts an emulator and resolves once it listens (docs/emulator.md); `close()` stops it. Bad options
 * reject before anything listens (a bad world: WorldValidationError).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const logger = (options.logger ?? silentLogger).child({ component: 'emulator' });
  const host = options.host ?? '127.0.0.1';
  const phoneToken = phoneTokenOf(options, host);
  const mediaDir = options.mediaDir === undefined ? undefined : resolveMediaDir(options.mediaDir);
  const sessionExpiryMs = sessionExpiryOf(options.sessionExpiryMs);
  const worlds = resolveWorlds(options.world);
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const qrs = new QrStore(() => timing.qrExpiryMs);
  const index = new SessionIndex();
  const msgIds = new MsgIdSource();
  const holds = new HoldRegistry();
  const byId = new Map<string, EmulatorContext>();
  const accounts: AccountDirectory = { all: [], byId: (id) => byId.get(id) };
  const contexts = worlds.map((world): EmulatorContext => {
    const sessions = new SessionStore(index);
    const ctx: EmulatorContext = {
      world,
      accountId: world.self.id,
      accounts,
      changes: new WorldChanges({ world, sessions, msgIds }),
      timing,
      logger,
      baseUrl: '',
      refuseLogin: refusalOf(options.refuseLogin),
      mediaDir,
      contactPageSize: positiveInt('contactPageSize', options.contactPageSize, 800),
      syncBatchSize: positiveInt('syncBatchSize', options.syncBatchSize, 50),
      kickPreviousSession: options.kickPreviousSession ?? true,
      qrs,
      sessions,
      holds,
      events: new Emitter<PhoneEvents>(),
      msgIds,
      sent: [],
      notifications: [],
    };
    byId.set(world.self.id, ctx);
    return ctx;
  });
  (accounts.all as EmulatorContext[]).push(...contexts);
  const ctx = contexts[0]!;
  shareRoomChanges(contexts);
  shareFriendRequests(contexts);
  const world = ctx.world;
  qrs.onCreate((qr) => {
    for (const c of contexts) c.events.emit('qr', qr);
  });
  const stopExpiry =
    sessionExpiryMs === undefined ? [] : contexts.map((c) => startSessionExpiry(c, sessionExpiryMs));
  const phones = new Map(contexts.map((c) => [c.accountId, new EmulatorPhone(c)]));
  const phone = phones.get(ctx.accountId)!;
  const router = new Router();
  registerLoginRoutes(router, ctx);
  registerInitRoutes(router, ctx);
  registerContactRoutes(router, ctx);
  registerChatroomRoutes(router, ctx);
  registerContactOpRoutes(router, ctx);
  registerSyncRoutes(router, ctx);
  registerMessageRoutes(router, ctx);
  registerMediaRoutes(router, ctx);
  const faults = new FaultTable().bind(ctx);
  registerPhoneRoutes(router, ctx, phones, faults);
  const proxy = setupProxy(options.proxy, logger);
  const server = new EmulatorServer({
    router,
    faults,
    holds: ctx.holds,
    logger,
    guard: new RequestGuard({
      bindHost: host,
      proxy: proxy !== undefined,
      ...(phoneToken === undefined ? {} : { phoneToken }),
    }),
    ...(proxy ? { proxy: proxy.proxy } : {}),
  });
  const address = await server.listen(options.port ?? 0, host).catch((error: unknown) => {
    proxy?.dispose();
    throw error;
  });
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  for (const c of contexts) c.baseUrl = `http://${urlHost}:${address.port}`;
  logger.info(
    {
      baseUrl: ctx.baseUrl,
      accounts: contexts.length,
      contacts: world.contacts.length,
      rooms: world.rooms.length,
    },
    'emulator listening',
  );
  const handles: EmulatorAccount[] = contexts.map((c) => ({
    id: c.accountId,
    world: c.world,
    phone: phones.get(c.accountId)!,
  }));
  let closing: Promise<void> | undefined;
  return {
    baseUrl: ctx.baseUrl,
    phone,
    world,
    accounts: handles,
    phoneOf: (id) => {
      const found = phones.get(id);
      if (found === undefined)
        throw new InvalidArgumentError(
          'emulator',
          `emulator: no account "${id}" (accounts: ${[...phones.keys()].join(', ')})`,
        );
      return found;
    },
    faults,
    ...(proxy ? { proxy: proxy.info(ctx.baseUrl) } : {}),
    close: () => {
      closing ??= (async () => {
        for (const stop of stopExpiry) stop();
        holds.closeAll();
        for (const p of phones.values()) p.closeWaits();
        qrs.close();
        await server.close();
        proxy?.dispose();
        for (const c of contexts) c.events.clear();
        closeMedia(ctx);
        logger.info('emulator closed');
      })();
      return closing;
    },
  };
}

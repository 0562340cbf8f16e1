/**
 * startEmulator(): wire the world, the stores, the routes and the phone to a loopback HTTP server.
 */
import { silentLogger } from '../logger.js';
import { demoWorldSpec } from './demo-world.js';
import { Emitter } from './emitter.js';
import type { Emulator } from './emulator-handle.js';
import { DEFAULT_TIMING, type EmulatorOptions, type PhoneEvents } from './emulator-types.js';
import { FaultTable } from './faults.js';
import { HoldRegistry } from './holds.js';
import { EmulatorServer } from './http-server.js';
import { MsgIdSource } from './ids.js';
import { SessionStore } from './login-session.js';
import { resolveMediaDir } from './media-dir.js';
import { EmulatorPhone } from './phone.js';
import { closeMedia } from './phone-media.js';
import { setupProxy } from './proxy/proxy-setup.js';
import { QrStore } from './qr-store.js';
import { isLoopbackHost, RequestGuard } from './request-guard.js';
import type { EmulatorContext } from './route-context.js';
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
import { REFUSAL_MESSAGE } from './wire-format.js';
import { buildWorld, type World } from './world.js';
import { WorldChanges } from './world-changes.js';
import { BIG_WORLD, generateWorld } from './world-generator.js';

/**
 * The World of the `world` option: 'demo' (the default), 'big', `{ generate }` or a WorldSpec, built
 * and validated (WorldValidationError).
 */
export function resolveWorld(world: EmulatorOptions['world']): World {
  if (world === undefined || world === 'demo') return buildWorld(demoWorldSpec());
  if (world === 'big') return buildWorld(generateWorld(BIG_WORLD));
  if (typeof world === 'object' && 'generate' in world) return buildWorld(generateWorld(world.generate));
  return buildWorld(world);
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v <= 0)
    throw new RangeError(`startEmulator: ${name} must be a positive integer`);
  return v;
}

/** The phone token, checked: required beyond loopback, one word of printable ASCII. */
function phoneTokenOf(options: EmulatorOptions, host: string): string | undefined {
  const token = options.phoneToken;
  if (token === undefined) {
    if (!isLoopbackHost(host))
      throw new Error(
        `startEmulator: listening on ${host} (beyond loopback) needs a phoneToken for the phone API (webwx emulator --phone-token)`,
      );
    return undefined;
  }
  if (typeof token !== 'string' || !/^[\x21-\x7e]{16,512}$/.test(token))
    throw new RangeError('startEmulator: phoneToken must be 16 to 512 printable ASCII characters, no spaces');
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
  const world = resolveWorld(options.world);
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const events = new Emitter<PhoneEvents>();
  const qrs = new QrStore(() => timing.qrExpiryMs);
  const sessions = new SessionStore();
  const msgIds = new MsgIdSource();
  const ctx: EmulatorContext = {
    world,
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
    holds: new HoldRegistry(),
    events,
    msgIds,
    sent: [],
    notifications: [],
  };
  qrs.onCreate((qr) => events.emit('qr', qr));
  const stopExpiry = sessionExpiryMs === undefined ? undefined : startSessionExpiry(ctx, sessionExpiryMs);
  const phone = new EmulatorPhone(ctx);
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
  registerPhoneRoutes(router, ctx, phone, faults);
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
  ctx.baseUrl = `http://${urlHost}:${address.port}`;
  logger.info(
    { baseUrl: ctx.baseUrl, contacts: world.contacts.length, rooms: world.rooms.length },
    'emulator listening',
  );
  let closing: Promise<void> | undefined;
  return {
    baseUrl: ctx.baseUrl,
    phone,
    world,
    faults,
    ...(proxy ? { proxy: proxy.info(ctx.baseUrl) } : {}),
    close: () => {
      closing ??= (async () => {
        stopExpiry?.();
        ctx.holds.closeAll();
        phone.closeWaits();
        qrs.close();
        await server.close();
        proxy?.dispose();
        events.clear();
        closeMedia(ctx);
        logger.info('emulator closed');
      })();
      return closing;
    },
  };
}

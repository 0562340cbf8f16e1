/**
 * createClient(): wires options, transport, login flow, session loader, sync loop and outbox
 * together, and owns the client's life cycle (state, stop, logout). The protocol work is in
 * the files it imports; this one only decides what runs when and what gets released.
 */
import {
  ClientStoppedError,
  InvalidStateError,
  ListenerError,
  LoggedOutError,
  sessionEndOf,
} from '../errors.js';
import type { Contact, Message } from '../model/index.js';
import { buildLogoutRequest } from '../protocol/index.js';
import type { SessionStore } from '../store/index.js';
import { createHttpTransport, type HttpTransport } from '../transport/index.js';
import type { ClientEvents, ClientState, WebWxClient } from './client-types.js';
import { MutableContactDirectory } from './contacts/contact-directory.js';
import { ContactServiceImpl } from './contacts/contact-service.js';
import type { ContactService, RoomService } from './contacts/contact-service-types.js';
import { RoomServiceImpl } from './contacts/room-service.js';
import { StableIdRegistry } from './contacts/stable-ids.js';
import { errorText } from './error-text.js';
import type {
  AvatarOptions,
  DownloadOptions,
  DownloadResult,
  DownloadStreamResult,
} from './media/media-api-types.js';
import { MediaService } from './media/media-service.js';
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { createRuntime, type Runtime } from './runtime.js';
import { addressBookOf } from './send/address-book.js';
import { ClientSends } from './send/client-sends.js';
import { Outbox } from './send/outbox.js';
import { resendPending } from './send/resend.js';
import type { OutboxStats, Outbox as PublicOutbox } from './send/send-types.js';
import { prefetchForResume } from './session/cached-contacts.js';
import { followContactPhase, startContactPhase } from './session/contact-phase.js';
import { SessionPersister } from './session/session-persister.js';
import { cookieStoreOf, establishSession, loadSavedSession } from './session/session-resume.js';
import type { Session } from './session/session-state.js';
import { runLiveSync } from './sync/live-sync.js';
import { SeenSet } from './sync/seen-set.js';
import { TypedEmitter } from './typed-emitter.js';

/** How long logout() waits for webwxlogout before ending the session anyway. */
const LOGOUT_TIMEOUT_MS = 5000;

/**
 * Creates a client (state 'idle'; nothing is sent until `start()`). Options are checked at once: a
 * bad value is an InvalidArgumentError.
 */
export function createClient(options?: ClientOptions): WebWxClient {
  return new Client(resolveOptions(options));
}

const stoppedError = (): ClientStoppedError => new ClientStoppedError();

/** `client.outbox` before start(): nothing was sent, nothing waits. */
const NO_OUTBOX: PublicOutbox = {
  logged: () => Promise.resolve(),
  idle: () => Promise.resolve(),
  stats: (): OutboxStats => ({ queued: 0, inFlight: 0, sent: 0, failed: 0, rateLimited: 0, resent: 0 }),
};

class Client extends ClientSends implements WebWxClient {
  readonly #options: ResolvedOptions;
  readonly #events: TypedEmitter<ClientEvents>;
  readonly #controller = new AbortController();
  readonly #directory: MutableContactDirectory;
  readonly #seen = new SeenSet();
  readonly #contactService: ContactServiceImpl;
  readonly #roomService: RoomServiceImpl;
  #state: ClientState = 'idle';
  #transport: HttpTransport | undefined;
  #runtime: Runtime | undefined;
  #session: Session | undefined;
  #persister: SessionPersister | undefined;
  #loop: Promise<void> | undefined;
  #released: Promise<void> | undefined;
  #loggingOut = false;
  #ended: LoggedOutError | undefined;
  #media: MediaService | undefined;
  #outbox: Outbox | undefined;

  constructor(options: ResolvedOptions) {
    const events = new TypedEmitter<ClientEvents>(options.logger, {
      errorEvent: 'error',
      asError: (event, error) => new ListenerError(event, error),
    });
    const registry = new StableIdRegistry({
      store: options.stableIds,
      now: options.now,
      onStoreError: (error) => options.logger.warn({ error: errorText(error) }, 'stable id store failed'),
      onCollision: (collision) => events.emit('stable-id-collision', collision),
    });
    const directory = new MutableContactDirectory();
    const contactService = new ContactServiceImpl(directory, events, registry, options.app);
    super(options.app, contactService);
    this.#options = options;
    this.#events = events;
    this.#directory = directory;
    this.#contactService = contactService;
    this.#roomService = new RoomServiceImpl(directory, contactService, options.app);
  }

  get state(): ClientState {
    return this.#state;
  }

  get self(): Contact | undefined {
    return this.#session?.self;
  }

  get store(): SessionStore | undefined {
    return this.#options.store;
  }

  get contacts(): ContactService {
    return this.#contactService;
  }

  get rooms(): RoomService {
    return this.#roomService;
  }

  get outbox(): PublicOutbox {
    return this.#outbox ?? NO_OUTBOX;
  }

  on<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  once<K extends keyof ClientEvents>(event: K): Promise<ClientEvents[K]> {
    return this.#events.once(event);
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle' || this.#runtime) {
      throw new InvalidStateError('start() can only be called once, on an idle client', this.#state);
    }
    const options = this.#options;
    // Hot reload (docs/sessions.md): a saved session brings its cookie jar.
    const saved = await loadSavedSession({ options, logger: options.logger, events: this.#events });
    if (this.#controller.signal.aborted || this.#runtime) throw stoppedError();
    this.#transport = createHttpTransport({
      logger: options.logger,
      defaultTimeoutMs: options.timeouts.requestMs,
      // One chat's pipelined texts (send-queue.ts) travel on the transport's ordered connection.
      orderedPipelining: options.sendPipelining,
      ...options.network,
      ...(saved ? { cookies: cookieStoreOf(saved, options.logger) } : {}),
    });
    const rt = createRuntime({
      options,
      transport: this.#transport,
      events: this.#events,
      signal: this.#controller.signal,
      setState: (state) => this.#setState(state),
    });
    this.#runtime = rt;
    try {
      // A resume reads some of its stores while webwxinit is on the wire (cached-contacts.ts).
      const prefetched = saved
        ? prefetchForResume(rt, saved.self?.UserName, this.#contactService)
        : undefined;
      // Resume the saved session, else push login, else the QR code (session-resume.ts).
      const { session, self, step } = await establishSession(rt, this.#directory, saved);
      this.#session = session;
      const persister = options.store
        ? new SessionPersister(rt, options.store, session, this.#transport.cookies)
        : undefined;
      this.#persister = persister;
      await persister?.save();
      const outbox = new Outbox(
        {
          rt,
          session,
          seen: this.#seen,
          store: options.messageStore,
          addresses: addressBookOf(this.#contactService, this.#directory, () => session.selfUserName),
          endSession: (e) => this.#endSession(e),
        },
        options.pacing,
      );
      this.#outbox = outbox;
      this.#events.emit('login', { self });
      this.#setState('loading');
      // A resume with the contact cache loads the server's list in the background (contact-phase.ts).
      const contacts = await startContactPhase(
        rt,
        session,
        this.#directory,
        step,
        this.#contactService,
        prefetched,
      );
      if (!contacts.fromCache) this.#events.emit('contacts', await contacts.loaded);
      const opsDeps = { rt, session, endSession: (e: LoggedOutError) => this.#endSession(e) };
      this.#contactService.attach(opsDeps);
      this.#roomService.attach(opsDeps, session.inviteStartCount);
      await this.#contactService.goLive(contacts.fromCache, contacts.byName);
      this.#setState('ready');
      this.#events.emit('ready', { self });
      followContactPhase(rt, contacts, this.#contactService, (e) => this.#endSession(e));
      // Sends a crash left pending go first, before any new message can be answered.
      if (options.messageStore) {
        resendPending(outbox, options.messageStore).catch((error: unknown) => {
          if (!rt.signal.aborted)
            rt.logger.warn({ error: errorText(error) }, 're-sending pending messages failed');
        });
      }
      this.#loop = runLiveSync({
        rt,
        session,
        directory: this.#directory,
        seen: this.#seen,
        outbox,
        messageStore: options.messageStore,
        persist: persister ? () => persister.save() : undefined,
        fromCacheFor: contacts.cachedFor,
        onStatusNotify: (raw) => this.#contactService.learnFromStatusNotify(raw),
        endSession: (error) => this.#endSession(error, true),
        autoRelogin: options.autoRelogin,
      });
    } catch (error) {
      // Stopped, or the session was ended meanwhile (logout(), or the server): say which.
      if (this.#controller.signal.aborted)
        throw this.#ended ?? this.#controller.signal.reason ?? stoppedError();
      const ended = sessionEndOf(error);
      if (ended) {
        this.#endSession(ended);
        throw ended;
      }
      options.logger.error({ error: errorText(error) }, 'start failed');
      this.#setState('stopped');
      await this.#release();
      throw error;
    }
  }

  /** The send methods (send/client-sends.ts) send through this. */
  protected liveOutbox(method: string): Outbox {
    if (this.#state === 'logged-out') throw this.#ended ?? new LoggedOutError('unknown');
    const outbox = this.#outbox;
    const live = outbox && this.#state !== 'stopped' && this.#state !== 'idle';
    if (!live) throw new InvalidStateError(`${method}() needs a logged-in client`, this.#state);
    return outbox;
  }

  async download(message: Message, options?: DownloadOptions): Promise<DownloadResult> {
    return this.#mediaService('download').download(message, options);
  }

  async downloadStream(message: Message, options?: DownloadOptions): Promise<DownloadStreamResult> {
    return this.#mediaService('downloadStream').downloadStream(message, options);
  }

  async downloadAvatar(userName: string, options?: AvatarOptions): Promise<DownloadResult> {
    return this.#mediaService('downloadAvatar').downloadAvatar(userName, options);
  }

  /** The downloads of the live session (docs/media.md); throws when there is no live session. */
  #mediaService(method: string): MediaService {
    const [rt, session] = [this.#runtime, this.#session];
    if (this.#state === 'logged-out') throw this.#ended ?? new LoggedOutError('unknown');
    const live = rt && session?.self && (this.#state === 'ready' || this.#state === 'loading');
    if (!live) throw new InvalidStateError(`${method}() needs a logged-in client`, this.#state);
    this.#media ??= new MediaService({ rt, session });
    return this.#media;
  }

  async logout(): Promise<void> {
    if (this.#state === 'logged-out' || this.#state === 'stopped') return;
    this.#loggingOut = true;
    const rt = this.#runtime;
    const session = this.#session;
    if (rt && session) {
      try {
        await rt.send({ ...buildLogoutRequest(session.context(), 0), timeoutMs: LOGOUT_TIMEOUT_MS });
      } catch (error) {
        // The session ends on our side whatever the server says (§2.7: clients ignore the reply).
        rt.logger.debug({ error: errorText(error) }, 'webwxlogout failed; ending the session anyway');
      }
    }
    this.#endSession(new LoggedOutError('logout-called'));
    // Logged out on purpose: nothing to resume next time.
    await this.#options.store?.clear().catch((error: unknown) => {
      this.#options.logger.warn({ error: errorText(error) }, 'clearing the saved session failed');
    });
    await this.#released;
  }

  async stop(): Promise<void> {
    // A keys-only change still waiting (session-persister.ts) is written before the session stops.
    if (this.#state !== 'logged-out' && !this.#released) await this.#persister?.flush();
    if (this.#state !== 'stopped') this.#setState('stopped');
    await this.#release();
    await this.#loop;
    this.#events.removeAllListeners();
  }

  #setState(state: ClientState): void {
    if (this.#state === state) return;
    // Terminal states stay terminal, except that a logged-out client can still be stopped.
    if (this.#state === 'stopped' || (this.#state === 'logged-out' && state !== 'stopped')) return;
    this.#state = state;
    this.#options.logger.debug({ state }, 'client state');
    this.#events.emit('state', state);
  }

  #endSession(error: LoggedOutError, fromSyncLoop = false): void {
    if (this.#state === 'logged-out' || this.#state === 'stopped') return;
    // autoRelogin: a service seeing the end leaves it to the sync loop, which logs in again (reconnect.ts).
    if (this.#options.autoRelogin && this.#loop && !fromSyncLoop && error.reason !== 'logout-called') return;
    // While logout() runs, the server ending the session is its echo, not another reason.
    if (this.#loggingOut && error.reason !== 'logout-called') return;
    this.#options.logger.info({ reason: error.reason, ret: error.ret }, 'session ended');
    this.#ended = error;
    this.#setState('logged-out');
    this.#events.emit(
      'logout',
      error.reason === 'logout-called' ? { reason: error.reason } : { reason: error.reason, error },
    );
    void this.#release();
  }

  /** Aborts every request and sleep, and closes the transport (undici agent and sockets). Idempotent. */
  #release(): Promise<void> {
    if (!this.#released) {
      // The session's end (a LoggedOutError) when it ended, else the stop: what pending calls reject with.
      const reason = this.#ended ?? stoppedError();
      if (!this.#controller.signal.aborted) this.#controller.abort(reason);
      this.#contactService.settleLoaded(Promise.reject(reason)); // when no load settled it
      this.#released = this.#transport ? this.#transport.close() : Promise.resolve();
    }
    return this.#released;
  }
}

/**
 * The parts of undici the transport uses, loaded without undici's index.
 *
 * Why: `import … from 'undici'` evaluates the whole package (fetch, WebSocket, caches, the mock
 * agent, the snapshot recorder, …) where webwx needs two dispatcher classes. Loading only those is
 * a figure users feel when a process restarts: measured on the bench machine, requiring the two
 * classes takes 40–60 ms against 120–180 ms for the index (CommonJS; through ESM's import of the
 * index 300–400 ms), guarded by the restart scenario's "of which: process start → code loaded" row
 * (`npm run bench -- --only restart`, docs/benchmarks.md).
 *
 * undici 7 has no "exports" map, so these deep paths are legal to require. Should an upgrade move a
 * file, the index is loaded instead (slower, same behaviour), and test/transport/undici-parts.test.ts
 * fails so the path gets fixed. Types come from undici's declarations (`import type` loads nothing).
 * What only some clients need (a proxy, a multipart upload) comes from the index on first use.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import { InvalidArgumentError } from '../errors.js';

const require = createRequire(import.meta.url);

function fromIndex(): typeof Undici {
  return require('undici') as typeof Undici;
}

/** `require(deepPath)`, or the same export of undici's index when that path no longer resolves. */
function part<T>(deepPath: string, ofIndex: (undici: typeof Undici) => T): T {
  try {
    return require(deepPath) as T;
  } catch {
    return ofIndex(fromIndex());
  }
}

/** undici's Agent (a pool per origin). */
export const Agent: typeof Undici.Agent = part('undici/lib/dispatcher/agent.js', (u) => u.Agent);
/** undici's Client (one origin, optionally pipelined). */
export const Client: typeof Undici.Client = part('undici/lib/dispatcher/client.js', (u) => u.Client);

type ApiRequest = (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;
/**
 * The request API (`dispatcher.request()`): undici's index puts it on Dispatcher's prototype, so
 * without the index it is called on the dispatcher from here.
 */
const apiRequest: ApiRequest = part('undici/lib/api/api-request.js', (u) => u.Dispatcher.prototype.request);

/** The deep paths above, for the test that checks they still resolve. */
export const UNDICI_DEEP_PATHS = [
  'undici/lib/dispatcher/agent.js',
  'undici/lib/dispatcher/client.js',
  'undici/lib/api/api-request.js',
] as const;

/** A new undici ProxyAgent (from the index, loaded on first use: only clients with a proxy need it). */
export function newProxyAgent(options: Undici.ProxyAgent.Options): Undici.ProxyAgent {
  return new (fromIndex().ProxyAgent)(options);
}

/** A new undici FormData for a multipart upload (from the index, loaded on the first upload). */
export function newFormData(): Undici.FormData {
  return new (fromIndex().FormData)();
}

/** undici's request options, with the dispatcher that carries the request required. */
export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> &
  Partial<Pick<Undici.Dispatcher.RequestOptions, 'method'>> & {
    /** The agent, client or pool that carries the request. */
    dispatcher: Undici.Dispatcher;
  };

/**
 * undici's `request(url, options)` for an explicit dispatcher: the URL split into origin and path
 * and the request API called on the dispatcher, as undici's index does. Rejects (never throws) on a
 * URL that cannot be parsed or is not http(s).
 */
export function request(url: string | URL, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch (error) {
    return Promise.reject(error);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(new InvalidArgumentError('request', `unsupported protocol ${parsed.protocol}`));
  }
  const { dispatcher, ...rest } = options;
  return apiRequest.call(dispatcher, {
    ...rest,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: rest.method ?? (rest.body ? 'PUT' : 'GET'),
  });
}

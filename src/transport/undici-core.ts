/**
 * The parts of undici webwx uses, loaded without undici's index.
 *
 * Why: `import … from 'undici'` loads the whole package (fetch, WebSocket, caches, mock agents,
 * interceptors, …) and keeps a client process ~17 MB larger in RSS than loading only the agent, the
 * client and the request API (issue #10). undici 7 has no "exports" map, so these deep paths are
 * legal; test/transport/undici-core.test.ts fails if they stop resolving (e.g. after an upgrade).
 * Types come from undici's own declarations (`import type` loads nothing at run time).
 *
 * `request` here is what undici's index builds with `makeDispatcher(api.request)`: the URL is split
 * into origin and path and the request API is called on the dispatcher. Only the form we use is
 * kept: a URL string or URL and an explicit `dispatcher` (there is no global dispatcher here).
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

export const Agent: typeof Undici.Agent = require('undici/lib/dispatcher/agent.js');
export const Client: typeof Undici.Client = require('undici/lib/dispatcher/client.js');

/**
 * An undici ProxyAgent for an http(s) proxy URL (credentials in the URL become Proxy-Authorization),
 * loaded on first use: only clients with a proxy need it. `options` are the agent's (pool) options.
 */
export function newProxyAgent(uri: string, options: Undici.Agent.Options): Undici.Dispatcher {
  const ProxyAgent: typeof Undici.ProxyAgent = require('undici/lib/dispatcher/proxy-agent.js');
  return new ProxyAgent({ ...options, uri });
}

type ApiRequest = (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;
const apiRequest: ApiRequest = require('undici/lib/api/api-request.js');

let FormDataClass: typeof Undici.FormData | undefined;

/**
 * A new undici FormData (for multipart uploads through `request`). Loaded on first use: only media
 * uploads need it. Use this instead of `import { FormData } from 'undici'`, which loads the index.
 */
export function newFormData(): Undici.FormData {
  FormDataClass ??= (require('undici/lib/web/fetch/formdata.js') as { FormData: typeof Undici.FormData })
    .FormData;
  return new FormDataClass();
}

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> &
  Partial<Pick<Undici.Dispatcher.RequestOptions, 'method'>> & {
    /** Required: the agent, client or pool that carries the request. */
    dispatcher: Undici.Dispatcher;
  };

/** undici's `request(url, options)`, for an explicit dispatcher. Rejects like it on a bad URL. */
export function request(url: string | URL, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch (error) {
    return Promise.reject(error);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(new TypeError(`unsupported protocol ${parsed.protocol}`));
  }
  // As undici's index does, the options go on whole (the dispatcher key included, ignored there).
  return apiRequest.call(options.dispatcher, {
    ...options,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: options.method ?? (options.body ? 'PUT' : 'GET'),
  });
}

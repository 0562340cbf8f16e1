/**
 * tough-cookie's CookieJar, from its CommonJS build, loaded on first use.
 *
 * Why the CommonJS build: imported from ESM, tough-cookie's entry pulls tldts (the public suffix
 * list) in as CommonJS, and Node's ESM loader then scans that large file for its export names
 * (cjs-module-lexer): on the bench machine `import('tough-cookie')` costs 57–91 ms of CPU at process
 * start and `require` of the CommonJS build 18–31 ms (same class, same version), checked by
 * test/transport/tough-cookie.test.ts.
 *
 * Why on first use: even the CommonJS build costs 13–20 ms to load, and its first lookups compile two
 * large IP-address patterns (7–18 ms more). A resumed session whose cookie store holds the Cookie
 * headers it last sent needs none of that before its first reply (cookie-store.ts), and importing
 * the package loads none of it (test/package/pack.int.test.ts). Guarded by the restart row, "process
 * start → first reply" (`npm run bench -- --only restart`, docs/benchmarks.md).
 */
import { createRequire } from 'node:module';
import type * as ToughCookie from 'tough-cookie';

let loaded: typeof ToughCookie.CookieJar | undefined;

/** tough-cookie's CookieJar class (required on the first call). */
export function cookieJarClass(): typeof ToughCookie.CookieJar {
  loaded ??= (createRequire(import.meta.url)('tough-cookie') as typeof ToughCookie).CookieJar;
  return loaded;
}

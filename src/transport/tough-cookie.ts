/**
 * tough-cookie's CookieJar, from its CommonJS build.
 *
 * Why: imported from ESM, tough-cookie's entry pulls tldts (the public suffix list) in as CommonJS,
 * and Node's ESM loader then scans that large file for its export names (cjs-module-lexer): on the
 * bench machine `import('tough-cookie')` costs 57–91 ms of CPU at process start and `require` of the
 * CommonJS build 18–31 ms (same class, same version): part of the restart row's "of which: process
 * start → code loaded" figure (`npm run bench -- --only restart`, docs/benchmarks.md), checked by
 * test/transport/tough-cookie.test.ts.
 */
import { createRequire } from 'node:module';
import type * as ToughCookie from 'tough-cookie';

/** tough-cookie's CookieJar. */
export const CookieJar: typeof ToughCookie.CookieJar = (
  createRequire(import.meta.url)('tough-cookie') as typeof ToughCookie
).CookieJar;

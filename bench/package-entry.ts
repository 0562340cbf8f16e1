/**
 * The webwx package for the bench's subject processes, loaded as users load it. Compiled
 * (compile.ts), a subject runs from run-<pid>/bench/ and imports the bundle beside it,
 * run-<pid>/dist/index.js: what `npm run build` ships, a few files instead of ~165 modules (its gain
 * and the row that shows it: compile.ts). From source under tsx it imports src/.
 */

type Webwx = typeof import('../src/index.js');
type WebwxHost = typeof import('../src/host/index.js');

/** Compiled by compile.ts (this module is .js), not run from source under tsx (.ts). */
const COMPILED = !import.meta.url.endsWith('.ts');

/** The package root, `webwx`: the compiled bundle, or src/index.ts under tsx. */
export function loadWebwx(): Promise<Webwx> {
  if (!COMPILED) return import('../src/index.js');
  return import(new URL('../dist/index.js', import.meta.url).href) as Promise<Webwx>;
}

/** `webwx/host`: the compiled bundle's entry, or src/host/index.ts under tsx. */
export function loadWebwxHost(): Promise<WebwxHost> {
  if (!COMPILED) return import('../src/host/index.js');
  return import(new URL('../dist/host/index.js', import.meta.url).href) as Promise<WebwxHost>;
}

/**
 * Where a worker thread's module is, for the code as it runs now: from the TypeScript sources (vitest,
 * `node --import tsx`) a JavaScript entry next to the caller that registers tsx in the thread first
 * (`<name>-source.mjs`: Node 20 does not apply tsx's `--import` hooks in a worker), from the package
 * the bundle's own entry (`dist/<dir>/<name>.js`, scripts/build.ts WORKER_ENTRIES). Used by the WAL
 * checkpoint thread (store) and the threaded account host (host).
 */
import { existsSync } from 'node:fs';

/**
 * The worker module `name` of the folder `dir` ('store', 'host'), seen from `here` (the caller's
 * `import.meta.url`), or undefined when none is found.
 */
export function findWorkerModule(here: string, dir: string, name: string): URL | undefined {
  // In the bundle: dist/chunks/*.js or dist/<entry>/index.js → dist/<dir>/…; dist/index.js →
  // ./<dir>/…; a per-file build → next to the caller.
  const candidates = here.endsWith('.ts')
    ? [`./${name}-source.mjs`]
    : [`../${dir}/${name}.js`, `./${dir}/${name}.js`, `./${name}.js`];
  for (const relative of candidates) {
    const url = new URL(relative, here);
    if (existsSync(url)) return url;
  }
  return undefined;
}

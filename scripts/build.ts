/**
 * `npm run build`: the package's dist/ as users get it.
 *
 * - The JavaScript is an esbuild bundle (bundlePackage): one file per entry point (each `exports`
 *   path of package.json and the CLI, dist/cli/main.js, which bin/webwx.js imports) and shared chunks
 *   in dist/chunks/, so every entry uses the same copy of common code (a WebWxError thrown by
 *   `webwx/host` is an instance of the one `webwx` exports). Dependencies stay imports.
 *   Why: Node loads a few files instead of ~165 tsc-emitted modules for the package root. Measured on
 *   the bench machine, importing the root takes ~70 ms instead of ~150 ms, and `webwx --version`
 *   gains as much. Guarded by the restart scenario's "of which: process start → code loaded" row
 *   (bench/restart-rows.ts; the bench's subjects load the same bundle, bench/compile.ts).
 * - The declarations come from tsc (tsconfig.build.json, declarations only), at the same paths as the
 *   sources (dist/index.d.ts, dist/host/index.d.ts, …), which the `types` of the exports name.
 *
 * dist/ is deleted first: no per-file JavaScript of an older build stays behind.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildResult, buildSync } from 'esbuild';

/** The repository's root (this file is in scripts/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The CLI's entry: bin/webwx.js imports dist/cli/main.js. */
const CLI_ENTRY = 'cli/main';

/**
 * Modules the package starts as worker threads, each its own entry so that it is a file of dist/:
 * WalCheckpoints' checkpoint thread (src/store/wal-checkpoint-thread.ts finds it from its chunk).
 */
export const WORKER_ENTRIES: readonly string[] = ['store/wal-checkpoint-worker', 'host/host-shard-worker'];

/**
 * The bundle's entry points, as esbuild's `{ out: in }`: every `import` target of package.json's
 * exports (`./dist/host/index.js` → src/host/index.ts), the CLI, and the worker threads' modules.
 */
export function entryPoints(root: string = PACKAGE_ROOT): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, { import: string }>;
  };
  const entries: Record<string, string> = {};
  for (const target of Object.values(pkg.exports)) {
    const out = /^\.\/dist\/(.+)\.js$/.exec(target.import)?.[1];
    if (out === undefined) throw new Error(`package.json exports ${target.import}: not a file in dist/`);
    entries[out] = join(root, 'src', `${out}.ts`);
  }
  entries[CLI_ENTRY] = join(root, 'src', `${CLI_ENTRY}.ts`);
  for (const worker of WORKER_ENTRIES) entries[worker] = join(root, 'src', `${worker}.ts`);
  return entries;
}

/**
 * Bundles src/ into `outdir` with the package's options: ESM for Node 20, dependencies external,
 * code split into shared chunks, source maps. The bench bundles with this same function
 * (bench/compile.ts), so what it measures is what `npm run build` ships.
 */
export function bundlePackage(outdir: string, root: string = PACKAGE_ROOT): BuildResult {
  return buildSync({
    absWorkingDir: root,
    entryPoints: entryPoints(root),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    // Error classes name themselves from `new.target.name`: a class esbuild renamed to avoid a clash
    // (two modules' `SendQueue`) must keep its name.
    keepNames: true,
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.build.json'),
    logLevel: 'warning',
  });
}

function main(): void {
  const dist = join(PACKAGE_ROOT, 'dist');
  rmSync(dist, { recursive: true, force: true });
  bundlePackage(dist);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(PACKAGE_ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();

/**
 * The clients under test run as plain JavaScript, not under tsx: tsx's loader alone adds about 40 MB
 * of RSS to a process, which would swamp the memory figures. compileForBench() transpiles src/ and
 * bench/ (TypeScript's transpileModule: no type check, a second or two) into
 * node_modules/.cache/webwx-bench/run-<pid>/, where the package imports still resolve from the repo's
 * node_modules. One directory per run: two runs at once (several people share a checkout) must not
 * load each other's half-written files. removeCompiled() deletes it at the end; directories of runs
 * that are no longer alive are deleted when the next run compiles.
 *
 * The package itself is loaded as users get it: compileForBench() also bundles src/ into
 * run-<pid>/dist/ with the build's own function (scripts/build.ts bundlePackage: the same entries,
 * chunks and options as `npm run build`), and the subjects import run-<pid>/dist/index.js
 * (bench/package-entry.ts). The bundle loads a few files instead of ~165 modules: the root imports in
 * ~70 ms instead of ~150 ms on the bench machine, which the restart scenario's "of which: process
 * start → code loaded" row shows (bench/restart-rows.ts).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { bundlePackage } from '../scripts/build.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMPILED_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'webwx-bench');
export const COMPILED_DIR = join(COMPILED_ROOT, `run-${process.pid}`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes the compiled trees of runs that have ended. */
function pruneStale(): void {
  let names: string[];
  try {
    names = readdirSync(COMPILED_ROOT);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^run-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid)))
      rmSync(join(COMPILED_ROOT, name), { recursive: true, force: true });
  }
}

/** Deletes this run's compiled tree. */
export function removeCompiled(): void {
  rmSync(COMPILED_DIR, { recursive: true, force: true });
}

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** Transpiles src/ and bench/ and bundles the package; returns the compiled path of bench/subject-main.js. */
export function compileForBench(): string {
  pruneStale();
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    jsx: ts.JsxEmit.ReactJSX,
    esModuleInterop: true,
    sourceMap: false,
  };
  for (const top of ['src', 'bench']) {
    for (const file of tsFiles(join(REPO_ROOT, top))) {
      const out = join(COMPILED_DIR, relative(REPO_ROOT, file)).replace(/\.tsx?$/, '.js');
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: options,
        fileName: file,
      });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
  bundlePackage(join(COMPILED_DIR, 'dist'));
  // Inside node_modules the repo's package.json no longer sets the module type.
  writeFileSync(join(COMPILED_DIR, 'package.json'), '{ "type": "module", "private": true }\n');
  return join(COMPILED_DIR, 'bench', 'subject-main.js');
}

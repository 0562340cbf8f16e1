/**
 * The clients under test run as plain JavaScript, not under tsx: tsx's loader alone adds about 40 MB
 * of RSS to a process, which would swamp the memory figures. compileForBench() transpiles src/ and
 * bench/ (TypeScript's transpileModule: no type check, a second or two) into
 * node_modules/.cache/webwx-bench/, where the package imports still resolve from the repo's
 * node_modules.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const COMPILED_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'webwx-bench');

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** Transpiles src/ and bench/; returns the compiled path of bench/subject-main.js. */
export function compileForBench(): string {
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
  // Inside node_modules the repo's package.json no longer sets the module type.
  writeFileSync(join(COMPILED_DIR, 'package.json'), '{ "type": "module", "private": true }\n');
  return join(COMPILED_DIR, 'bench', 'subject-main.js');
}

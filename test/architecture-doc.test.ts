/**
 * docs/architecture.md stays a true map (issue #18): every `src/…` path it names exists, every file
 * name it puts in backticks exists, every entry of its tree is a file or folder at the place the tree
 * shows, and every folder under src/ is on the tree.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = join(ROOT, 'docs/architecture.md');

/** Where a bare file name in backticks may live. */
const SEARCHED = ['src', 'test', 'bench', 'examples', 'bin', 'docs'];

function walk(dir: string, out: { files: string[]; dirs: string[] }): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.dirs.push(path);
      walk(path, out);
    } else {
      out.files.push(path);
    }
  }
}

/** Paths from the repository root, with '/'. */
function posix(path: string): string {
  return relative(ROOT, path).split(sep).join('/');
}

/** `src/…` paths anywhere in the text (a trailing '/' kept, sentence punctuation dropped). */
function srcPaths(text: string): string[] {
  const out = new Set<string>();
  for (const match of text.matchAll(/(?<![\w./-])src\/[\w./-]*/g)) {
    out.add(match[0].replace(/[.,]+$/, ''));
  }
  return [...out];
}

/** Names in backticks that are files: they end in an extension and hold no placeholder or glob. */
function backtickedFileNames(text: string): string[] {
  const out = new Set<string>();
  for (const match of text.matchAll(/`([^`\s]+)`/g)) {
    const token = match[1]!;
    if (/^[\w./-]+\.(tsx?|js|json|md)$/.test(token)) out.add(token);
  }
  return [...out];
}

/**
 * The entries of the tree: the fenced block whose first line is `src/`, two spaces of indent per
 * level, each line a name (a folder ends in '/') and then, after two or more spaces, what it holds.
 */
function treeEntries(text: string): { path: string; folder: boolean }[] {
  const block = text.match(/```text\n(src\/[^\n]*\n(?:[^`][^\n]*\n)*?)```/);
  if (!block) return [];
  const stack: string[] = [];
  const entries: { path: string; folder: boolean }[] = [];
  for (const line of block[1]!.split('\n')) {
    const match = line.match(/^( *)([\w.-]+\/?)(?: {2,}\S.*)?$/);
    if (!match) continue;
    const depth = match[1]!.length / 2;
    const name = match[2]!;
    stack.length = depth;
    const path = [...stack, name].join('');
    const folder = name.endsWith('/');
    entries.push({ path, folder });
    if (folder) stack.push(name);
  }
  return entries;
}

const doc = readFileSync(DOC, 'utf8');
const tree = { files: [] as string[], dirs: [] as string[] };
for (const top of SEARCHED) if (existsSync(join(ROOT, top))) walk(join(ROOT, top), tree);
const rootFiles = readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isFile());
const knownNames = new Set([...tree.files.map((f) => basename(f)), ...rootFiles.map((e) => e.name)]);
const knownPaths = tree.files.map(posix);

function exists(path: string): boolean {
  const absolute = join(ROOT, path);
  if (!existsSync(absolute)) return false;
  return path.endsWith('/') ? statSync(absolute).isDirectory() : true;
}

describe('docs/architecture.md', () => {
  it('reads paths, backticked names and the tree the way the test means', () => {
    const sample = [
      'See `src/client/client.ts`, src/errors.ts. and `bin/webwx.js`, `<data-dir>/console.json`, `*.test.ts`.',
      '```text',
      'src/',
      '  errors.ts      the errors',
      '  client/        the client',
      '    send/        the outbox',
      '      outbox.ts  every send',
      '    client.ts    createClient()',
      '```',
    ].join('\n');
    expect(srcPaths(sample).sort()).toEqual(['src/', 'src/client/client.ts', 'src/errors.ts']);
    expect(backtickedFileNames(sample).sort()).toEqual(['bin/webwx.js', 'src/client/client.ts']);
    expect(treeEntries(sample)).toEqual([
      { path: 'src/', folder: true },
      { path: 'src/errors.ts', folder: false },
      { path: 'src/client/', folder: true },
      { path: 'src/client/send/', folder: true },
      { path: 'src/client/send/outbox.ts', folder: false },
      { path: 'src/client/client.ts', folder: false },
    ]);
  });

  it('names only src/ paths that exist', () => {
    const paths = srcPaths(doc);
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !exists(p))).toEqual([]);
  });

  it('puts only existing file names in backticks', () => {
    const names = backtickedFileNames(doc);
    expect(names.length).toBeGreaterThan(50);
    // A name with a folder is a path from the repository's root, or the end of one (`routes/x.ts`).
    const missing = names.filter((name) =>
      name.includes('/')
        ? !exists(name) && !knownPaths.some((p) => p.endsWith(`/${name}`))
        : !knownNames.has(name),
    );
    expect(missing).toEqual([]);
  });

  it('has a tree whose every entry is where it says', () => {
    const entries = treeEntries(doc);
    expect(entries.length).toBeGreaterThan(100);
    const wrong = entries
      .filter((e) => !exists(e.path) || (!e.folder && statSync(join(ROOT, e.path)).isDirectory()))
      .map((e) => e.path);
    expect(wrong).toEqual([]);
  });

  it('has every folder under src/ on its tree', () => {
    const onTree = new Set(
      treeEntries(doc)
        .filter((e) => e.folder)
        .map((e) => e.path),
    );
    const folders = tree.dirs.map(posix).filter((d) => d.startsWith('src/'));
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.filter((d) => !onTree.has(`${d}/`))).toEqual([]);
  });
});

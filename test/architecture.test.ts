/**
 * The house rules that a reader should not have to check by hand (docs/architecture.md):
 * dependencies point one way, no import circles, only the CLI reads the environment, library code
 * logs through the injected logger, and file names are kebab-case. Imports are read from the source text, so the
 * test sees exactly what the compiler sees (static imports, re-exports and dynamic `import()`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** The top-level pieces every layer may use: the error taxonomy, redaction and the logger interface. */
const SHARED = new Set(['errors.ts', 'redact.ts', 'logger.ts']);

/**
 * What each layer may import, besides itself and SHARED:
 * protocol ← transport, model, store ← client ← bot ← host ← cli; the emulator on protocol and model only.
 */
const ALLOWED: Record<string, readonly string[]> = {
  protocol: [],
  transport: ['protocol'],
  model: ['protocol'],
  store: ['protocol'],
  client: ['protocol', 'transport', 'model', 'store'],
  bot: ['protocol', 'transport', 'model', 'store', 'client'],
  host: ['protocol', 'transport', 'model', 'store', 'client', 'bot'],
  cli: ['protocol', 'transport', 'model', 'store', 'client', 'bot', 'host', 'emulator'],
  emulator: ['protocol', 'model'],
  wechaty: ['protocol', 'transport', 'model', 'store', 'client', 'bot'],
};

/** "Files stay under about 400 lines": the hard line, with room for a doc comment to grow. */
const MAX_LINES = 450;

/** The files allowed past MAX_LINES, each with its reason. */
const LONG_FILES: Record<string, string> = {};

/**
 * Module state in a file's text: a top-level `let` or `var`, a top-level Map, Set, WeakMap or WeakSet,
 * or a top-level value made by a memo or cache factory. The protocol layer is pure: the same input
 * gives the same request or the same parsed reply, whatever was built before.
 */
const MODULE_STATE: readonly RegExp[] = [
  /^(?:export\s+)?(?:let|var)\s/m,
  /^(?:export\s+)?const\s+\w+(?:\s*:[^=]+)?\s*=\s*new\s+(?:Map|Set|WeakMap|WeakSet)\b/m,
  /^(?:export\s+)?const\s+\w+(?:\s*:[^=]+)?\s*=\s*\w*(?:[mM]emo|[cC]ache)\w*\s*(?:<[^>]*>)?\(/m,
];

/** A plain built-in error made, or a class deriving from one (src/errors.ts holds the one taxonomy). */
const PLAIN_ERROR =
  /\bnew (?:Error|TypeError|RangeError|SyntaxError|ReferenceError)\(|\bextends (?:Error|TypeError|RangeError)\b\s?/g;

/** The files outside the CLI (which keeps its own CliError) allowed a plain error, each with its reason. */
const PLAIN_ERRORS: Record<string, string> = {
  'errors.ts': 'WebWxError, the root of the taxonomy, extends Error',
  'emulator/phone-page/page-script.ts': "runs in the phone page's browser, where the taxonomy is not loaded",
  'transport/http-transport.ts':
    "TimeoutSignal is the abort reason of a request's own timer, turned into a TransportError before it leaves",
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Relative import specifiers of a file: `from '…'`, `import '…'`, `import('…')`, `export … from '…'`. */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) out.push(match[1]!);
  return out;
}

/** 'client/send-queue.ts' → 'client'; the top-level 'errors.ts' is its own name. */
function layerOf(pathFromSrc: string): string {
  return pathFromSrc.split(sep)[0]!;
}

const files = sourceFiles(SRC).map((path) => ({
  path,
  fromSrc: relative(SRC, path),
  text: readFileSync(path, 'utf8'),
}));

/** src/ as a graph: each file (path from src/) → the files it imports relatively. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = relativeImports(file.text).map((specifier) =>
      relative(SRC, resolve(dirname(file.path), specifier)).replace(/\.js$/, '.ts'),
    );
    graph.set(file.fromSrc, targets);
  }
  // A `.js` specifier may name a `.tsx` file.
  for (const [from, targets] of graph) {
    graph.set(
      from,
      targets.map((t) => (graph.has(t) ? t : graph.has(`${t}x`) ? `${t}x` : t)),
    );
  }
  return graph;
}

/**
 * The import circles of a graph: one per knot (strongly connected component, Tarjan), written as the
 * shortest path from the knot's first file (sorted) back to itself, with every file of the knot
 * (sorted), since untying the shown circle may leave others in it. A file importing itself counts.
 */
function findCycles(graph: Map<string, string[]>): { cycle: string[]; knot: string[] }[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components
    .map((component) => {
      const knot = [...component].sort();
      return { cycle: shortestCycleThrough(graph, knot[0]!, new Set(knot)), knot };
    })
    .sort((a, b) => a.knot[0]!.localeCompare(b.knot[0]!));
}

/** The shortest path from `start` back to itself inside one component (breadth first). */
function shortestCycleThrough(graph: Map<string, string[]>, start: string, within: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of [...(graph.get(node) ?? [])].sort()) {
      if (!within.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

describe('architecture', () => {
  it('reads imports the way the compiler does', () => {
    const text = [
      "import { a } from '../protocol/index.js';",
      "import type { B } from '../model/index.js';",
      "export { c } from './c.js';",
      "const d = await import('../store/sqlite-store.js');",
      "import './side-effect.js';",
      "import { e } from 'undici';",
    ].join('\n');
    expect(relativeImports(text)).toEqual([
      '../protocol/index.js',
      '../model/index.js',
      './c.js',
      '../store/sqlite-store.js',
      './side-effect.js',
    ]);
  });

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(100);
    for (const layer of Object.keys(ALLOWED)) {
      expect(files.some((f) => layerOf(f.fromSrc) === layer)).toBe(true);
    }
  });

  it('dependencies point one way (protocol ← transport, model, store ← client ← bot ← cli; emulator → protocol, model)', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file.fromSrc);
      const allowed = ALLOWED[from];
      if (allowed === undefined) continue; // src/index.ts and the shared top-level files
      for (const specifier of relativeImports(file.text)) {
        const target = relative(SRC, resolve(dirname(file.path), specifier)).replace(/\.js$/, '.ts');
        if (target.startsWith('..')) {
          violations.push(`${file.fromSrc} imports ${specifier}, outside src/`);
          continue;
        }
        const to = layerOf(target);
        if (to === from || SHARED.has(to) || allowed.includes(to)) continue;
        violations.push(`${file.fromSrc} (${from}) imports ${target} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('there are no import circles (type-only imports count too)', () => {
    const circles = findCycles(importGraph()).map(({ cycle, knot }) => {
      const others = knot.filter((file) => !cycle.includes(file));
      return `${cycle.join(' → ')}${others.length > 0 ? ` (the same knot holds ${others.join(', ')})` : ''}`;
    });
    expect(circles).toEqual([]);
  });

  it('finds import circles', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(findCycles(graph)).toEqual([
      { cycle: ['a.ts', 'b.ts', 'c.ts', 'a.ts'], knot: ['a.ts', 'b.ts', 'c.ts'] },
      { cycle: ['d.ts', 'd.ts'], knot: ['d.ts'] },
    ]);
    graph.set('c.ts', ['a.ts', 'f.ts']);
    graph.set('f.ts', ['b.ts']);
    expect(findCycles(graph)[0]).toEqual({
      cycle: ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      knot: ['a.ts', 'b.ts', 'c.ts', 'f.ts'],
    });
  });

  it('the shared top-level files import nothing above them', () => {
    for (const name of SHARED) {
      const file = files.find((f) => f.fromSrc === name);
      expect(file, name).toBeDefined();
      for (const specifier of relativeImports(file!.text)) {
        expect(
          SHARED.has(specifier.replace(/^\.\//, '').replace(/\.js$/, '.ts')),
          `${name} → ${specifier}`,
        ).toBe(true);
      }
    }
  });

  it('only the CLI reads the environment', () => {
    const readers = files
      .filter((f) => layerOf(f.fromSrc) !== 'cli')
      .filter((f) => /\bprocess\.env\b/.test(f.text))
      .map((f) => f.fromSrc);
    expect(readers).toEqual([]);
  });

  it('library code never writes to the console (logging goes through the injected logger)', () => {
    const writers = files
      .filter((f) => layerOf(f.fromSrc) !== 'cli')
      .filter((f) => /\bconsole\.(log|info|warn|error|debug|trace)\s*\(/.test(f.text))
      .map((f) => f.fromSrc);
    expect(writers).toEqual([]);
  });

  it('library code throws only the one error taxonomy (no plain Error, TypeError or RangeError; no Error subclass outside it)', () => {
    const offenders = files
      .filter((f) => layerOf(f.fromSrc) !== 'cli' && !(f.fromSrc.split(sep).join('/') in PLAIN_ERRORS))
      .flatMap((f) =>
        [...f.text.matchAll(PLAIN_ERROR)].map((m) => `${f.fromSrc.split(sep).join('/')}: ${m[0]}`),
      );
    expect(offenders).toEqual([]);
  });

  it('finds plain errors', () => {
    const found = (text: string) => [...text.matchAll(PLAIN_ERROR)].map((m) => m[0]);
    expect(found("throw new Error('x'); reject(new TypeError(`y`)); new RangeError('z')")).toEqual([
      'new Error(',
      'new TypeError(',
      'new RangeError(',
    ]);
    expect(found('class Oops extends Error {}')).toEqual(['extends Error ']);
    expect(found("throw new InvalidArgumentError('a', 'b'); class E extends WebWxError {}")).toEqual([]);
  });

  it('the protocol layer never evaluates text', () => {
    const evaluators = files
      .filter((f) => layerOf(f.fromSrc) === 'protocol')
      .filter((f) => /\beval\s*\(|\bnew\s+Function\s*\(/.test(f.text))
      .map((f) => f.fromSrc);
    expect(evaluators).toEqual([]);
  });

  it('the protocol layer holds no module state (no top-level let or var, no module-level memo or cache)', () => {
    const stateful = files
      .filter((f) => layerOf(f.fromSrc) === 'protocol')
      .filter((f) => MODULE_STATE.some((pattern) => pattern.test(f.text)))
      .map((f) => f.fromSrc);
    expect(stateful).toEqual([]);
  });

  it('finds module state', () => {
    const stateful = (text: string): boolean => MODULE_STATE.some((pattern) => pattern.test(text));
    expect(stateful('let last: string | undefined;')).toBe(true);
    expect(stateful('export var n = 0;')).toBe(true);
    expect(stateful('const shapes = new WeakMap<object, Shape>();')).toBe(true);
    expect(stateful('const seen: Set<string> = new Set();')).toBe(true);
    expect(stateful('const sendMsgUrl = lastValueMemo<string>();')).toBe(true);
    expect(stateful('const APP_ID = "wx";\nfunction f() {\n  let i = 0;\n  const m = new Map();\n}')).toBe(
      false,
    );
  });

  it('file and folder names are kebab-case', () => {
    const bad = files
      .flatMap((f) => f.fromSrc.split(sep))
      .filter((part) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.tsx?)?$/.test(part));
    expect([...new Set(bad)]).toEqual([]);
  });

  it('there is no utils folder or file', () => {
    expect(files.filter((f) => /(^|[/\\])utils?([/\\.]|$)/.test(f.fromSrc)).map((f) => f.fromSrc)).toEqual(
      [],
    );
  });

  it('no two source files share a name (folder indexes aside)', () => {
    const byName = new Map<string, string[]>();
    for (const f of files) {
      const name = f.fromSrc.split(sep).at(-1)!;
      if (name === 'index.ts') continue;
      byName.set(name, [...(byName.get(name) ?? []), f.fromSrc]);
    }
    expect([...byName.values()].filter((paths) => paths.length > 1)).toEqual([]);
  });

  it(`source files stay under ${MAX_LINES} lines, apart from the exceptions listed with their reasons`, () => {
    const long = files
      .filter((f) => f.text.split('\n').length > MAX_LINES)
      .map((f) => f.fromSrc.split(sep).join('/'))
      .filter((path) => !(path in LONG_FILES));
    expect(long).toEqual([]);
  });

  it('the list of long files holds only files that are still long', () => {
    const stale = Object.keys(LONG_FILES).filter((path) => {
      const file = files.find((f) => f.fromSrc.split(sep).join('/') === path);
      return !file || file.text.split('\n').length <= MAX_LINES;
    });
    expect(stale).toEqual([]);
  });
});

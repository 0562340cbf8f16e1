/**
 * fast-xml-parser's XMLParser and XMLValidator, from its CommonJS build.
 *
 * Why: its ESM entry is a tree of some forty modules, its CommonJS build one file. On the bench
 * machine `import('fast-xml-parser')` costs 60–80 ms of CPU at process start and `require` of the
 * CommonJS build 10 ms (same classes, same version): part of the restart row's "of which: process
 * start → code loaded" figure (`npm run bench -- --only restart`, docs/benchmarks.md), checked by
 * test/protocol/fast-xml-parser.test.ts.
 */
import { createRequire } from 'node:module';
import type * as Fxp from 'fast-xml-parser';

const fxp = createRequire(import.meta.url)('fast-xml-parser') as typeof Fxp;

/** fast-xml-parser's XMLParser. */
export const XMLParser: typeof Fxp.XMLParser = fxp.XMLParser;
/** fast-xml-parser's XMLValidator. */
export const XMLValidator: typeof Fxp.XMLValidator = fxp.XMLValidator;

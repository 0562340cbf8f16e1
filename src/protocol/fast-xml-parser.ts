/**
 * fast-xml-parser's XMLParser and XMLValidator, from its CommonJS build, loaded on first use.
 *
 * Why the CommonJS build: its ESM entry is a tree of some forty modules, its CommonJS build one file.
 * On the bench machine `import('fast-xml-parser')` costs 60–80 ms of CPU at process start and
 * `require` of the CommonJS build 10 ms (same classes, same version).
 *
 * Why on first use: a resumed session needs no XML until a message carries some (the login page is
 * XML, and it comes only with a QR or push login), so a restart does not load it before its first
 * reply: about 10 ms of the bench row "restart with a saved session … of which: process start → code
 * loaded" (`npm run bench -- --only restart`, docs/benchmarks.md). Both are checked by
 * test/protocol/fast-xml-parser.test.ts and test/package/pack.int.test.ts.
 */
import { createRequire } from 'node:module';
import type * as Fxp from 'fast-xml-parser';

const load = createRequire(import.meta.url);

/** fast-xml-parser's module (Node's require cache keeps it after the first call). */
function fastXmlParser(): typeof Fxp {
  return load('fast-xml-parser') as typeof Fxp;
}

/** A new fast-xml-parser XMLParser with these options. */
export function xmlParser(options: Fxp.X2jOptions): Fxp.XMLParser {
  return new (fastXmlParser().XMLParser)(options);
}

/** fast-xml-parser's XMLValidator.validate. */
export function validateXml(text: string): true | Fxp.ValidationError {
  return fastXmlParser().XMLValidator.validate(text);
}

/** fast-xml-parser's CommonJS build (src/protocol/fast-xml-parser.ts) parses and validates as its ESM entry does. */
import { createRequire } from 'node:module';
import * as esm from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { validateXml, xmlParser } from '../../src/protocol/fast-xml-parser.js';

describe('fast-xml-parser (CommonJS build)', () => {
  it('is the one-file CommonJS build of the installed version', () => {
    const resolved = createRequire(import.meta.url).resolve('fast-xml-parser');
    expect(resolved).toMatch(/\.cjs$/);
  });

  it('parses and validates exactly as the ESM entry does', () => {
    const xml = '<msg><appmsg appid="wx1"><title>T &amp; U</title><type>5</type></appmsg></msg>';
    const options = { ignoreAttributes: false, attributeNamePrefix: '', processEntities: false };
    expect(xmlParser(options).parse(xml)).toEqual(new esm.XMLParser(options).parse(xml));
    expect(validateXml(xml)).toBe(true);
    expect(validateXml('<a><b></a>')).not.toBe(true);
    expect(validateXml('<a><b></a>')).toEqual(esm.XMLValidator.validate('<a><b></a>'));
  });
});

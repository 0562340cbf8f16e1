/**
 * Bounded parsing of the XML payloads inside message Content (§9.3, §9.5): unescape once, parse with
 * fast-xml-parser (entity processing off: no DOCTYPE entity expansion, ever), then read attributes and
 * element texts through total accessors that return '' for anything missing or odd. Never throws.
 */
import { xmlParser } from '../protocol/fast-xml-parser.js';
import { decodeEmojiSpans, unescapeHtml } from './message-text.js';

/** XML longer than this (UTF-16 units) is not parsed. Real payloads are a few KB. */
export const MAX_XML_LENGTH = 256 * 1024;
/** Deeper nesting than this is refused (real payloads nest 4 levels). */
const MAX_NESTED_TAGS = 32;

/** A parsed element: attributes under '@name', children under their tag name, text under '#text'. */
export type XmlNode = Readonly<Record<string, unknown>>;

/** The parser's options; the parser itself is made on the first XML (fast-xml-parser.ts says why). */
const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  allowBooleanAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_NESTED_TAGS,
};
let parser: ReturnType<typeof xmlParser> | undefined;

const BR = /<br\s*\/?>/gi;
const DOCTYPE = /<!DOCTYPE[^>[]*(?:\[[^\]]*\])?[^>]*>/gi;

/**
 * Content (after the group prefix) → the XML it carries: `<br/>` → newline, entities unescaped once
 * (`&lt;` → `<`, `&amp;quot;` → `&quot;`), emoji spans → characters (so spans inside attribute values
 * cannot break the markup).
 */
export function wireXmlText(body: string): string {
  return decodeEmojiSpans(unescapeHtml(body.replace(BR, '\n')));
}

function isNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse an XML text; undefined when it is too large, too deep or not XML. */
export function parseXml(xml: string): XmlNode | undefined {
  if (typeof xml !== 'string' || xml.length > MAX_XML_LENGTH || !xml.includes('<')) return undefined;
  try {
    parser ??= xmlParser(PARSER_OPTIONS);
    const parsed: unknown = parser.parse(xml.replace(DOCTYPE, ''));
    return isNode(parsed) && Object.keys(parsed).length > 0 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The wire form of an XML payload (escaped, with `<br/>`) → its root object, or undefined. */
export function parseWireXml(body: string): XmlNode | undefined {
  if (typeof body !== 'string' || body.length > MAX_XML_LENGTH) return undefined;
  const xml = wireXmlText(body).trim();
  return xml.startsWith('<') ? parseXml(xml) : undefined;
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** A child element (the first when repeated), or undefined. */
export function xmlChild(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (!node) return undefined;
  const v = first(node[name]);
  if (isNode(v)) return v;
  // An element with only text parses as a string: give it a node so paths keep working.
  if (typeof v === 'string') return { '#text': v };
  return undefined;
}

/** Follow a path of child names. */
export function xmlPath(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let n = node;
  for (const name of names) n = xmlChild(n, name);
  return n;
}

function value(v: unknown): string {
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  return s === '' ? '' : unescapeHtml(s);
}

/** An attribute's value (entities unescaped once), '' when absent. */
export function xmlAttr(node: XmlNode | undefined, name: string): string {
  return node ? value(first(node[`@${name}`])) : '';
}

/** The text of a child element (entities unescaped once), '' when absent. */
export function xmlText(node: XmlNode | undefined, name: string): string {
  if (!node) return '';
  const v = first(node[name]);
  if (isNode(v)) return value(first(v['#text']));
  return value(v);
}

/** A non-negative integer from an attribute or text ('' and junk → 0). */
export function xmlInt(s: string): number {
  const n = Number.parseInt(s.trim(), 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** A finite float ('' and junk → 0). */
export function xmlFloat(s: string): number {
  const n = Number.parseFloat(s.trim());
  return Number.isFinite(n) ? n : 0;
}

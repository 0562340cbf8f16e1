/**
 * Hostile input: arbitrary and mutated Content and wire objects never make decodeMessage throw, and it
 * always returns a message; entity-expansion bombs are not expanded; huge or deep payloads are bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  MAX_CONTENT_LENGTH,
  MAX_XML_LENGTH,
  type Message,
  parseSystemText,
  parseXml,
} from '../../src/model/index.js';
import type { WireMessage } from '../../src/protocol/wire-types.js';
import { messageFixtureNames } from '../fixtures.js';
import { loadWireSample, WIRE_FIELDS, wireEntry } from './message-fixtures.js';

const MSG_TYPES = [1, 3, 34, 37, 40, 42, 43, 47, 48, 49, 50, 51, 52, 53, 62, 9999, 10000, 10002];
const APP_TYPES = [0, 1, 3, 5, 6, 17, 19, 33, 36, 57, 2000, 2001];
const SAMPLES = messageFixtureNames().map(loadWireSample);

function wellFormed(m: Message): boolean {
  return (
    typeof m === 'object' &&
    typeof m.kind === 'string' &&
    typeof m.id === 'string' &&
    typeof m.text === 'string' &&
    Array.isArray(m.mentions) &&
    typeof m.chat?.userName === 'string' &&
    typeof m.sender?.userName === 'string'
  );
}

/** Strings that look like what the wire carries: escaped XML fragments, spans, prefixes, entities. */
const wireish = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.constantFrom(
        '&lt;',
        '&gt;',
        '&amp;',
        '&quot;',
        '&amp;quot;',
        '<br/>',
        '&lt;msg&gt;',
        '&lt;/msg&gt;',
        '&lt;appmsg appid="x"&gt;',
        '&lt;title&gt;',
        '&lt;type&gt;6&lt;/type&gt;',
        '&lt;![CDATA[',
        ']]&gt;',
        '<span class="emoji emoji1f604"></span>',
        '@abc:<br/>',
        '&lt;sysmsg type="revokemsg"&gt;',
        '&lt;img md5="',
        '"',
        '=',
        '&#x1F600;',
        '&#0;',
        '&#xD800;',
      ),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

/** A real Content with a random cut, insertion or truncation. */
const mutatedSampleContent = fc
  .tuple(fc.constantFrom(...SAMPLES.map((s) => String(s.Content ?? ''))), fc.nat(), fc.nat(), fc.string())
  .map(([content, a, b, insert]) => {
    const i = content.length === 0 ? 0 : a % content.length;
    const j = content.length === 0 ? 0 : b % content.length;
    return content.slice(0, Math.min(i, j)) + insert + content.slice(Math.max(i, j));
  });

describe('field-level fallbacks', () => {
  it('notes what could not be read and keeps the entry fields', () => {
    const video = decodeMessage(
      wireEntry({ MsgType: 62, Content: '&lt;msg&gt;&lt;other/&gt;&lt;/msg&gt;', PlayLength: 3 }),
      {
        selfUserName: '@me',
      },
    );
    expect(video).toMatchObject({
      kind: 'video',
      short: true,
      micro: true,
      playLength: 3,
      fallback: 'no <msg><videomsg> in Content',
    });
    const card = decodeMessage(wireEntry({ MsgType: 42, Content: 'not xml' }), { selfUserName: '@me' });
    expect(card).toMatchObject({ kind: 'card', fallback: 'unparseable XML in Content', card: { id: '' } });
    // Store emoticons come without XML: that is no fallback.
    const store = decodeMessage(wireEntry({ MsgType: 47, Content: '', HasProductId: 1 }), {
      selfUserName: '@me',
    });
    expect(store).toMatchObject({ kind: 'emoticon', isStore: true });
    expect(store.fallback).toBeUndefined();
  });
});

describe('decodeMessage on hostile input', () => {
  it('property: any MsgType / AppMsgType / SubMsgType with wire-like or mutated real Content', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MSG_TYPES),
        fc.constantFrom(...APP_TYPES),
        fc.constantFrom(0, 48),
        fc.oneof(wireish, mutatedSampleContent, fc.string({ unit: 'binary' })),
        fc.boolean(),
        (type, appType, sub, content, room) => {
          const raw = wireEntry({
            MsgType: type,
            AppMsgType: appType,
            SubMsgType: sub,
            Content: content,
            OriContent: content,
            FromUserName: room ? '@@room' : '@peer',
          });
          return wellFormed(decodeMessage(raw, { selfUserName: '@me' }));
        },
      ),
      { numRuns: 700 },
    );
  });

  it('property: real samples with random fields replaced by anything', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.array(fc.tuple(fc.constantFrom(...WIRE_FIELDS), fc.anything()), { maxLength: 6 }),
        (sample, replacements) => {
          const raw = { ...sample } as Record<string, unknown>;
          for (const [field, value] of replacements) raw[field] = value;
          return wellFormed(decodeMessage(raw as unknown as WireMessage, { selfUserName: '@me' }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: parseSystemText never throws and always names an event type', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), wireish), (text) => typeof parseSystemText(text).type === 'string'),
      { numRuns: 1000 },
    );
  });

  it('does not expand entities: a billion-laughs payload stays literal', () => {
    const levels = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) {
      const prev = i === 1 ? '&lol;' : `&lol${i - 1};`;
      levels.push(`<!ENTITY lol${i} "${prev.repeat(10)}">`);
    }
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [${levels.join('')}]><msg><emoji md5="&lol9;" cdnurl="x">&lol9;</emoji></msg>`;
    const escaped = xml.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const m = decodeMessage(wireEntry({ MsgType: 47, Content: escaped }), { selfUserName: '@me' });
    expect(m.kind).toBe('emoticon');
    if (m.kind !== 'emoticon') return;
    expect(m.emoticonMd5).toBe('&lol9;');
    expect(m.cdnUrl).toBe('x');
    // External entities are not fetched or expanded either.
    const external = parseXml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><msg a="&e;"/>');
    expect(external?.msg).toEqual({ '@a': '&e;' });
  });

  it('bounds huge Content: over MAX_CONTENT_LENGTH is not decoded; big XML is not parsed', () => {
    const huge = decodeMessage(wireEntry({ MsgType: 49, Content: 'x'.repeat(MAX_CONTENT_LENGTH + 1) }), {
      selfUserName: '@me',
    });
    expect(huge).toMatchObject({ kind: 'unknown', reason: 'content too large', msgType: 49 });
    const bigXml = `&lt;msg&gt;&lt;img md5="abc" /&gt;${'&lt;p/&gt;'.repeat(MAX_XML_LENGTH / 4)}&lt;/msg&gt;`;
    const image = decodeMessage(wireEntry({ MsgType: 3, Content: bigXml, ImgWidth: 5 }), {
      selfUserName: '@me',
    });
    expect(image).toMatchObject({
      kind: 'image',
      width: 5,
      media: { md5: '' },
      fallback: 'unparseable XML in Content',
    });
  });

  it('bounds nesting: a deeply nested payload is refused, not recursed into', () => {
    const deep = `${'&lt;a&gt;'.repeat(5000)}${'&lt;/a&gt;'.repeat(5000)}`;
    const m = decodeMessage(wireEntry({ MsgType: 49, AppMsgType: 5, Content: deep, FileName: 'fallback' }), {
      selfUserName: '@me',
    });
    expect(m).toMatchObject({
      kind: 'link',
      title: 'fallback',
      url: '',
      fallback: 'unparseable XML in Content',
    });
  });

  it('falls back to the entry fields when the appmsg XML is broken', () => {
    const m = decodeMessage(
      wireEntry({
        MsgType: 49,
        AppMsgType: 6,
        Content: '&lt;msg&gt;&lt;appmsg',
        FileName: 'a.pdf',
        FileSize: '42',
        MediaId: '@crypt_1',
        EncryFileName: 'a%2Epdf',
      }),
      { selfUserName: '@me' },
    );
    expect(m).toMatchObject({
      kind: 'file',
      fallback: 'unparseable XML in Content',
      title: 'a.pdf',
      media: { mediaId: '@crypt_1', fileName: 'a.pdf', fileSize: 42, encryFileName: 'a%2Epdf', attachId: '' },
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEmojiSpans,
  extractMentions,
  splitRoomPrefix,
  unescapeHtml,
  wireNameToPlain,
  wireTextToPlain,
} from '../../src/model/index.js';
import { readFixtureJson } from '../fixtures.js';

const span = (hex: string): string => `<span class="emoji emoji${hex}"></span>`;

describe('decodeEmojiSpans', () => {
  it('decodes single code points of 4 and 5 hex digits', () => {
    expect(decodeEmojiSpans(`hi${span('1f604')}!`)).toBe('hi😄!');
    expect(decodeEmojiSpans(span('2764'))).toBe('❤');
    expect(decodeEmojiSpans(`${span('1f338')}卷卷卷${span('1f338')}`)).toBe('🌸卷卷卷🌸');
  });

  it('decodes pairs: 10-hex flags and 8-hex keycaps', () => {
    expect(decodeEmojiSpans(span('1f1e81f1f3'))).toBe('🇨🇳');
    expect(decodeEmojiSpans(span('1f1fa1f1f8'))).toBe('🇺🇸');
    expect(decodeEmojiSpans(span('002320e3'))).toBe('#\u20e3');
    expect(decodeEmojiSpans(span('003120e3'))).toBe('1\u20e3');
  });

  it('maps the legacy codes 1f639 → 1f602 and 1f64d → 1f614', () => {
    expect(decodeEmojiSpans(span('1f639'))).toBe('😂');
    expect(decodeEmojiSpans(span('1f64d'))).toBe('😔');
  });

  it('is case-insensitive and leaves unparseable spans alone', () => {
    expect(decodeEmojiSpans(span('1F604'))).toBe('😄');
    expect(decodeEmojiSpans(span('d800'))).toBe(span('d800'));
    expect(decodeEmojiSpans(span('1f6041f'))).toBe(span('1f6041f'));
    expect(decodeEmojiSpans('<span class="other"></span>')).toBe('<span class="other"></span>');
    expect(decodeEmojiSpans('no spans')).toBe('no spans');
  });

  it('decodes the real emoji nickname of a group member', () => {
    const sync = readFixtureJson<{ ModContactList: Array<{ MemberList: Array<{ NickName: string }> }> }>(
      'responses',
      'webwxsync.json',
    );
    const nick = sync.ModContactList[0]?.MemberList[0]?.NickName ?? '';
    expect(nick).toContain('<span');
    expect(wireNameToPlain(nick)).toBe('吃圡死月不會碼代碼🌛');
  });
});

describe('unescapeHtml', () => {
  it('decodes named and numeric entities', () => {
    expect(unescapeHtml('&lt;msg&gt; &amp; &quot;x&quot; &apos;y&apos;')).toBe('<msg> & "x" \'y\'');
    expect(unescapeHtml('&#60;&#x3E;&#X263a;&#128512;')).toBe('<>☺😀');
    expect(unescapeHtml('a&nbsp;b')).toBe('a\u00a0b');
  });

  it('expands only once: &amp;lt; stays &lt; and &amp;quot; stays &quot;', () => {
    expect(unescapeHtml('&amp;lt;')).toBe('&lt;');
    expect(unescapeHtml('&amp;quot;')).toBe('&quot;');
    expect(unescapeHtml('&amp;amp;')).toBe('&amp;');
  });

  it('leaves unknown and invalid entities as written', () => {
    expect(unescapeHtml('&bogus; &#0; &#xD800; &#99999999; & ; &amp')).toBe(
      '&bogus; &#0; &#xD800; &#99999999; & ; &amp',
    );
  });

  it('property: never expands twice', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        // Escaping & then unescaping gives the original back: one pass, no recursion.
        expect(unescapeHtml(s.replace(/&/g, '&amp;'))).toBe(s);
      }),
    );
  });

  it('property: unescaping is idempotent on text without &', () => {
    fc.assert(fc.property(fc.string(), (s) => unescapeHtml(s.replace(/&/g, '')) === s.replace(/&/g, '')));
  });
});

describe('wireTextToPlain', () => {
  it('turns <br/> into newlines, spans into emoji, then unescapes once', () => {
    expect(wireTextToPlain(`line1<br/>line2<br>line3${span('1f604')} &lt;b&gt;`)).toBe(
      'line1\nline2\nline3😄 <b>',
    );
  });

  it('does not decode a span the user typed as text (it arrives escaped)', () => {
    const typed = '&lt;span class="emoji emoji1f604"&gt;&lt;/span&gt;';
    expect(wireTextToPlain(typed)).toBe('<span class="emoji emoji1f604"></span>');
  });
});

describe('splitRoomPrefix', () => {
  it('splits an @UserName prefix', () => {
    expect(splitRoomPrefix('@4c32c97337cbb325442c304d6a44e374:<br/>@_@')).toEqual({
      sender: '@4c32c97337cbb325442c304d6a44e374',
      body: '@_@',
    });
  });

  it('splits a bare id prefix and only the first one', () => {
    expect(splitRoomPrefix('wxid_abc-1:<br/>label:<br/>/cgi-bin/x')).toEqual({
      sender: 'wxid_abc-1',
      body: 'label:<br/>/cgi-bin/x',
    });
  });

  it('leaves content without a prefix alone', () => {
    expect(splitRoomPrefix('hello')).toEqual({ body: 'hello' });
    expect(splitRoomPrefix('深圳市xxxx:<br/>/cgi-bin')).toEqual({ body: '深圳市xxxx:<br/>/cgi-bin' });
    expect(splitRoomPrefix('a b:<br/>x')).toEqual({ body: 'a b:<br/>x' });
    expect(splitRoomPrefix('')).toEqual({ body: '' });
  });
});

describe('extractMentions', () => {
  it('finds U+2005-terminated mentions (phone)', () => {
    expect(extractMentions('@wuli舞哩客服\u2005和@小桔同学\u2005是好朋友')).toEqual([
      'wuli舞哩客服',
      '小桔同学',
    ]);
    expect(extractMentions('@wuli舞哩客服\u2005@小桔同学\u2005你们好')).toEqual(['wuli舞哩客服', '小桔同学']);
  });

  it('finds space- and end-terminated mentions (desktop) and ignores e-mail addresses and @_@', () => {
    expect(extractMentions('@Alice hello @Bob')).toEqual(['Alice', 'Bob']);
    expect(extractMentions('@_@ wow，@wuli舞哩客服\u2005和@小桔同学\u2005看起来很有默契')).toEqual([
      'wuli舞哩客服',
      '小桔同学',
    ]);
    expect(extractMentions('@wuli舞哩客服\u2005我的邮箱是 ruiruibupt@gmail.com')).toEqual(['wuli舞哩客服']);
    expect(extractMentions('no mentions, a@b.c')).toEqual([]);
  });

  it('matches known names first, names with spaces included, longest first', () => {
    expect(extractMentions('@Bruce LEE hi', ['Bruce LEE'])).toEqual(['Bruce LEE']);
    expect(extractMentions('@Bruce LEE2 hi', ['Bruce LEE', 'Bruce LEE2'])).toEqual(['Bruce LEE2']);
    expect(extractMentions('@Bruce LEEx hi', ['Bruce LEE'])).toEqual([]);
    expect(extractMentions('hi @me', ['me'])).toEqual(['me']);
    // other phone mentions are still found when names are given
    expect(extractMentions('@me\u2005@other\u2005x', ['me'])).toEqual(['me', 'other']);
  });

  it('deduplicates', () => {
    expect(extractMentions('@a\u2005@a\u2005')).toEqual(['a']);
  });

  it('property: never throws and returns strings without U+2005', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.array(fc.string())), (s, names) => {
        const out = extractMentions(s, names ?? undefined);
        return out.every((m) => typeof m === 'string' && m.length > 0 && !m.includes('\u2005'));
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { padTo, textWidth, truncate, wrapLine, wrapText } from '../../../src/cli/tui/text-width.js';

describe('text width', () => {
  it('counts CJK and emoji as two cells, combining marks as none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('你好')).toBe(4);
    expect(textWidth('👋')).toBe(2);
    expect(textWidth('👨‍👩‍👧')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
    expect(textWidth('🏔')).toBe(1); // text presentation by default
    expect(textWidth('⛰️')).toBe(2); // made an emoji by VS16
  });

  it('truncates and pads to exact widths without splitting wide characters', () => {
    expect(truncate('你好世界', 5)).toBe('你好…');
    expect(textWidth(padTo('你好世界', 5))).toBe(5);
    expect(padTo('ab', 4)).toBe('ab  ');
    expect(truncate('abc', 0)).toBe('');
  });

  it('wraps at spaces when it can, hard otherwise', () => {
    expect(wrapLine('hello wide world', 11)).toEqual(['hello wide', 'world']);
    expect(wrapLine('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapLine('你好世界', 5)).toEqual(['你好', '世界']);
    expect(wrapText('a\nb', 10)).toEqual(['a', 'b']);
    for (const row of wrapText('混合 mixed 文字 text '.repeat(20), 13))
      expect(textWidth(row)).toBeLessThanOrEqual(13);
  });
});

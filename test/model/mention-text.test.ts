import { describe, expect, it } from 'vitest';
import { MENTION_SEPARATOR, mentionText } from '../../src/model/mention-text.js';

const S = MENTION_SEPARATOR;

describe('mentionText', () => {
  it('ends each mention Wechaty wrote with U+2005', () => {
    expect(mentionText(`@爸爸 来了`, ['爸爸'])).toBe(`@爸爸${S}来了`);
    expect(mentionText(`@A${S}@B hi`, ['A', 'B'])).toBe(`@A${S}@B${S}hi`);
    expect(mentionText('hi @A', ['A'])).toBe(`hi @A${S}`);
  });

  it('puts the names the text does not mention in front', () => {
    expect(mentionText('开会了', ['张伟', 'Bob'])).toBe(`@张伟${S}@Bob${S}开会了`);
  });

  it('matches whole names only, and names with regex characters literally', () => {
    expect(mentionText('@Bobby hi', ['Bob'])).toBe(`@Bob${S}@Bobby hi`);
    expect(mentionText('@a.b (x) hi', ['a.b (x)'])).toBe(`@a.b (x)${S}hi`);
    expect(mentionText('text', ['', ''])).toBe('text');
  });
});

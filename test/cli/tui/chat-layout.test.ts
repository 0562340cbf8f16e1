import { describe, expect, it } from 'vitest';
import { layoutChat, viewport } from '../../../src/cli/tui/chat-layout.js';
import type { ChatLine } from '../../../src/cli/tui/chat-store.js';
import { textWidth } from '../../../src/cli/tui/text-width.js';
import { oneOfEach, textMessage } from './sample-messages.js';

const line = (message: ChatLine['message'], extra: Partial<ChatLine> = {}): ChatLine => ({
  message,
  revoked: false,
  ...extra,
});
const rowText = (r: { segments: { text: string }[] }) => r.segments.map((s) => s.text).join('');
const options = {
  width: 40,
  selfNames: ['小明'],
  senderName: (l: ChatLine) => (l.message.isSelf ? 'me' : '张三'),
};

describe('layoutChat', () => {
  it('puts time and sender before the body and indents wrapped rows under it', () => {
    const rows = layoutChat([line(textMessage({ text: 'a '.repeat(30).trim() }))], options);
    expect(rows.length).toBeGreaterThan(1);
    expect(rowText(rows[0]!)).toMatch(/^\d\d:\d\d 张三: a a/);
    expect(rowText(rows[1]!)).toMatch(/^ {12}a/);
    for (const r of rows) expect(textWidth(rowText(r))).toBeLessThanOrEqual(40);
  });

  it('highlights mentions of the user, but not in the user’s own messages', () => {
    const rows = layoutChat(
      [line(textMessage({ text: 'hey @小明 look' })), line(textMessage({ text: '@小明 me', isSelf: true }))],
      options,
    );
    expect(rows[0]!.segments.filter((s) => s.style === 'mention').map((s) => s.text)).toEqual(['@小明']);
    expect(rows[1]!.segments.some((s) => s.style === 'mention')).toBe(false);
  });

  it('shows events dimmed, recalled and failed messages marked', () => {
    const all = oneOfEach();
    const rows = layoutChat(
      [
        line(all.system),
        line(textMessage({ text: 'oops' }), { revoked: true }),
        line(textMessage({ text: 'x', isSelf: true }), { failed: 'Ret 1204' }),
      ],
      { ...options, width: 80 },
    );
    expect(rows[0]!.segments[1]).toEqual({
      text: '— 你已添加了张三，现在可以开始聊天了。 —',
      style: 'event',
    });
    expect(rowText(rows[1]!)).toContain('(recalled) oops');
    expect(
      rows.some((r) => r.segments.some((s) => s.style === 'error' && s.text.includes('not sent: Ret 1204'))),
    ).toBe(true);
  });

  it('never lets control characters through', () => {
    const rows = layoutChat([line(textMessage({ text: '\u001b[2J\u001b[H boom\u0007' }))], options);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for raw control characters
    for (const r of rows) expect(rowText(r)).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('viewport', () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({
    line: i,
    segments: [{ text: `r${i}`, style: 'text' as const }],
  }));

  it('shows the newest rows, scrolled up on request, within bounds', () => {
    expect(viewport(rows, 5, 0).rows.map((r) => r.line)).toEqual([25, 26, 27, 28, 29]);
    expect(viewport(rows, 5, 10).rows.map((r) => r.line)).toEqual([15, 16, 17, 18, 19]);
    expect(viewport(rows, 5, 999)).toMatchObject({ scroll: 25 });
  });

  it('moves to keep the selected line in view', () => {
    expect(viewport(rows, 5, 0, 3).rows.map((r) => r.line)).toContain(3);
    expect(viewport(rows, 5, 20, 28).rows.map((r) => r.line)).toContain(28);
  });
});

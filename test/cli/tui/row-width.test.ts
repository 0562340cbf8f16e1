/**
 * Every row the terminal client draws is exactly as wide as its pane, measured the way ink lays out
 * and draws (string-width): emoji in text presentation (🏔 U+1F3D4), emoji made so by VS16 (🏔️ ⛰️ ❤️),
 * keycaps and ideographic emoji included. A row one cell too wide wraps in the terminal and shifts
 * every row below it.
 */
import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { layoutChat, rowFill } from '../../../src/cli/tui/chat-layout.js';
import { chatTitleRow } from '../../../src/cli/tui/chat-list.js';
import type { ChatLine } from '../../../src/cli/tui/chat-store.js';
import { ChatView } from '../../../src/cli/tui/chat-view.js';
import { padTo, textWidth, truncate, wrapLine } from '../../../src/cli/tui/text-width.js';
import { textMessage } from './sample-messages.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping colours from frames
const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001b\[[0-9;]*m/g, '');

/** Titles and texts with the characters two width tables are most likely to disagree on. */
const SAMPLES = [
  '周末徒步🏔',
  '周末徒步🏔\ufe0f',
  '⛰️ hike ⛰️ up',
  '❤️ love ✌️ peace',
  '#️⃣ tags 1️⃣ one',
  '🈷 month 🈂️ service',
  '☰ menu 〈quoted〉',
  '👨‍👩‍👧 family 🇨🇳 flag',
];

let unmounts: (() => void)[] = [];
afterEach(() => {
  for (const u of unmounts) u();
  unmounts = [];
});

describe('row widths', () => {
  it('text-width measures as ink does', () => {
    for (const sample of SAMPLES) expect(textWidth(sample), sample).toBe(stringWidth(sample));
    expect(textWidth('#️⃣')).toBe(2);
    expect(textWidth('🈷')).toBe(2);
  });

  it('padTo, truncate and wrapLine fit every width exactly', () => {
    for (const sample of SAMPLES) {
      for (let width = 1; width <= 24; width++) {
        expect(stringWidth(padTo(sample, width)), `${sample} @${width}`).toBe(width);
        expect(stringWidth(truncate(sample, width))).toBeLessThanOrEqual(width);
        for (const row of wrapLine(sample.repeat(3), width))
          expect(stringWidth(row), `${sample} @${width}`).toBeLessThanOrEqual(Math.max(width, 2));
      }
    }
  });

  it('a chat list row with 🏔 (and emoji with VS16) is exactly the pane width', () => {
    for (const title of SAMPLES) {
      for (let width = 8; width <= 40; width++) {
        const row = chatTitleRow(
          {
            id: '@@hike',
            title,
            isRoom: true,
            pinned: false,
            muted: false,
            searchNames: [],
            unread: 3,
            mentioned: false,
            preview: '',
            lastTime: 1_700_000_000,
          },
          width,
          1_700_000_000_000,
        );
        expect(stringWidth(row), `${title} @${width}: ${JSON.stringify(row)}`).toBe(width);
      }
    }
  });

  it('a chat view row with 🏔 (and emoji with VS16) is exactly the pane width, its fill included', () => {
    const lines: ChatLine[] = SAMPLES.map((text) => ({
      message: textMessage({ text: `${text} ${text} ${text}` }),
      revoked: false,
    }));
    for (let width = 28; width <= 60; width++) {
      const rows = layoutChat(lines, { width, selfNames: [], senderName: () => 'Bob 🏔️' });
      expect(rows.length).toBeGreaterThan(SAMPLES.length);
      for (const row of rows) {
        const drawn = row.segments.map((s) => s.text).join('') + rowFill(row, width);
        expect(stringWidth(drawn), `@${width}: ${JSON.stringify(drawn)}`).toBe(width);
      }
    }
  });

  it('ink draws the chat view rows with 🏔 within the pane', () => {
    const width = 30;
    const lines: ChatLine[] = SAMPLES.map((text) => ({ message: textMessage({ text }), revoked: false }));
    const r = render(
      h(ChatView, {
        title: '周末徒步🏔',
        isRoom: true,
        lines,
        width,
        height: 20,
        scroll: 0,
        selectedLine: undefined,
        selfNames: [],
        senderName: () => 'Bob 🏔️',
      }),
    );
    unmounts.push(r.unmount);
    const frame = plain(r.lastFrame());
    for (const sample of SAMPLES) expect(frame).toContain(sample.slice(0, 4));
    for (const row of frame.split('\n'))
      expect(stringWidth(row), JSON.stringify(row)).toBeLessThanOrEqual(width);
  });
});

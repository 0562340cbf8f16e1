import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeMessage,
  formatDuration,
  formatFileSize,
  highlightMentions,
  limitBody,
  MAX_BODY_LINES,
  oneLine,
  sanitize,
} from '../../../src/cli/tui/message-render.js';
import { decodeMessage } from '../../../src/model/index.js';
import type { WireMessage } from '../../../src/protocol/wire-types.js';
import { fixturePath, readFixtureJson } from '../../fixtures.js';
import { oneOfEach } from './sample-messages.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach the terminal
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('sanitize', () => {
  it('shows escape sequences and control characters as visible escapes', () => {
    expect(sanitize('\u001b[2J\u001b]0;pwned\u0007red')).toBe('\\x1b[2J\\x1b]0;pwned\\x07red');
    expect(sanitize('a\rb\u0000c\u009bd')).toBe('a\\x0db\\x00c\\x9bd');
    expect(sanitize('evil\u202eexe.txt')).toBe('evil\\u202eexe.txt');
  });

  it('keeps line breaks, CJK and emoji; turns tabs into spaces and CRLF into a line break', () => {
    expect(sanitize('你好\n👋🏽 ok\r\n\tx')).toBe('你好\n👋🏽 ok\n    x');
  });

  it('replaces lone surrogates', () => {
    expect(sanitize('a\ud800b')).toBe('a\ufffdb');
  });
});

describe('limitBody and oneLine', () => {
  it('cuts huge texts and says how much is left', () => {
    const body = limitBody('x'.repeat(100_000));
    expect(body.length).toBeLessThan(2100);
    expect(body).toMatch(/more characters\)$/);
    const lines = limitBody(Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n'));
    expect(lines.split('\n')).toHaveLength(MAX_BODY_LINES);
    expect(lines).toContain('(80 more lines)');
  });

  it('flattens to one line with an ellipsis', () => {
    expect(oneLine('a\nb\n\nc')).toBe('a ⏎ b ⏎ c');
    expect(oneLine('abcdefghij', 5)).toBe('abcd…');
    expect(oneLine('\u001b[31mred')).toBe('\\x1b[31mred');
  });
});

describe('sizes and durations', () => {
  it('formats bytes in binary units', () => {
    expect(formatFileSize(512)).toBe('512 B');
    expect(formatFileSize(3482)).toBe('3.4 KB');
    expect(formatFileSize(2_202_010)).toBe('2.1 MB');
    expect(formatFileSize(1288490189)).toBe('1.2 GB');
  });

  it('formats seconds', () => {
    expect(formatDuration(3)).toBe('3s');
    expect(formatDuration(65)).toBe('1m05s');
  });
});

describe('describeMessage: every kind readable', () => {
  const all = oneOfEach();

  it.each([
    ['text', 'hello'],
    ['image', '[image 1024×768, 136 KB, press s to save]'],
    ['voice', '[voice 3s]'],
    ['video', '[video 24s, press s to save]'],
    ['emoticon', '[sticker, press s to save]'],
    ['card', '[contact card: 王五 (wangwu), 广东 深圳]'],
    ['location', '[location: 北京市海淀区 (39.98000, 116.31000)]'],
    ['link', '[link: Release notes — What is new] https://example.com/n'],
    ['music', '[music: 晴天 — 周杰伦]'],
    ['file', '[file report.pdf 2.1 MB, press s to save]'],
    ['mini-program', '[mini program: 跳一跳]'],
    ['app', 'me too\n  ↪ 张三: anyone for lunch?'],
    ['red-packet', '[red packet: 恭喜发财，大吉大利 — open it on the phone]'],
    ['transfer', '[transfer ￥0.10 “lunch” — open it on the phone]'],
    ['system', '你已添加了张三，现在可以开始聊天了。'],
    ['revoke', '"张三" 撤回了一条消息'],
    ['friend-request', '[friend request from 王五: 我是王五]'],
    ['voip', '[video call — answer it on the phone]'],
    ['unknown', '[unsupported message: unsupported MsgType 12]'],
  ] as const)('%s → %s', (kind, expected) => {
    expect(describeMessage(all[kind])).toBe(expected);
  });

  it('renders a group invitation link as an invitation', () => {
    const link = { ...all.link, roomInvitation: { inviter: '张三', topic: '周末徒步' } };
    expect(describeMessage(link)).toBe('[group invitation: 张三 invites you to "周末徒步"]');
  });

  it('renders every real captured message readably and without raw control characters', () => {
    const names = readdirSync(fixturePath('messages')).filter((n) => n.endsWith('.json'));
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const wire = readFixtureJson<WireMessage>('messages', name);
      const message = decodeMessage(wire, { selfUserName: '@self' });
      const body = limitBody(describeMessage(message));
      expect(body, name).not.toMatch(RAW_CONTROL);
      expect(body.trim(), name).not.toBe('');
    }
  });
});

describe('highlightMentions', () => {
  it('splits out @name for the user’s names, longest first', () => {
    expect(highlightMentions('hi @小明 and @小明同学!', ['小明', '小明同学'])).toEqual([
      { text: 'hi ', mention: false },
      { text: '@小明', mention: true },
      { text: ' and ', mention: false },
      { text: '@小明同学', mention: true },
      { text: '!', mention: false },
    ]);
    expect(highlightMentions('no mention', ['小明'])).toEqual([{ text: 'no mention', mention: false }]);
    expect(highlightMentions('@x', [])).toEqual([{ text: '@x', mention: false }]);
  });
});

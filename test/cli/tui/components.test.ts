import { render } from 'ink-testing-library';
import { createElement as h, type ReactElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatList } from '../../../src/cli/tui/chat-list.js';
import type { ChatLine, ChatSeed } from '../../../src/cli/tui/chat-store.js';
import { emptyStore, receiveMessage, upsertChats, visibleChats } from '../../../src/cli/tui/chat-store.js';
import { ChatView } from '../../../src/cli/tui/chat-view.js';
import { Compose, composeRows } from '../../../src/cli/tui/compose.js';
import { HelpOverlay } from '../../../src/cli/tui/help-overlay.js';
import { LoginScreen } from '../../../src/cli/tui/login-screen.js';
import { StatusLine } from '../../../src/cli/tui/status-line.js';
import { textWidth } from '../../../src/cli/tui/text-width.js';
import { initialState, type LoginView, reduce } from '../../../src/cli/tui/tui-state.js';
import type { Message } from '../../../src/model/index.js';
import { oneOfEach, textMessage } from './sample-messages.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping colours from frames
const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001b\[[0-9;]*m/g, '');
const QR = '\u001b[47m\u001b[30m ▄▄▄ ▄ ▄▄▄ \u001b[0m\n\u001b[47m\u001b[30m █▄█ ▀ █▄█ \u001b[0m\n';

let unmounts: (() => void)[] = [];
afterEach(() => {
  for (const u of unmounts) u();
  unmounts = [];
});
function show(node: ReactElement) {
  const r = render(node);
  unmounts.push(r.unmount);
  return r;
}

function loginAfter(...actions: Parameters<typeof reduce>[1][]): LoginView {
  return actions.reduce(reduce, initialState()).login;
}

/** The login screen at 80×23 after these actions, as text. */
function loginFrame(...actions: Parameters<typeof reduce>[1][]): string {
  return plain(show(h(LoginScreen, { login: loginAfter(...actions), width: 80, height: 23 })).lastFrame());
}

describe('LoginScreen', () => {
  const qr = { type: 'qr', terminal: QR, url: 'https://login.weixin.qq.com/l/abc==' } as const;

  it('shows the QR while waiting, with the link', () => {
    const frame = plain(show(h(LoginScreen, { login: loginAfter(qr), width: 80, height: 23 })).lastFrame());
    expect(frame).toContain('Scan this QR code with WeChat');
    expect(frame).toContain('▄▄▄ ▄ ▄▄▄');
    expect(frame).toContain('or open https://login.weixin.qq.com/l/abc==');
  });

  it('shows who scanned, an expired QR renewed, resuming, loading and failures', () => {
    expect(loginFrame(qr, { type: 'scanned', name: '小明' })).toContain(
      'Scanned by 小明. Confirm the login on your phone',
    );
    expect(loginFrame(qr, qr)).toContain('The QR code expired and was renewed (1×)');
    expect(loginFrame({ type: 'client-state', state: 'resuming' })).toContain('Resuming the saved session');
    const pushed = loginFrame({ type: 'login-step', step: 'push', outcome: 'trying' });
    expect(pushed).toContain('A login request was sent to your phone');
    const expired = loginFrame(
      { type: 'login-step', step: 'resume', outcome: 'failed', reason: 'logged out' },
      qr,
    );
    expect(expired).toContain(
      'The saved session could not be resumed (logged out); log in with the QR code.',
    );
    expect(expired).toContain('▄▄▄ ▄ ▄▄▄');
    const loading = loginFrame(qr, { type: 'login', account: '小明', selfNames: [] });
    expect(loading).toContain('Logged in as 小明. Loading contacts');
    expect(loading).not.toContain('▄▄▄');
    expect(loginFrame({ type: 'login-failed', error: 'refused \u001b[2J' })).toContain(
      'Login failed: refused \\x1b[2J',
    );
  });

  it('says so when the terminal is too small for the QR', () => {
    const frame = plain(show(h(LoginScreen, { login: loginAfter(qr), width: 80, height: 5 })).lastFrame());
    expect(frame).toContain('too small for the QR code');
  });
});

const seeds: ChatSeed[] = [
  { id: '@zhang', title: '老张', isRoom: false, pinned: false, muted: false, searchNames: ['lao zhang'] },
  { id: '@alice', title: 'Alice Smith', isRoom: false, pinned: false, muted: false, searchNames: [] },
  { id: '@@fam', title: '相亲相爱一家人', isRoom: true, pinned: true, muted: false, searchNames: [] },
  { id: '@@work', title: '项目组-工作群', isRoom: true, pinned: false, muted: false, searchNames: [] },
];

describe('ChatList', () => {
  let store = upsertChats(emptyStore(), seeds);
  const msg = (chat: string, text: string, time: number, extra: Partial<Message> = {}) =>
    textMessage({
      text,
      createTime: time,
      chat: { userName: chat, isRoom: chat.startsWith('@@') },
      ...extra,
    });
  store = receiveMessage(store, msg('@alice', 'see you', 1_700_000_000));
  store = receiveMessage(store, msg('@@work', 'Meeting moved', 1_700_000_100), { senderName: 'HR 小刘' });
  store = receiveMessage(store, msg('@@work', '@小明 please check', 1_700_000_200, { mentionsSelf: true }), {
    senderName: 'HR 小刘',
  });

  it('lists pinned chats first, then the newest, with unread counts, previews, times and group marks', () => {
    const frame = plain(
      show(
        h(ChatList, {
          chats: visibleChats(store),
          selected: 0,
          query: '',
          searching: false,
          focused: true,
          openId: undefined,
          width: 36,
          height: 20,
          now: 1_700_000_300_000,
        }),
      ).lastFrame(),
    );
    const rows = frame.split('\n');
    const titles = rows.filter((r) => /^[ ▲][ #]\S/.test(r));
    expect(
      titles.map((r) =>
        r
          .slice(2)
          .split(/ {2,}|\s\(/)[0]
          ?.trim(),
      ),
    ).toEqual(['相亲相爱一家人', '项目组-工作群', 'Alice Smith', '老张']);
    expect(titles[0]).toMatch(/^▲#/);
    expect(titles[1]).toMatch(/\(2@\) \d\d-\d\d$|\(2@\) \d\d:\d\d$/);
    expect(frame).toContain('HR 小刘: @小明 please check');
    for (const r of rows) expect(textWidth(r)).toBeLessThanOrEqual(36);
  });

  it('shows the search prompt and only the matches', () => {
    const frame = plain(
      show(
        h(ChatList, {
          chats: visibleChats(store, 'lao'),
          selected: 0,
          query: 'lao',
          searching: true,
          focused: true,
          openId: undefined,
          width: 36,
          height: 20,
          now: 0,
        }),
      ).lastFrame(),
    );
    expect(frame).toContain('/lao▏');
    expect(frame).toContain('老张');
    expect(frame).not.toContain('Alice');
    const none = plain(
      show(
        h(ChatList, {
          chats: [],
          selected: 0,
          query: 'zzz',
          searching: true,
          focused: true,
          openId: undefined,
          width: 36,
          height: 20,
          now: 0,
        }),
      ).lastFrame(),
    );
    expect(none).toContain('no chat matches');
  });

  it('scrolls to keep the selected chat visible', () => {
    const many = upsertChats(
      emptyStore(),
      Array.from({ length: 40 }, (_, i) => ({
        ...seeds[0]!,
        id: `@c${i}`,
        title: `chat ${String(i).padStart(2, '0')}`,
      })),
    );
    const frame = plain(
      show(
        h(ChatList, {
          chats: visibleChats(many),
          selected: 30,
          query: '',
          searching: false,
          focused: true,
          openId: undefined,
          width: 30,
          height: 11,
          now: 0,
        }),
      ).lastFrame(),
    );
    expect(frame).toContain('chat 30');
    expect(frame).not.toContain('chat 00');
  });
});

describe('ChatView', () => {
  const room = { userName: '@@fam', isRoom: true };
  const lines: ChatLine[] = Object.values(oneOfEach())
    .filter((m) => m.kind !== 'status-notify')
    .map((m) => ({
      message: { ...m, chat: room, sender: { userName: '@m', displayName: '妈妈' } } as Message,
      revoked: false,
    }));

  it('renders every kind readably with the sender names of the group', () => {
    const frame = plain(
      show(
        h(ChatView, {
          title: '相亲相爱一家人',
          isRoom: true,
          memberCount: 6,
          lines: lines,
          width: 100,
          height: 60,
          scroll: 0,
          selectedLine: undefined,
          selfNames: ['小明'],
          senderName: (l) => l.message.sender.displayName,
        }),
      ).lastFrame(),
    );
    expect(frame).toContain('# 相亲相爱一家人 (6)');
    for (const expected of [
      '妈妈: hello',
      '[image 1024×768, 136 KB, press s to save]',
      '[voice 3s]',
      '[video 24s, press s to save]',
      '[sticker, press s to save]',
      '[contact card: 王五 (wangwu), 广东 深圳]',
      '[location: 北京市海淀区',
      '[link: Release notes — What is new]',
      '[music: 晴天 — 周杰伦]',
      '[file report.pdf 2.1 MB, press s to save]',
      '[mini program: 跳一跳]',
      '↪ 张三: anyone for lunch?',
      '[red packet: 恭喜发财，大吉大利',
      '[transfer ￥0.10',
      '— 你已添加了张三，现在可以开始聊天了。 —',
      '— "张三" 撤回了一条消息 —',
      '[friend request from 王五: 我是王五]',
      '[video call',
      '[unsupported message: unsupported MsgType 12]',
    ])
      expect(frame).toContain(expected);
  });

  it('fits the height, newest at the bottom, and notes scrolled-away rows and missing history', () => {
    const many: ChatLine[] = Array.from({ length: 50 }, (_, i) => ({
      message: textMessage({ text: `message ${i}` }),
      revoked: false,
    }));
    const bottom = plain(
      show(
        h(ChatView, {
          title: 'Bob',
          isRoom: false,
          lines: many,
          width: 60,
          height: 10,
          scroll: 0,
          selectedLine: undefined,
          selfNames: [],
          senderName: () => 'Bob',
        }),
      ).lastFrame(),
    );
    expect(bottom.split('\n')).toHaveLength(10);
    expect(bottom).toContain('message 49');
    expect(bottom).not.toContain('message 40');
    const scrolled = plain(
      show(
        h(ChatView, {
          title: 'Bob',
          isRoom: false,
          lines: many,
          width: 60,
          height: 10,
          scroll: 5,
          selectedLine: undefined,
          selfNames: [],
          senderName: () => 'Bob',
        }),
      ).lastFrame(),
    );
    expect(scrolled).toContain('↓ 5 more');
    expect(scrolled).toContain('message 44');
    const empty = plain(
      show(
        h(ChatView, {
          title: 'Bob',
          isRoom: false,
          lines: [],
          width: 60,
          height: 10,
          scroll: 0,
          selectedLine: undefined,
          selfNames: [],
          senderName: () => 'Bob',
          historyNote: 'earlier messages: not available yet',
        }),
      ).lastFrame(),
    );
    expect(empty).toContain('no messages yet');
    expect(empty).toContain('earlier messages: not available yet');
  });

  it('never prints hostile content raw', () => {
    const evil: ChatLine[] = [
      {
        message: textMessage({ text: `\u001b[2J\u001b[31mred\u001b]0;title\u0007 ${'x'.repeat(50_000)}` }),
        revoked: false,
      },
    ];
    const frame =
      show(
        h(ChatView, {
          title: '\u001b[5mt',
          isRoom: false,
          lines: evil,
          width: 60,
          height: 80,
          scroll: 0,
          selectedLine: undefined,
          selfNames: [],
          senderName: () => '\u001b[1mboss',
        }),
      ).lastFrame() ?? '';
    // The only escape sequences are ink's own colours.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking what reaches the terminal
    expect(frame.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(plain(frame)).toContain('\\x1b[2J\\x1b[31mred');
  });
});

describe('Compose', () => {
  it('shows several lines with a caret, or the placeholder', () => {
    const frame = plain(
      show(
        h(Compose, { value: 'line 1\nline 2', focused: true, width: 40, maxRows: 4, placeholder: 'type' }),
      ).lastFrame(),
    );
    expect(frame).toContain('> line 1');
    expect(frame).toContain('  line 2▏');
    const empty = plain(
      show(
        h(Compose, { value: '', focused: false, width: 40, maxRows: 4, placeholder: 'type a message' }),
      ).lastFrame(),
    );
    expect(empty).toContain('> type a message');
  });

  it('draws the caret where it is, and keeps its row in view', () => {
    const frame = plain(
      show(
        h(Compose, {
          value: 'hello world',
          cursor: 5,
          focused: true,
          width: 40,
          maxRows: 2,
          placeholder: '',
        }),
      ).lastFrame(),
    );
    expect(frame).toContain('> hello▏ world');
    const rows = composeRows(Array.from({ length: 6 }, (_, i) => `row ${i}`).join('\n'), 40, 2, true, 3);
    expect(rows).toEqual(['row▏ 0', 'row 1']);
  });

  it('keeps to the last rows when the text grows', () => {
    const frame = plain(
      show(
        h(Compose, {
          value: Array.from({ length: 10 }, (_, i) => `row ${i}`).join('\n'),
          focused: true,
          width: 40,
          maxRows: 3,
          placeholder: '',
        }),
      ).lastFrame(),
    );
    expect(frame).toContain('row 9');
    expect(frame).not.toContain('row 6');
  });
});

describe('HelpOverlay and StatusLine', () => {
  it('lists every key and compose command, in 80 columns', () => {
    const frame = plain(show(h(HelpOverlay, { width: 80, height: 22 })).lastFrame());
    for (const s of [
      'Ctrl+T',
      'auto-reply',
      'Alt+Enter',
      '/image PATH',
      '/file PATH',
      '/emoticon PATH',
      '/revoke',
      '/forward NAME',
      '/save [DIR]',
      '/open',
      'PgUp',
    ]) {
      expect(frame).toContain(s);
    }
    for (const row of frame.split('\n')) expect(textWidth(row)).toBeLessThanOrEqual(80);
  });

  it('shows connection, account, sync health, auto-reply and unread; notices first', () => {
    const status = {
      ...initialState().status,
      connection: 'ready',
      account: '小明',
      autoReply: true,
      autoReplySource: 'rules',
    };
    const frame = plain(
      show(h(StatusLine, { status: status, notice: undefined, unread: 3, width: 100, now: 0 })).lastFrame(),
    );
    expect(frame).toContain('● online │ 小明 │ sync ok │ auto-reply on (rules) │ 3 unread │ ? help');
    const retrying = plain(
      show(
        h(StatusLine, {
          status: { ...status, errors: 2 },
          notice: { text: 'saved to /tmp/a.jpg', error: false },
          unread: 0,
          width: 100,
          now: 0,
        }),
      ).lastFrame(),
    );
    expect(retrying).toContain('saved to /tmp/a.jpg');
    expect(retrying).toContain('sync retrying (2)');
  });
});

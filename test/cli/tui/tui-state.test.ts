import { describe, expect, it } from 'vitest';
import type { ChatSeed } from '../../../src/cli/tui/chat-store.js';
import { linesOf, visibleChats } from '../../../src/cli/tui/chat-store.js';
import { syncHealth } from '../../../src/cli/tui/status-line.js';
import {
  type Effect,
  handleKey,
  initialState,
  type KeyPress,
  plainQr,
  reduce,
  type TuiState,
} from '../../../src/cli/tui/tui-state.js';
import { oneOfEach, textMessage } from './sample-messages.js';

const seeds: ChatSeed[] = [
  {
    id: '@zhang',
    title: '老张',
    isRoom: false,
    pinned: false,
    muted: false,
    searchNames: ['lao zhang', 'zhang wei'],
  },
  { id: '@alice', title: 'Alice', isRoom: false, pinned: false, muted: false, searchNames: [] },
  { id: '@@fam', title: 'Family', isRoom: true, pinned: true, muted: false, searchNames: [] },
];

function ready(): TuiState {
  let s = initialState();
  s = reduce(s, { type: 'login', account: '小明', selfNames: ['小明'] });
  s = reduce(s, { type: 'chats', seeds });
  return reduce(s, { type: 'ready' });
}

/** Presses keys in order; returns the final state and every effect. */
function press(
  state: TuiState,
  ...keys: (string | Partial<KeyPress>)[]
): { state: TuiState; effects: Effect[] } {
  let s = state;
  const effects: Effect[] = [];
  for (const k of keys) {
    const r = handleKey(s, typeof k === 'string' ? { input: k } : { input: '', ...k }, { home: '/home/me' });
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}

const ENTER = { return: true };
const ESC = { escape: true };

describe('login states', () => {
  it('goes waiting → scanned → renewed QR → logging in → loading → ready', () => {
    let s = initialState();
    expect(s.login.phase).toBe('starting');
    s = reduce(s, {
      type: 'qr',
      terminal: '\u001b[47m\u001b[30m ▄▄ \u001b[0m\n',
      url: 'https://login.weixin.qq.com/l/abc==',
    });
    expect(s.login).toMatchObject({ phase: 'waiting', qr: ' ▄▄ ', renewals: 0 });
    s = reduce(s, { type: 'scanned', name: '小明' });
    expect(s.login).toMatchObject({ phase: 'scanned', scannedBy: '小明' });
    s = reduce(s, { type: 'qr', terminal: 'QR2', url: 'u2' });
    expect(s.login).toMatchObject({ phase: 'waiting', renewals: 1, scannedBy: '' });
    s = reduce(s, { type: 'client-state', state: 'logging-in' });
    expect(s.login.phase).toBe('logging-in');
    s = reduce(s, { type: 'login', account: '小明', selfNames: ['小明'] });
    expect(s.login.phase).toBe('loading');
    s = reduce(s, { type: 'ready' });
    expect(s.screen).toBe('main');
  });

  it('strips colours from the QR and sanitises the rest', () => {
    expect(plainQr('\u001b[47m█\u001b[0m\n\u001b]0;x\u0007')).toBe('█\n\\x1b]0;x\\x07');
  });

  it('quits from the login screen with q', () => {
    expect(press(initialState(), 'q').effects).toEqual([{ kind: 'quit' }]);
  });
});

describe('keys in the chat list', () => {
  it('moves, opens with Enter, and goes back with Esc', () => {
    const s = ready();
    expect(visibleChats(s.store).map((c) => c.id)).toEqual(['@@fam', '@alice', '@zhang']);
    const r = press(s, 'j', { downArrow: true }, ENTER);
    expect(r.state.store.open).toBe('@zhang');
    expect(r.state.focus).toBe('compose');
    expect(r.effects).toEqual([{ kind: 'open-chat', chat: '@zhang' }]);
    expect(press(r.state, ESC).state.focus).toBe('list');
    expect(press(s, { upArrow: true }).state.selected).toBe(0);
  });

  it('searches incrementally with /, by pinyin, and opens the match', () => {
    const r = press(ready(), '/', 'z', 'h', 'a', 'n', 'g');
    expect(r.state.focus).toBe('search');
    expect(r.state.query).toBe('zhang');
    expect(visibleChats(r.state.store, r.state.query).map((c) => c.id)).toEqual(['@zhang']);
    const opened = press(r.state, ENTER);
    expect(opened.state.store.open).toBe('@zhang');
    expect(opened.state.query).toBe('');
    const back = press(r.state, { backspace: true }, ESC);
    expect(back.state).toMatchObject({ focus: 'list', query: '' });
  });

  it('takes a typed chunk ("/abc", "text\\r") as its keys', () => {
    const r = press(ready(), '/laozh', '\r');
    expect(r.state.store.open).toBe('@zhang');
    const sent = press(r.state, 'hi there\r');
    expect(sent.effects).toEqual([{ kind: 'send-text', chat: '@zhang', text: 'hi there' }]);
  });

  it('shows help with ?, closed by any key; toggles auto-reply with Ctrl+T; quits with q and Ctrl+C', () => {
    const help = press(ready(), '?');
    expect(help.state.help).toBe(true);
    expect(press(help.state, 'x').state.help).toBe(false);
    expect(press(ready(), { input: 't', ctrl: true }).effects).toEqual([{ kind: 'toggle-auto-reply' }]);
    expect(press(ready(), 'q').effects).toEqual([{ kind: 'quit' }]);
    expect(press(ready(), { input: 'c', ctrl: true }).effects).toEqual([{ kind: 'quit', interrupt: true }]);
  });
});

describe('keys in a chat', () => {
  const inChat = () => press(ready(), '/', 'alice', ENTER).state;

  it('composes several lines and sends them with Enter', () => {
    const r = press(
      inChat(),
      'line 1',
      { input: '\r', return: true, meta: true },
      'line 2',
      { input: '\n' },
      'x',
      ENTER,
    );
    expect(r.effects).toEqual([{ kind: 'send-text', chat: '@alice', text: 'line 1\nline 2\nx' }]);
    expect(r.state.compose).toBe('');
  });

  it('edits with Backspace (whole characters) and drops control characters', () => {
    const r = press(inChat(), '你好👋', { backspace: true }, '\u001b[31m'.slice(1), '\u0007');
    expect(r.state.compose).toBe('你好[31m');
  });

  it('moves the caret by whole characters and edits where it is', () => {
    const r = press(
      inChat(),
      'ac',
      { leftArrow: true },
      'b',
      { rightArrow: true },
      '👍🏽',
      { leftArrow: true },
      { delete: true },
    );
    expect(r.state.compose).toBe('ab👍🏽');
    expect(r.state.composeCursor).toBe(2);
    const lines = press(
      inChat(),
      'one',
      { input: '\n' },
      'two',
      { home: true },
      '>',
      { end: true },
      '!',
      { input: 'a', ctrl: true },
      '#',
    );
    expect(lines.state.compose).toBe('one\n#>two!');
    const sent = press(lines.state, ENTER);
    expect(sent.effects).toEqual([{ kind: 'send-text', chat: '@alice', text: 'one\n#>two!' }]);
    expect(sent.state).toMatchObject({ compose: '', composeCursor: 0 });
  });

  it('turns slash commands into effects, and reports bad ones without sending', () => {
    const image = press(inChat(), '/image ~/cat.png', ENTER);
    expect(image.effects).toEqual([
      {
        kind: 'command',
        chat: '@alice',
        command: { kind: 'send-media', media: 'image', path: '/home/me/cat.png' },
        line: undefined,
      },
    ]);
    const bad = press(inChat(), '/image', ENTER);
    expect(bad.effects).toEqual([]);
    expect(bad.state.notice).toMatchObject({ error: true });
    expect(bad.state.compose).toBe('/image');
    expect(press(inChat(), '/help', ENTER).state.help).toBe(true);
    expect(press(inChat(), '/quit', ENTER).effects).toEqual([{ kind: 'quit' }]);
  });

  it('selects messages with Tab or ↑ on an empty box; s saves media, r recalls only own sent messages, f forwards', () => {
    let s = inChat();
    const image = { ...oneOfEach().image, chat: { userName: '@alice', isRoom: false } };
    s = reduce(s, { type: 'message', message: image, now: 0 });
    const mine = textMessage({ text: 'mine', isSelf: true, chat: { userName: '@alice', isRoom: false } });
    s = reduce(s, { type: 'message', message: mine, now: 0, sent: { msgId: 'm', localId: 'l' } });
    expect(linesOf(s.store, '@alice')).toHaveLength(2);

    const selectLast = press(s, { upArrow: true });
    expect(selectLast.state).toMatchObject({ focus: 'messages', selectedLine: 1 });
    expect(press(selectLast.state, 'r').effects).toEqual([
      { kind: 'command', chat: '@alice', command: { kind: 'revoke' }, line: 1 },
    ]);
    expect(press(selectLast.state, 's').state.notice?.error).toBe(true);

    const onImage = press(s, { tab: true }, 'k');
    expect(onImage.state.selectedLine).toBe(0);
    expect(press(onImage.state, 's').effects).toEqual([
      { kind: 'command', chat: '@alice', command: { kind: 'save', dir: undefined }, line: 0 },
    ]);
    expect(press(onImage.state, 'r').state.notice?.text).toContain('only messages you sent');
    const forward = press(onImage.state, 'f', 'Bob', ENTER);
    expect(forward.effects).toEqual([
      { kind: 'command', chat: '@alice', command: { kind: 'forward', to: 'Bob' }, line: 0 },
    ]);
    expect(press(onImage.state, ESC).state.focus).toBe('compose');
  });

  it('scrolls with PageUp/PageDown and keeps the list selection on the same chat as messages arrive', () => {
    let s = inChat();
    expect(press(s, { pageUp: true }).state.scroll).toBe(10);
    expect(press(s, { pageUp: true }, { pageDown: true }, { pageDown: true }).state.scroll).toBe(0);
    s = press(s, ESC).state;
    const selected = visibleChats(s.store)[s.selected]?.id;
    s = reduce(s, {
      type: 'message',
      message: textMessage({
        text: 'new',
        createTime: 2_000_000_000,
        chat: { userName: '@zhang', isRoom: false },
      }),
      now: 0,
    });
    expect(visibleChats(s.store)[s.selected]?.id).toBe(selected);
  });
});

describe('status', () => {
  it('counts sync errors until a message comes through or a minute passes, and reports the end of the session', () => {
    let s = ready();
    s = reduce(s, { type: 'sync-error', message: 'synccheck: \u001b[2J timeout', now: 1000 });
    s = reduce(s, { type: 'sync-error', message: 'again', now: 2000 });
    expect(s.status).toMatchObject({ errors: 2, lastError: 'again' });
    expect(syncHealth(s.status, 3000)).toEqual({ text: 'sync retrying (2)', ok: false });
    expect(syncHealth(s.status, 62_001).ok).toBe(true);
    s = reduce(s, { type: 'message', message: textMessage({ text: 'x' }), now: 5000 });
    expect(s.status.errors).toBe(0);
    s = reduce(s, { type: 'logout', reason: 'logged-out-on-phone' });
    expect(s.status.connection).toBe('logged-out');
    expect(s.notice?.text).toContain('logged-out-on-phone');
  });
});

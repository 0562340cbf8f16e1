import { describe, expect, it } from 'vitest';
import { linesOf, visibleChats } from '../../../src/cli/tui/chat-store.js';
import { initialState, reduce } from '../../../src/cli/tui/tui-state.js';
import { oneOfEach, textMessage } from './sample-messages.js';
import { ENTER, ESC, press, ready } from './tui-fixtures.js';

describe('keys on the login screen', () => {
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

describe('bursts of typed keys and pastes', () => {
  const inChat = () => press(ready(), '/', 'alice', ENTER).state;

  it('a burst of typed keys sends one message per Enter, never one with a line break', () => {
    const r = press(inChat(), 'first\rsecond\r');
    expect(r.effects).toEqual([
      { kind: 'send-text', chat: '@alice', text: 'first' },
      { kind: 'send-text', chat: '@alice', text: 'second' },
    ]);
    expect(r.state.compose).toBe('');
    // Text typed after the last Enter of the burst stays in the box, without a line break.
    const rest = press(inChat(), 'one\rtwo');
    expect(rest.effects).toEqual([{ kind: 'send-text', chat: '@alice', text: 'one' }]);
    expect(rest.state.compose).toBe('two');
    // Enter twice in a burst: the second has nothing to send.
    expect(press(inChat(), 'x\r\r').effects).toEqual([{ kind: 'send-text', chat: '@alice', text: 'x' }]);
  });

  it('a burst opens a chat from the search and sends in it', () => {
    const r = press(ready(), '/laozh\rhi there\r');
    expect(r.state.store.open).toBe('@zhang');
    expect(r.effects).toEqual([
      { kind: 'open-chat', chat: '@zhang' },
      { kind: 'send-text', chat: '@zhang', text: 'hi there' },
    ]);
  });

  it('a bracketed paste keeps its line breaks and sends nothing until Enter after it', () => {
    const r = press(inChat(), '[200~', 'line 1\rline 2\r\nline 3\r', ENTER, 'tail', '[201~');
    expect(r.effects).toEqual([]);
    expect(r.state.compose).toBe('line 1\nline 2\nline 3\n\ntail');
    expect(r.state.pasting).toBe(false);
    const sent = press(r.state, ENTER);
    expect(sent.effects).toEqual([
      { kind: 'send-text', chat: '@alice', text: 'line 1\nline 2\nline 3\n\ntail' },
    ]);
    // Keys are keys again after the paste.
    expect(press(r.state, 'x\r').effects).toEqual([
      { kind: 'send-text', chat: '@alice', text: 'line 1\nline 2\nline 3\n\ntailx' },
    ]);
  });

  it('pasted text is never taken as keys: not in the list, not as commands, but Ctrl+C still quits', () => {
    const list = press(ready(), '[200~', 'q\r/quit\r', '[201~');
    expect(list.effects).toEqual([]);
    expect(list.state.focus).toBe('list');
    const search = press(ready(), '/', '[200~', 'lao\nzh', '[201~');
    expect(search.state.query).toBe('laozh');
    expect(press(inChat(), '[200~', { input: 'c', ctrl: true }).effects).toEqual([
      { kind: 'quit', interrupt: true },
    ]);
  });
});

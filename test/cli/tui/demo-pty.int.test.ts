/**
 * End to end in a real pseudo-terminal: `webwx demo` from source, logged in to its embedded emulator,
 * driven with keys like a user would, and judged by the screen a headless xterm shows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type PtyRun, runInPty } from './pty-harness.js';

/** Escape sequences that leaked into the text instead of being interpreted. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for leaked escape characters
const STRAY_ESCAPES = /\u001b|\^\[|\[\?\d+[hl]|\[\d+(;\d+)*[HJKm]|\[\d*[ABCD]\b/;
const REPLIES = /老张: (收到！|OK 👍|好的，马上|Thanks!|哈哈|Sounds good)/;

describe('webwx demo in a pseudo-terminal', () => {
  let run: PtyRun | undefined;

  afterEach(() => {
    run?.kill();
    run = undefined;
  });

  it('logs in, opens a chat by pinyin search, sends, sees the reply, follows a resize, and quits', async () => {
    const pty = runInPty(['--import', 'tsx', 'src/cli/run.ts', 'demo', '--scan-delay', '0.2'], {
      columns: 100,
      rows: 30,
    });
    run = pty;

    // The login screen, then the chat list with the status line.
    await pty.waitForScreen((s) => s.includes('webwx — WeChat in the terminal'), 'the login screen');
    await pty.waitForScreen(
      (s) => s.includes('Chats') && s.includes('● online') && s.includes('小明'),
      'the chat list and the status line',
    );
    const list = pty.screen().join('\n');
    expect(list).toContain('#相亲相爱一家人'); // groups are marked
    expect(list).not.toMatch(STRAY_ESCAPES);

    // Incremental search by pinyin: 老张 is "lao zhang".
    pty.write('/');
    await pty.waitForScreen((s) => /\/▏/.test(s), 'the search prompt');
    pty.write('laozh');
    await pty.waitForScreen((s) => s.includes('/laozh') && s.includes('老张'), 'the search result');
    pty.write('\r');
    await pty.waitForScreen((s) => /│ 老张/.test(s) && s.includes('type a message'), 'the open chat');

    // Send; the simulated friend (the phone side) answers.
    pty.write('hello from the pty: 你好');
    await pty.waitForScreen((s) => s.includes('> hello from the pty: 你好'), 'the typed text');
    pty.write('\r');
    await pty.waitForScreen((s) => s.includes('me: hello from the pty: 你好'), 'the sent message');
    await pty.waitForScreen((s) => REPLIES.test(s), 'the reply', 20_000);

    // Resize to 80×24: everything is drawn again at the new size.
    pty.resize(80, 24);
    const small = await pty.waitForScreen((s) => {
      const rows = s.split('\n');
      // Redrawn: nothing beyond column 80, the status line on the last row ink draws (row 23).
      return rows.every((r) => r.length <= 80) && (rows[22] ?? '').startsWith(' ● online') && REPLIES.test(s);
    }, 'the screen redrawn at 80×24');
    expect(small.split('\n')).toHaveLength(24);
    expect(small).not.toMatch(STRAY_ESCAPES);

    // Help overlay, closed by any key.
    pty.write('\u001b');
    await pty.waitForScreen((s) => s.includes('Chats  (/ search)') && !s.includes('▏'), 'the list focused');
    pty.write('?');
    await pty.waitForScreen((s) => s.includes('webwx help'), 'the help overlay');
    expect(pty.screen().join('\n')).toContain('/image PATH');
    pty.write(' ');
    await pty.waitForScreen((s) => !s.includes('webwx help'), 'the help closed');

    // q quits (logging out) and leaves the terminal as it was.
    pty.write('q');
    expect(await pty.exit).toBe(0);
    expect(pty.screen().join('\n')).toContain('webwx demo: an emulated Web WeChat server');
  }, 60_000);

  it('leaves with Ctrl+C (exit 130) and gives the terminal back', async () => {
    const pty = runInPty(['--import', 'tsx', 'src/cli/run.ts', 'demo', '--scan-delay', '0.1'], {
      columns: 80,
      rows: 24,
    });
    run = pty;
    await pty.waitForScreen((s) => s.includes('Chats') && s.includes('● online'), 'the chat list at 80×24');
    pty.write('\u0003');
    expect(await pty.exit).toBe(130);
    const screen = pty.screen().join('\n');
    expect(screen).toContain('webwx demo: an emulated Web WeChat server');
    expect(screen).not.toContain('● online');
    // The cursor is visible again and the alternate screen was left.
    expect(pty.output().endsWith('\u001b[?25h\u001b[?1049l') || pty.output().includes('\u001b[?1049l')).toBe(
      true,
    );
  }, 30_000);
});

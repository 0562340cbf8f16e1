/**
 * `webwx chat [--server URL] [--plain]`: the terminal client. Full screen (ink) when stdin and stdout
 * are terminals, else — or with --plain — the line chat. `webwx demo` uses the same full-screen
 * session when it runs in a terminal.
 */
import { homedir } from 'node:os';
import { createElement } from 'react';
import { createClient, type WebApp, type WebWxClient } from '../client/index.js';
import type { Logger } from '../logger.js';
import type { MessageStore } from '../store/index.js';
import type { CliIo } from './cli-io.js';
import { openCliStore } from './cli-store.js';
import { reportLoginSteps } from './data-dir.js';
import { runClientSession } from './login-command.js';
import { chooseReplySource } from './reply-source-choice.js';
import { storeKeyFrom } from './store-key.js';
import { type AutoReplySource, awayMessageSource, botReplySource } from './tui/auto-reply.js';
import { sanitize } from './tui/message-render.js';

/** The flags of `webwx chat` as commander hands them over. */
export interface ChatCommandFlags {
  server?: string;
  uos: boolean;
  app?: WebApp;
  plain?: boolean;
  downloadDir?: string;
  rules?: string;
  webhook?: string;
}

export interface ChatCommandOptions {
  server?: string | undefined;
  uos: boolean;
  /** The web app to log in to (default 'web'); each app keeps its own store file. */
  app?: WebApp | undefined;
  plain: boolean;
  logger: Logger;
  signal: AbortSignal;
  /** Where saved media goes (default: the current directory). */
  downloadDir?: string | undefined;
  /** Auto-reply sources (as for `webwx bot`); without one, Ctrl+T turns on a built-in away message. */
  rules?: string | undefined;
  webhook?: string | undefined;
  /** Where the SQLite store lives (data-dir.ts): the session (resumed next time) and the message history. */
  dataDir?: string | undefined;
}

/** Full screen needs a terminal on both sides (keys in raw mode, a screen to draw on). */
export function canRunFullScreen(io: CliIo): boolean {
  return io.isTty && Boolean((io.stdin as { isTTY?: boolean }).isTTY);
}

// The alternate screen, the cursor hidden, and bracketed paste on: pasted text comes between marks,
// so its line breaks are not taken as Enter (src/cli/tui/key-presses.ts).
const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H\u001b[2J\u001b[?25l\u001b[?2004h';
const LEAVE_ALT_SCREEN = '\u001b[?2004l\u001b[?25h\u001b[?1049l';

export async function runChatCommand(options: ChatCommandOptions, io: CliIo): Promise<number> {
  const source =
    options.rules !== undefined || options.webhook !== undefined
      ? await chooseReplySource(
          {
            autoReply: true,
            ...(options.rules !== undefined ? { rules: options.rules } : {}),
            ...(options.webhook !== undefined ? { webhook: options.webhook } : {}),
          },
          undefined,
          io.env,
        )
      : undefined;
  // The same store as `webwx login` (docs/sessions.md): a session saved by either is resumed by both.
  const app = options.app ?? 'web';
  const store =
    options.dataDir === undefined ? undefined : openCliStore(options.dataDir, app, storeKeyFrom(io.env));
  const client = createClient({
    app,
    ...(options.server ? { server: options.server } : {}),
    uos: { enabled: options.uos },
    logger: options.logger,
    ...(store ? { store } : {}),
  });
  try {
    if (options.plain || !canRunFullScreen(io)) {
      const offSteps = reportLoginSteps(client, io);
      try {
        return await runClientSession(client, { signal: options.signal, keepAliveOnEof: false }, io);
      } finally {
        offSteps();
      }
    }
    return await runFullScreenSession(
      client,
      {
        signal: options.signal,
        downloadDir: options.downloadDir,
        messageStore: store,
        autoReply: source ? botReplySource(source, client) : awayMessageSource(),
      },
      io,
    );
  } finally {
    store?.close();
  }
}

/**
 * Logs the client in and runs the full-screen UI until q (logs out, exit 0), Ctrl+C or the signal
 * (exit 130), or a failed login (exit 1, the reason printed after the screen is restored).
 */
export async function runFullScreenSession(
  client: WebWxClient,
  options: {
    signal: AbortSignal;
    downloadDir?: string | undefined;
    messageStore?: MessageStore | undefined;
    /** Default: the built-in away message. */
    autoReply?: AutoReplySource;
  },
  io: CliIo,
): Promise<number> {
  const { render } = await import('ink');
  const { TuiApp } = await import('./tui/app.js');
  let settle: (how: { interrupt: boolean } | { error: unknown }) => void = () => {};
  const ended = new Promise<{ interrupt: boolean } | { error: unknown }>((resolve) => {
    settle = resolve;
  });
  const onAbort = () => settle({ interrupt: true });
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) settle({ interrupt: true });

  io.stdout.write(ENTER_ALT_SCREEN);
  const instance = render(
    createElement(TuiApp, {
      client,
      autoReply: options.autoReply ?? awayMessageSource(),
      home: homedir(),
      ...(options.downloadDir ? { downloadDir: options.downloadDir } : {}),
      ...(options.messageStore ? { messageStore: options.messageStore } : {}),
      onQuit: (how) => settle(how),
    }),
    {
      stdout: io.stdout as NodeJS.WriteStream,
      stdin: io.stdin as NodeJS.ReadStream,
      stderr: io.stderr as NodeJS.WriteStream,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  client.start().catch((error: unknown) => settle({ error }));
  let failure: string | undefined;
  try {
    const how = await ended;
    if ('error' in how) {
      if (options.signal.aborted) return 130;
      failure = how.error instanceof Error ? how.error.message : String(how.error);
      return 1;
    }
    if (!how.interrupt) await client.logout().catch(() => undefined);
    return how.interrupt ? 130 : 0;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    instance.unmount();
    instance.cleanup();
    io.stdout.write(LEAVE_ALT_SCREEN);
    if (failure !== undefined) io.stderr.write(`webwx: login failed: ${sanitize(failure)}\n`);
    await client.stop();
  }
}

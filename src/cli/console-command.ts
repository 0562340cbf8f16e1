/**
 * `webwx console [--app filehelper|web] [--config FILE] [--files-dir DIR] [--port N] [--auto-reply …]
 * [--server URL]`: the phone's File Transfer chat as a console for this machine (docs/console.md).
 * Logs in (to the File Transfer web by default; the session is kept in the data directory, so a
 * restart needs no scan), answers the account's own messages in that chat (commands, files), serves
 * the HTTP API on 127.0.0.1 with a random token, and writes `<data-dir>/console.json` for `webwx notify`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReplySource } from '../bot/auto-reply/index.js';
import { BotConfigError } from '../bot/bot-errors.js';
import { type ConsoleConfig, loadConsoleConfig } from '../bot/console/console-config.js';
import { type ConsoleActivity, FileConsole } from '../bot/console/file-console.js';
import { type ApiServer, startApiServer } from '../bot/http-api/index.js';
import { createClient, type WebApp } from '../client/index.js';
import type { Logger } from '../logger.js';
import { CliError, type CliIo } from './cli-io.js';
import { openCliStore } from './cli-store.js';
import {
  checkNoRunningConsole,
  consoleFilePath,
  removeConsoleFile,
  writeConsoleFile,
} from './console-file.js';
import { reportLoginSteps } from './data-dir.js';
import { chooseReplySource } from './reply-source-choice.js';
import type { ReplySourceFlags } from './reply-source-flags.js';
import { runServiceSession } from './service-session.js';
import { storeKeyFrom } from './store-key.js';

/** The resolved flags of `webwx console`. */
export interface ConsoleCommandOptions extends ReplySourceFlags {
  app: WebApp;
  server?: string;
  uos: boolean;
  config?: string;
  filesDir?: string;
  port: number;
  dataDir: string;
  logger: Logger;
  signal: AbortSignal;
}

async function loadConfig(path: string | undefined): Promise<ConsoleConfig | undefined> {
  if (path === undefined) return undefined;
  try {
    return await loadConsoleConfig(path);
  } catch (error) {
    if (error instanceof BotConfigError) throw new CliError(`--config: ${error.message}`);
    throw error;
  }
}

function activityLine(activity: ConsoleActivity): string {
  switch (activity.kind) {
    case 'command':
      return `ran /${activity.name}: ${activity.outcome}`;
    case 'file-saved':
      return `saved ${activity.path} (${activity.bytes} bytes)`;
    case 'auto-reply':
      return `auto-reply from ${activity.source}`;
  }
}

/** Runs the console until Ctrl-C (exit 130) or the end of the session (exit 3). */
export async function runConsoleCommand(options: ConsoleCommandOptions, io: CliIo): Promise<number> {
  const config = await loadConfig(options.config);
  const source: ReplySource | undefined = options.autoReply
    ? await chooseReplySource(options, undefined, io.env)
    : undefined;
  const { dataDir } = options;
  const filesDir = options.filesDir ?? join(dataDir, 'console-files');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await checkNoRunningConsole(dataDir);

  const store = openCliStore(dataDir, options.app, storeKeyFrom(io.env));
  const client = createClient({
    app: options.app,
    ...(options.server ? { server: options.server } : {}),
    uos: { enabled: options.uos },
    logger: options.logger,
    store,
  });
  const fileConsole = new FileConsole({
    client,
    ...(config ? { config } : {}),
    app: options.app,
    filesDir,
    ...(source ? { replySource: source } : {}),
    logger: options.logger,
    onActivity: (activity) => io.stdout.write(`${activityLine(activity)}\n`),
  });
  // 32 random bytes: the HTTP API's bearer token, only ever written to console.json (0600).
  const token = randomBytes(32).toString('base64url');
  let api: ApiServer | undefined;
  let wroteFile = false;
  const offSteps = reportLoginSteps(client, io);
  try {
    return await runServiceSession(
      {
        client,
        signal: options.signal,
        start: async () => {
          await fileConsole.start();
          api = await startApiServer({
            client,
            token,
            host: '127.0.0.1',
            port: options.port,
            actions: fileConsole.actions,
            history: store,
            logger: options.logger,
          });
          await writeConsoleFile(dataDir, {
            url: api.url,
            token,
            pid: process.pid,
            app: options.app,
            startedAt: Date.now(),
          });
          wroteFile = true;
          const where = options.app === 'filehelper' ? 'the File Transfer web' : 'the main web login';
          io.stdout.write(
            `Console running on ${where}: send /help in your phone's File Transfer chat. Press Ctrl-C to stop.\n`,
          );
          io.stdout.write(`  Files go to ${filesDir}\n`);
          io.stdout.write(
            `  webwx notify "text" reaches the phone (HTTP API on ${api.url}; token in ${consoleFilePath(dataDir)})\n`,
          );
        },
        stop: async () => {
          if (wroteFile) await removeConsoleFile(dataDir, token).catch(() => undefined);
          await api?.close();
          await fileConsole.stop();
        },
      },
      io,
    );
  } finally {
    offSteps();
    store.close();
  }
}

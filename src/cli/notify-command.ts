/**
 * `webwx notify [TEXT…] [--file PATH] [--image PATH]`: push a text and/or a file to the phone's File
 * Transfer chat through the running `webwx console` (its address and token from
 * `<data-dir>/console.json`). Without TEXT and without a file, the text is read from stdin (so
 * `df -h | webwx notify` works).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { isConsoleUnreachable, type Notification, sendNotification } from '../bot/console/notify-client.js';
import { WebWxError } from '../errors.js';
import { CliError, type CliIo } from './cli-io.js';
import { consoleFilePath, readConsoleFile } from './console-file.js';

/** The HTTP API's limits: 10,000 characters of text; media bodies of 32 MiB of JSON (base64). */
export const MAX_NOTIFY_TEXT = 10_000;
/** The largest file notify sends. */
export const MAX_NOTIFY_FILE_BYTES = 24 * 1024 * 1024;

/** The resolved arguments of `webwx notify`. */
export interface NotifyCommandOptions {
  text: string[];
  file?: string;
  image?: string;
  dataDir: string;
  signal: AbortSignal;
}

async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_NOTIFY_TEXT * 4) break;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function mediaNotification(path: string, kind: 'file' | 'image', flag: string): Promise<Notification> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(`${flag}: ${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (size > MAX_NOTIFY_FILE_BYTES) {
    throw new CliError(
      `${flag}: ${path} is ${size} bytes; the console takes at most ${MAX_NOTIFY_FILE_BYTES}`,
    );
  }
  return { kind, data: await readFile(path), fileName: basename(path) };
}

/** Sends the text and files in order; exit 0, or a CliError. */
export async function runNotifyCommand(options: NotifyCommandOptions, io: CliIo): Promise<number> {
  const notifications: Notification[] = [];
  let text = options.text.join(' ');
  if (text === '' && !options.file && !options.image) {
    if ((io.stdin as { isTTY?: boolean }).isTTY)
      throw new CliError('nothing to send: give a text, --file PATH or --image PATH (or pipe the text in)');
    text = (await readStdin(io)).replace(/\s+$/u, '');
    if (text === '') throw new CliError('nothing to send: stdin was empty');
  }
  if (text !== '') {
    if (text.length > MAX_NOTIFY_TEXT)
      text = `${text.slice(0, MAX_NOTIFY_TEXT - 40)}\n[cut: ${text.length} characters in all]`;
    notifications.push({ kind: 'text', text });
  }
  if (options.image) notifications.push(await mediaNotification(options.image, 'image', '--image'));
  if (options.file) notifications.push(await mediaNotification(options.file, 'file', '--file'));

  const address = await readConsoleFile(options.dataDir);
  if (!address) {
    throw new CliError(
      `no console is running: ${consoleFilePath(options.dataDir)} does not exist (start one with webwx console)`,
      1,
    );
  }
  for (const notification of notifications) {
    try {
      await sendNotification(address, notification, { signal: options.signal });
    } catch (error) {
      if (isConsoleUnreachable(error)) {
        throw new CliError(
          `no console is running: nothing answers at ${address.url} (a stale ${consoleFilePath(options.dataDir)}; start webwx console)`,
          1,
        );
      }
      if (error instanceof WebWxError) throw new CliError(error.message, 1);
      throw error;
    }
    io.stdout.write(
      notification.kind === 'text'
        ? 'Sent the text to File Transfer.\n'
        : `Sent ${notification.fileName} to File Transfer.\n`,
    );
  }
  return 0;
}

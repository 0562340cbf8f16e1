/**
 * The texts the console answers with. None starts with `/` (or is a bare command name), so even an
 * echo that got past every guard could not be taken for a command.
 */

import type { RunResult } from './command-runner.js';
import type { ConsoleCommand, ConsoleConfig } from './console-config.js';

/** What /status reports. */
export interface ConsoleStatus {
  app: string;
  /** The client's state ('ready', 'reconnecting', …) or 'unknown'. */
  state: string;
  uptimeMs: number;
  handled: number;
  commandsRun: number;
  running: number;
  filesSaved: number;
  pendingSends: number;
  sent: number;
  failedSends: number;
}

/** 3725000 → '1h 02m 05s'. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h ${pad(m)}m`;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  return m > 0 ? `${m}m ${pad(s)}s` : `${s}s`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** The /status reply. */
export function statusText(status: ConsoleStatus): string {
  const where = status.app === 'filehelper' ? 'the File Transfer web' : 'the main web login';
  return [
    `webwx console on ${where} (app ${status.app})`,
    `up ${formatDuration(status.uptimeMs)}; login state: ${status.state}`,
    `messages handled: ${status.handled}; commands run: ${status.commandsRun} (${status.running} running); files saved: ${status.filesSaved}`,
    `sends pending: ${status.pendingSends}; sent: ${status.sent}; failed: ${status.failedSends}`,
  ].join('\n');
}

function usage(command: ConsoleCommand): string {
  if (command.shell) return `/${command.name} <command line>`;
  return command.args ? `/${command.name} [args…]` : `/${command.name}`;
}

/** The /help reply: the built-ins, the configured commands, where files go. */
export function helpText(
  config: ConsoleConfig,
  extra: { filesDir: string; replySource: string | undefined },
): string {
  const lines = [
    config.bareCommands ? 'Commands (/name, or the bare name):' : 'Commands (start with /, e.g. /ping):',
    '  /help – this list',
    '  /status – uptime, login state, counts',
    '  /ping – answers pong',
  ];
  for (const command of config.commands.values()) lines.push(`  ${usage(command)} – ${command.description}`);
  lines.push(`Files and photos you send are saved to ${extra.filesDir}`);
  lines.push(
    extra.replySource
      ? `Other texts are answered by ${extra.replySource}.`
      : 'Other texts are left alone (notes stay notes).',
  );
  return lines.join('\n');
}

/** How the words of a command line are shown back: quoted when they hold space or quotes. */
function shown(words: readonly string[]): string {
  return words.map((w) => (w === '' || /[\s"'“”‘’]/u.test(w) ? JSON.stringify(w) : w)).join(' ');
}

/** The reply to a configured command: what ran, how it ended, its output (cut, and said so). */
export function runReplyText(
  name: string,
  words: readonly string[],
  result: RunResult,
  timeoutMs: number,
): string {
  const head = `$ ${shown([name, ...words])}`;
  let outcome: string;
  if (result.startError !== undefined) outcome = `could not start: ${result.startError}`;
  else if (result.timedOut) outcome = `timed out after ${seconds(timeoutMs)}; its process group was killed`;
  else if (result.aborted) outcome = 'stopped: the console is shutting down';
  else if (result.signal) outcome = `killed by ${result.signal} (${seconds(result.durationMs)})`;
  else outcome = `exit ${result.exitCode} (${seconds(result.durationMs)})`;
  const lines = [`${head} → ${outcome}`];
  const output = result.output.replace(/\s+$/u, '');
  if (output !== '') lines.push(output);
  else if (result.startError === undefined) lines.push('(no output)');
  if (result.truncated) {
    lines.push(
      `[output truncated: the first ${Buffer.byteLength(result.output)} of ${result.outputBytes} bytes shown]`,
    );
  }
  return lines.join('\n');
}

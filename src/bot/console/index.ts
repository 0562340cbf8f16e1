/**
 * The File Transfer console (docs/console.md): the phone's File Transfer chat as a console for a
 * machine — commands from a config file run without a shell, files saved, notifications pushed.
 */
export { type RunRequest, type RunResult, runCommand } from './command-runner.js';
export {
  BUILT_IN_COMMANDS,
  type ConsoleCommand,
  type ConsoleConfig,
  emptyConsoleConfig,
  loadConsoleConfig,
  parseConsoleConfig,
} from './console-config.js';
export type { ConsoleStatus } from './console-replies.js';
export { type ConsoleLine, parseConsoleLine, splitArguments } from './console-syntax.js';
export { EchoGuard, type EchoGuardOptions } from './echo-guard.js';
export {
  type ConsoleActivity,
  type ConsoleClient,
  FILE_TRANSFER_CHAT,
  FileConsole,
  type FileConsoleOptions,
} from './file-console.js';
export {
  type ConsoleAddress,
  isConsoleUnreachable,
  type Notification,
  type NotifyOptions,
  type NotifyResult,
  sendNotification,
} from './notify-client.js';

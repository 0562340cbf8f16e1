/**
 * The console's config file (docs/console.md): the commands it may run, each a program with a fixed
 * argv, optionally taking the message's words as extra argv entries; a free-form shell only when the
 * file says so twice (`"allowShell": true` at the top and `"shell": true` on the command). Validated
 * field by field: a BotConfigError names the field (`commands.df.run[0]: expected a non-empty string`).
 * Unknown fields are errors, so a typo never silently widens or narrows what runs.
 */

import { BotConfigError } from '../bot-errors.js';
import { loadJsonConfig } from '../config-file.js';
import { CONSOLE_COMMAND_NAME } from './console-syntax.js';

/** The commands every console knows; a config may not redefine them. */
export const BUILT_IN_COMMANDS = ['help', 'status', 'ping'] as const;

/** One configured command, validated, with its defaults filled in. */
export interface ConsoleCommand {
  name: string;
  description: string;
  /** The program and its fixed arguments ([] for a shell command). */
  run: string[];
  /** Whether the message's words are appended as argv entries. */
  args: boolean;
  /** Most words taken from the message (with `args`). */
  maxArgs: number;
  /** The message's argument text runs in `sh -c` (only with `allowShell` at the top). */
  shell: boolean;
  timeoutMs: number;
  maxOutputBytes: number;
  cwd: string | undefined;
}

/** A validated console config. */
export interface ConsoleConfig {
  /** By lower-cased name. */
  commands: Map<string, ConsoleCommand>;
  allowShell: boolean;
  /** A bare first word (`ping`) works as well as `/ping`. */
  bareCommands: boolean;
  /** Configured commands running at once; more are refused with a "busy" reply. */
  maxRunning: number;
}

/** What a config leaves out. */
export const CONSOLE_DEFAULTS = {
  timeoutSeconds: 60,
  maxOutputBytes: 4000,
  maxRunning: 2,
  maxArgs: 16,
} as const;

/** A console without a config file: the built-ins only. */
export function emptyConsoleConfig(): ConsoleConfig {
  return {
    commands: new Map(),
    allowShell: false,
    bareCommands: false,
    maxRunning: CONSOLE_DEFAULTS.maxRunning,
  };
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyFields(value: Json, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new BotConfigError(
        where ? `${where}.${key}` : key,
        `unknown field (expected ${allowed.join(', ')})`,
      );
    }
  }
}

function bool(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new BotConfigError(field, 'expected true or false');
  return value;
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new BotConfigError(field, 'expected a non-empty string');
  if (value.includes('\0')) throw new BotConfigError(field, 'must not contain a NUL character');
  return value;
}

function number(
  value: unknown,
  field: string,
  min: number,
  max: number,
  integer: boolean,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
    throw new BotConfigError(field, integer ? 'expected a whole number' : 'expected a number');
  if (value < min || value > max) throw new BotConfigError(field, `expected a number from ${min} to ${max}`);
  return value;
}

const TOP_FIELDS = [
  'commands',
  'allowShell',
  'bareCommands',
  'maxRunning',
  'timeoutSeconds',
  'maxOutputBytes',
];
const COMMAND_FIELDS = [
  'description',
  'run',
  'args',
  'maxArgs',
  'shell',
  'timeoutSeconds',
  'maxOutputBytes',
  'cwd',
];

interface Defaults {
  timeoutSeconds: number;
  maxOutputBytes: number;
}

function parseCommand(
  name: string,
  value: unknown,
  top: { allowShell: boolean },
  defaults: Defaults,
): ConsoleCommand {
  const where = `commands.${name}`;
  if (!CONSOLE_COMMAND_NAME.test(name))
    throw new BotConfigError(where, 'a command name is lower-case letters, digits, "_" and "-" (at most 32)');
  if ((BUILT_IN_COMMANDS as readonly string[]).includes(name))
    throw new BotConfigError(where, `"${name}" is a built-in command`);
  if (!isRecord(value)) throw new BotConfigError(where, 'expected an object');
  onlyFields(value, COMMAND_FIELDS, where);
  const shell = bool(value.shell, `${where}.shell`, false);
  if (shell && !top.allowShell)
    throw new BotConfigError(
      `${where}.shell`,
      'a shell command needs "allowShell": true at the top of the file',
    );
  let run: string[] = [];
  if (shell) {
    if (value.run !== undefined)
      throw new BotConfigError(
        `${where}.run`,
        'a shell command runs the message text in sh -c; it has no "run"',
      );
    if (value.args !== undefined || value.maxArgs !== undefined)
      throw new BotConfigError(
        `${where}.args`,
        'a shell command takes the whole message text; it has no "args"',
      );
  } else {
    if (!Array.isArray(value.run) || value.run.length === 0)
      throw new BotConfigError(`${where}.run`, 'expected the program and its arguments, e.g. ["df", "-h"]');
    run = value.run.map((part, i) => text(part, `${where}.run[${i}]`) ?? '');
  }
  const args = bool(value.args, `${where}.args`, false);
  const maxArgs = number(value.maxArgs, `${where}.maxArgs`, 1, 256, true);
  if (maxArgs !== undefined && !args) throw new BotConfigError(`${where}.maxArgs`, 'only with "args": true');
  return {
    name,
    description:
      text(value.description, `${where}.description`) ?? (shell ? 'a shell command line' : run.join(' ')),
    run,
    args,
    maxArgs: maxArgs ?? CONSOLE_DEFAULTS.maxArgs,
    shell,
    timeoutMs:
      (number(value.timeoutSeconds, `${where}.timeoutSeconds`, 0.1, 86_400, false) ??
        defaults.timeoutSeconds) * 1000,
    maxOutputBytes:
      number(value.maxOutputBytes, `${where}.maxOutputBytes`, 16, 1_000_000, true) ?? defaults.maxOutputBytes,
    cwd: text(value.cwd, `${where}.cwd`),
  };
}

/** Validates a parsed console config. */
export function parseConsoleConfig(value: unknown): ConsoleConfig {
  if (!isRecord(value)) throw new BotConfigError('', 'a console config is a JSON object');
  onlyFields(value, TOP_FIELDS, '');
  const allowShell = bool(value.allowShell, 'allowShell', false);
  const defaults: Defaults = {
    timeoutSeconds:
      number(value.timeoutSeconds, 'timeoutSeconds', 0.1, 86_400, false) ?? CONSOLE_DEFAULTS.timeoutSeconds,
    maxOutputBytes:
      number(value.maxOutputBytes, 'maxOutputBytes', 16, 1_000_000, true) ?? CONSOLE_DEFAULTS.maxOutputBytes,
  };
  const commands = new Map<string, ConsoleCommand>();
  const listed = value.commands ?? {};
  if (!isRecord(listed)) throw new BotConfigError('commands', 'expected an object of name → command');
  for (const [name, command] of Object.entries(listed)) {
    commands.set(name, parseCommand(name, command, { allowShell }, defaults));
  }
  return {
    commands,
    allowShell,
    bareCommands: bool(value.bareCommands, 'bareCommands', false),
    maxRunning: number(value.maxRunning, 'maxRunning', 1, 64, true) ?? CONSOLE_DEFAULTS.maxRunning,
  };
}

/** Reads and validates a console config file; errors name the file and the field. */
export function loadConsoleConfig(path: string): Promise<ConsoleConfig> {
  return loadJsonConfig(path, 'console config', parseConsoleConfig);
}

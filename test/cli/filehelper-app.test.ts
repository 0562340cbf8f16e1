/** `--app <web|filehelper>` (arguments.ts) and the per-app store file (data-dir.ts). */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { appOption, parseApp } from '../../src/cli/arguments.js';
import { CliError } from '../../src/cli/cli-io.js';
import { STORE_FILE, storeFileOf } from '../../src/cli/data-dir.js';
import { runCli } from './cli-harness.js';

describe('--app', () => {
  it('takes web or filehelper, any case; anything else is a CliError naming the choices', () => {
    expect(parseApp('web')).toBe('web');
    expect(parseApp('filehelper')).toBe('filehelper');
    expect(parseApp(' FileHelper ')).toBe('filehelper');
    for (const bad of ['', 'desktop', 'file-helper', 'uos']) {
      expect(() => parseApp(bad)).toThrow(CliError);
      expect(() => parseApp(bad)).toThrow('--app: expected one of web, filehelper');
    }
  });

  it('is an option with a default that commands (and the console bot) can choose', () => {
    const parse = (option: ReturnType<typeof appOption>, args: string[]) =>
      new Command()
        .exitOverride()
        .addOption(option)
        .parse(['node', 'x', ...args])
        .opts<{ app: string }>().app;
    expect(parse(appOption(), [])).toBe('web');
    expect(parse(appOption('filehelper'), [])).toBe('filehelper');
    expect(parse(appOption(), ['--app', 'filehelper'])).toBe('filehelper');
    expect(() => parse(appOption(), ['--app', 'wechat'])).toThrow('expected one of web, filehelper');
  });

  it.each(['login', 'chat', 'bot', 'serve'])(
    'webwx %s refuses another app with a clear error',
    async (command) => {
      const run = runCli([command, '--app', 'desktop']);
      expect(await run.exit).not.toBe(0);
      expect(run.stderr()).toContain('--app: expected one of web, filehelper, got "desktop"');
    },
  );
});

describe('the store file of each app', () => {
  it('keeps the File Transfer session beside the main web one', () => {
    expect(storeFileOf('web')).toBe(STORE_FILE);
    expect(STORE_FILE).toBe('webwx.db');
    expect(storeFileOf('filehelper')).toBe('webwx-filehelper.db');
  });
});

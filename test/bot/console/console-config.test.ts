import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotConfigError } from '../../../src/bot/bot-errors.js';
import { loadConsoleConfig, parseConsoleConfig } from '../../../src/bot/console/console-config.js';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BotConfigError);
    return (error as BotConfigError).field;
  }
  throw new Error('expected a BotConfigError');
}

describe('parseConsoleConfig', () => {
  it('reads commands with their defaults', () => {
    const config = parseConsoleConfig({
      timeoutSeconds: 5,
      commands: {
        uptime: { run: ['uptime'] },
        df: { run: ['df', '-h'], args: true, maxArgs: 2, maxOutputBytes: 100, description: 'disk' },
      },
    });
    expect(config.allowShell).toBe(false);
    expect(config.bareCommands).toBe(false);
    expect(config.maxRunning).toBe(2);
    expect(config.commands.get('uptime')).toMatchObject({
      run: ['uptime'],
      args: false,
      shell: false,
      timeoutMs: 5000,
      maxOutputBytes: 4000,
      description: 'uptime',
    });
    expect(config.commands.get('df')).toMatchObject({ args: true, maxArgs: 2, maxOutputBytes: 100 });
  });

  it('allows a shell command only when the top says allowShell', () => {
    expect(fieldOf(() => parseConsoleConfig({ commands: { sh: { shell: true } } }))).toBe(
      'commands.sh.shell',
    );
    const config = parseConsoleConfig({ allowShell: true, commands: { sh: { shell: true } } });
    expect(config.commands.get('sh')).toMatchObject({ shell: true, run: [] });
    expect(
      fieldOf(() =>
        parseConsoleConfig({ allowShell: true, commands: { sh: { shell: true, run: ['bash'] } } }),
      ),
    ).toBe('commands.sh.run');
  });

  it('names the bad field', () => {
    const cases: [unknown, string][] = [
      [{ command: {} }, 'command'],
      [{ commands: [] }, 'commands'],
      [{ commands: { df: { run: [] } } }, 'commands.df.run'],
      [{ commands: { df: { run: 'df -h' } } }, 'commands.df.run'],
      [{ commands: { df: { run: ['df', ''] } } }, 'commands.df.run[1]'],
      [{ commands: { df: { run: ['df'], args: 'yes' } } }, 'commands.df.args'],
      [{ commands: { df: { run: ['df'], maxArgs: 3 } } }, 'commands.df.maxArgs'],
      [{ commands: { df: { run: ['df'], timeoutSeconds: 0 } } }, 'commands.df.timeoutSeconds'],
      [{ commands: { df: { run: ['df'], maxOutputBytes: 1.5 } } }, 'commands.df.maxOutputBytes'],
      [{ commands: { df: { run: ['df'], shel: true } } }, 'commands.df.shel'],
      [{ commands: { 'Bad Name': { run: ['x'] } } }, 'commands.Bad Name'],
      [{ commands: { ping: { run: ['x'] } } }, 'commands.ping'],
      [{ maxRunning: 0 }, 'maxRunning'],
      [{ allowShell: 'true' }, 'allowShell'],
    ];
    for (const [value, field] of cases)
      expect(
        fieldOf(() => parseConsoleConfig(value)),
        JSON.stringify(value),
      ).toBe(field);
    expect(fieldOf(() => parseConsoleConfig([]))).toBe('');
  });
});

describe('loadConsoleConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webwx-console-config-'));

  it('names the file and the field', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ commands: { df: { run: ['df'], args: 1 } } }));
    await expect(loadConsoleConfig(path)).rejects.toThrow(
      `${path}: commands.df.args: expected true or false`,
    );
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    await expect(loadConsoleConfig(broken)).rejects.toThrow('is not valid JSON');
    await expect(loadConsoleConfig(join(dir, 'missing.json'))).rejects.toThrow('ENOENT');
  });

  it('loads a good file', async () => {
    const path = join(dir, 'good.json');
    writeFileSync(path, JSON.stringify({ bareCommands: true, commands: { up: { run: ['uptime'] } } }));
    const config = await loadConsoleConfig(path);
    expect(config.bareCommands).toBe(true);
    expect([...config.commands.keys()]).toEqual(['up']);
  });
});

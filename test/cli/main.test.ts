import { describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

describe('webwx command line', () => {
  it('prints help listing every command', async () => {
    const run = runCli(['--help']);
    expect(await run.exit).toBe(0);
    for (const command of ['demo', 'login', 'emulator', 'bench']) expect(run.stdout()).toContain(command);
  });

  it('prints the version', async () => {
    const run = runCli(['--version']);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects bad arguments with a clear message and exit code 2', async () => {
    const port = runCli(['emulator', '--port', '99999']);
    expect(await port.exit).toBe(2);
    expect(port.stderr()).toContain('--port: expected a number from 0 to 65535');

    const server = runCli(['login', '--server', 'ftp://example']);
    expect(await server.exit).toBe(2);
    expect(server.stderr()).toContain('--server');

    const unknown = runCli(['fly']);
    expect(await unknown.exit).toBe(2);
    expect(unknown.stderr()).toMatch(/unknown command/i);

    const level = runCli(['--log-level', 'loud', 'bench']);
    expect(await level.exit).toBe(2);
    expect(level.stderr()).toContain('--log-level');
  });

  it('refuses a world file that does not exist', async () => {
    const run = runCli(['emulator', '--world', '/nonexistent/world.json']);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('does not exist');
  });

  it('says how to run the benchmarks', async () => {
    const run = runCli(['bench']);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain('npm run bench');
  });
});

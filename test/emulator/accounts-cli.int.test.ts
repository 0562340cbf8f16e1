/** `webwx emulator --world FILE` with a world of two accounts: both served, the phone API per account. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { multiAccountWorld } from '../../src/emulator/index.js';
import { runCli } from '../cli/cli-harness.js';

describe('webwx emulator --world with several accounts', () => {
  it('lists the accounts and serves each one’s world', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'webwx-cli-world-')), 'world.json');
    writeFileSync(path, JSON.stringify(multiAccountWorld({ accounts: 2, friendsEach: 1 })));
    const run = runCli(['emulator', '--world', path]);
    await run.waitForOutput('Press Ctrl-C');
    const out = run.stdout();
    expect(out).toContain('accounts: wxid_account001 (Account 1), wxid_account002 (Account 2)');
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    const world = (await (await fetch(`${base}/__phone/world?account=wxid_account002`)).json()) as {
      self: { id: string };
      rooms: { id: string }[];
    };
    expect(world.self.id).toBe('wxid_account002');
    expect(world.rooms.map((r) => r.id)).toEqual(['9000000001@chatroom']);
    run.abort();
    expect(await run.exit).toBe(0);
  });

  it('a bad world file of several accounts is a usage error naming the field', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'webwx-cli-world-')), 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({ accounts: [{ self: { id: 'wxid_a', nickName: '' }, contacts: [] }] }),
    );
    const run = runCli(['emulator', '--world', path]);
    expect(await run.exit).not.toBe(0);
    expect(run.stderr()).toContain('accounts[0].self.nickName: must not be empty');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import type { ClientActions } from '../../src/cli/client-actions.js';
import { type LineChatEnd, runLineChat } from '../../src/cli/line-chat.js';
import { createClient, type WebWxClient } from '../../src/client/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { startAutoConfirmingEmulator } from '../bot/logged-in.js';

interface Session {
  client: WebWxClient;
  stdin: PassThrough;
  output(): string;
  waitFor(pattern: string | RegExp): Promise<void>;
  end: Promise<LineChatEnd>;
}

describe('line mode: the seed’s commands against the emulator', () => {
  let emulator: Emulator;
  let client: WebWxClient | undefined;

  beforeEach(async () => {
    emulator = await startAutoConfirmingEmulator();
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await emulator.close();
  });

  async function start(extra: { actions?: ClientActions } = {}): Promise<Session> {
    const c = createClient({ server: emulator.baseUrl });
    client = c;
    await c.start();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let text = '';
    const waiters = new Set<() => void>();
    stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      for (const w of waiters) w();
    });
    const io: CliIo = { stdin, stdout, stderr: new PassThrough(), env: {}, isTty: false };
    const end = runLineChat({ client: c, io, broadcastIntervalMs: 1, fileLineIntervalMs: 0, ...extra });
    return {
      client: c,
      stdin,
      output: () => text,
      end,
      waitFor(pattern) {
        const ok = () => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`timed out waiting for ${pattern}; output:\n${text}`)),
            10_000,
          );
          const check = () => {
            if (!ok()) return;
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          };
          waiters.add(check);
          check();
        });
      },
    };
  }

  it('m->NAME:FILE sends each line of the file, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webwx-line-'));
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'first: 1\n\nsecond 👋\nthird\n');
    const s = await start();
    s.stdin.write(`m->老张:${file}\n`);
    await s.waitFor('sent 3 lines to 老张');
    const texts = emulator.phone
      .sent()
      .filter((r) => r.to === 'wxid_zhangwei01')
      .map((r) => r.content);
    expect(texts).toEqual(['first: 1', 'second 👋', 'third']);
    s.stdin.write('m->老张:/nonexistent/file.txt\n');
    await s.waitFor('m->: no such file: /nonexistent/file.txt');
    s.stdin.write('quit\n');
    expect(await s.end).toBe('quit');
  });

  it('->all asks first: no sends on "n", every friend once on "y"', async () => {
    const s = await start();
    const friends = s.client.contacts.list().filter((c) => c.kind === 'friend').length;
    expect(friends).toBeGreaterThan(5);
    s.stdin.write('->all:Happy new year: 2027!\n');
    await s.waitFor(`Send this to all ${friends} friends`);
    s.stdin.write('n\n');
    await s.waitFor('->all: cancelled');
    expect(emulator.phone.sent()).toHaveLength(0);

    s.stdin.write('->all:Happy new year: 2027!\n');
    await s.waitFor(/Send this to all \d+ friends[^\n]*\n[\s\S]*Send this to all/);
    s.stdin.write('yes\n');
    await s.waitFor(`->all: sent to ${friends} of ${friends} friends`);
    const sent = emulator.phone.sent();
    expect(sent).toHaveLength(friends);
    expect(new Set(sent.map((r) => r.to)).size).toBe(friends);
    expect(sent.every((r) => r.content === 'Happy new year: 2027!')).toBe(true);
    s.stdin.write('quit\n');
    await s.end;
  });

  it('i->, f-> and e-> send media through the client, and say so when it cannot', async () => {
    const calls: string[] = [];
    const actions = {
      sendMedia: async (kind: string, to: string, path: string) => {
        calls.push(`${kind} ${to} ${path}`);
        if (kind === 'emoticon')
          throw new Error('not available yet: sending stickers (this client does not offer it)');
        return { msgId: '1', localId: '2' };
      },
    } as unknown as ClientActions;
    const s = await start({ actions });
    const alice = s.client.contacts.find('Alice Smith')[0]!;
    s.stdin.write('i->Alice Smith:/tmp/cat.jpg\n');
    await s.waitFor('image sent to Alice Smith');
    s.stdin.write('f->项目组-工作群:/tmp/q3 report.pdf\n');
    await s.waitFor('file sent to [group] 项目组-工作群');
    s.stdin.write('e->Alice Smith:dance.gif\n');
    await s.waitFor('error: not available yet: sending stickers');
    s.stdin.write('i->Nobody Here:/tmp/x.jpg\n');
    await s.waitFor('no contact or group named "Nobody Here"');
    expect(calls[0]).toBe(`image ${alice.userName} /tmp/cat.jpg`);
    expect(calls[1]).toMatch(/^file @@\w+ \/tmp\/q3 report\.pdf$/);
    expect(calls).toHaveLength(3);
    s.stdin.write('quit\n');
    await s.end;
  });
});

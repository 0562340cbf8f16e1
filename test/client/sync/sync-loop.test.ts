/** The sync loop over a scripted server: selectors, ContinueFlag, dedupe, session end, failures, hosts. */
import { describe, expect, it } from 'vitest';
import { MutableContactDirectory } from '../../../src/client/contacts/contact-directory.js';
import type { ClientOptions } from '../../../src/client/options.js';
import { MessageIntake } from '../../../src/client/sync/message-intake.js';
import { SyncLoop } from '../../../src/client/sync/sync-loop.js';
import { LoggedOutError, type ParseError, type ProtocolError, TransportError } from '../../../src/errors.js';
import type { HttpReply, HttpRequestSpec } from '../../../src/protocol/http-request.js';
import { type FakeRuntime, fakeRuntime, reply, testSession } from '../fake-runtime.js';

const SELF = '@self';
const PEER = '@peer';

const check = (retcode: number, selector: number): HttpReply =>
  reply(`window.synccheck={retcode:"${retcode}",selector:"${selector}"}`);

function message(id: string, text: string) {
  return {
    MsgId: id,
    FromUserName: PEER,
    ToUserName: SELF,
    MsgType: 1,
    Content: text,
    CreateTime: 1700000000,
  };
}

function sync(o: {
  key: number;
  messages?: object[];
  continueFlag?: number;
  ret?: number;
  mod?: object[];
  del?: object[];
}): HttpReply {
  return reply(
    JSON.stringify({
      BaseResponse: { Ret: o.ret ?? 0, ErrMsg: '' },
      AddMsgCount: o.messages?.length ?? 0,
      AddMsgList: o.messages ?? [],
      ModContactCount: o.mod?.length ?? 0,
      ModContactList: o.mod ?? [],
      DelContactCount: o.del?.length ?? 0,
      DelContactList: o.del ?? [],
      ContinueFlag: o.continueFlag ?? 0,
      SyncKey: { Count: 1, List: [{ Key: 1, Val: o.key }] },
      SyncCheckKey: { Count: 1, List: [{ Key: 1, Val: o.key }] },
      SKey: '',
    }),
  );
}

interface Script {
  synccheck: (HttpReply | Error)[];
  webwxsync?: (HttpReply | Error)[];
  webwxbatchgetcontact?: (HttpReply | Error)[];
}

/** Runs a loop over the script; the loop is stopped when a script runs out. */
async function run(script: Script, options: ClientOptions = {}) {
  const ended: LoggedOutError[] = [];
  const fake: FakeRuntime = fakeRuntime((spec: HttpRequestSpec, f) => {
    const queue = script[spec.endpoint as keyof Script];
    const next = queue?.shift();
    if (next === undefined) {
      f.controller.abort(new DOMException('script done', 'AbortError'));
      throw f.controller.signal.reason;
    }
    if (next instanceof Error) throw next;
    return next;
  }, options);
  const session = testSession({ self: SELF });
  session.updateKeys({ Count: 1, List: [{ Key: 1, Val: 1 }] }, undefined);
  const directory = new MutableContactDirectory();
  directory.setSelf(SELF);
  directory.upsert([{ UserName: PEER, NickName: 'Peer', ContactFlag: 1 } as never]);
  const loop = new SyncLoop({
    rt: fake.rt,
    session,
    directory,
    intake: new MessageIntake(fake.rt, session, directory),
    endSession: (e) => {
      ended.push(e);
      fake.controller.abort(e);
    },
  });
  await loop.run();
  const endpoints = fake.requests.map((r) => r.endpoint);
  return {
    fake,
    ended,
    endpoints,
    session,
    directory,
    messages: fake.events.message ?? [],
    errors: fake.events.error ?? [],
  };
}

describe('SyncLoop', () => {
  it('one malformed entry (null message, a MemberList that is not an array, a DelContactList entry without UserName) skips itself: ParseError events, the rest is processed, the key moves on', async () => {
    const { messages, errors, session, directory, endpoints } = await run({
      synccheck: [check(0, 2)],
      webwxsync: [
        sync({
          key: 9,
          messages: [null as never, message('1', 'kept'), { MsgId: '2' }],
          mod: [
            { UserName: '@@room', MemberList: { not: 'an array' } },
            { UserName: '@new', NickName: 'New' },
          ],
          del: [{ ContactFlag: 0 }, { UserName: PEER }],
        }),
      ],
      // The deleted peer's message makes the intake look it up; that lookup failing changes nothing.
      webwxbatchgetcontact: [new TransportError('reset', { url: 'http://emu.test/x' })],
    });
    expect(endpoints).toEqual(['synccheck', 'webwxsync', 'webwxbatchgetcontact', 'synccheck']);
    expect(messages.map((m) => m.text)).toEqual(['kept']);
    expect(errors).toHaveLength(4);
    for (const e of errors) expect(e.code).toBe('parse');
    expect(errors.map((e) => e.message).join('\n')).toMatch(
      /AddMsgList\[0\][\s\S]*AddMsgList\[2\][\s\S]*ModContactList\[0\][\s\S]*DelContactList\[0\]/,
    );
    expect(session.syncKey).toEqual({ Count: 1, List: [{ Key: 1, Val: 9 }] });
    expect(directory.has('@new')).toBe(true);
    expect(directory.has(PEER)).toBe(false);
    expect(directory.room('@@room')).toBeUndefined();
  });

  it('every selector ≠ 0 leads to a webwxsync; selector 0 does not', async () => {
    const { endpoints, messages } = await run({
      synccheck: [check(0, 2), check(0, 0), check(0, 4), check(0, 3), check(0, 5)],
      webwxsync: [
        sync({ key: 2, messages: [message('1', 'a')] }),
        sync({ key: 3 }),
        sync({ key: 4 }),
        sync({ key: 5 }),
      ],
    });
    expect(endpoints).toEqual([
      'synccheck',
      'webwxsync',
      'synccheck',
      'synccheck',
      'webwxsync',
      'synccheck',
      'webwxsync',
      'synccheck',
      'webwxsync',
      'synccheck',
    ]);
    expect(messages.map((m) => m.text)).toEqual(['a']);
  });

  it('selector 6/7 with an empty sync and an unmoved key backs off instead of spinning', async () => {
    const { endpoints, fake } = await run({
      synccheck: [check(0, 7), check(0, 6), check(0, 7), check(0, 7)],
      webwxsync: [sync({ key: 1 }), sync({ key: 1 }), sync({ key: 1 }), sync({ key: 2 })],
    });
    expect(endpoints.filter((e) => e === 'webwxsync')).toHaveLength(4);
    // Each fruitless round waits longer; the round that moved the key does not wait.
    expect(fake.sleeps.filter((ms) => ms >= 1000)).toEqual([1000, 2000, 4000]);
  });

  it('ContinueFlag ≠ 0 syncs again at once, and uses the newest keys', async () => {
    const { endpoints, messages, fake, session } = await run({
      synccheck: [check(0, 2)],
      webwxsync: [
        sync({ key: 7, continueFlag: 1, messages: [message('1', 'first')] }),
        sync({ key: 8, messages: [message('2', 'second')] }),
      ],
    });
    expect(endpoints).toEqual(['synccheck', 'webwxsync', 'webwxsync', 'synccheck']);
    expect(messages.map((m) => m.text)).toEqual(['first', 'second']);
    const bodies = fake.requests
      .filter((r) => r.endpoint === 'webwxsync')
      .map((r) => (r.body as { value: { SyncKey: unknown } }).value.SyncKey);
    expect(bodies).toEqual([
      { Count: 1, List: [{ Key: 1, Val: 1 }] },
      { Count: 1, List: [{ Key: 1, Val: 7 }] },
    ]);
    expect(fake.requests.at(-1)?.url).toContain('synckey=1_8');
    expect(session.syncKey.List).toEqual([{ Key: 1, Val: 8 }]);
  });

  it('never emits a MsgId twice, within a reply or across replies', async () => {
    const { messages } = await run({
      synccheck: [check(0, 2), check(0, 2)],
      webwxsync: [
        sync({ key: 2, messages: [message('1', 'a'), message('1', 'a'), message('2', 'b')] }),
        sync({ key: 3, messages: [message('2', 'b'), message('3', 'c')] }),
      ],
    });
    expect(messages.map((m) => m.id)).toEqual(['1', '2', '3']);
  });

  it('skips status-notify (MsgType 51) bookkeeping', async () => {
    const { messages } = await run({
      synccheck: [check(0, 2)],
      webwxsync: [sync({ key: 2, messages: [{ ...message('9', ''), MsgType: 51 }, message('10', 'real')] })],
    });
    expect(messages.map((m) => m.id)).toEqual(['10']);
  });

  it.each([
    [1100, 'logged-out-on-phone'],
    [1101, 'logged-in-elsewhere'],
    [1102, 'session-expired'],
  ] as const)('synccheck retcode %i ends the session (%s)', async (retcode, reason) => {
    const { ended, endpoints } = await run({ synccheck: [check(retcode, 0), check(0, 0)] });
    expect(ended).toHaveLength(1);
    expect(ended[0]).toBeInstanceOf(LoggedOutError);
    expect(ended[0]).toMatchObject({ reason, ret: retcode });
    expect(endpoints).toEqual(['synccheck']);
  });

  it('webwxsync Ret 1101 ends the session', async () => {
    const { ended } = await run({
      synccheck: [check(0, 2), check(0, 0)],
      webwxsync: [sync({ key: 1, ret: 1101 })],
    });
    expect(ended.map((e) => e.reason)).toEqual(['logged-in-elsewhere']);
  });

  it('other retcodes, webwxsync Rets and parse errors are reported and retried after a back-off', async () => {
    const { ended, errors, fake, messages } = await run({
      synccheck: [check(1205, 0), reply('garbage'), check(0, 2), check(0, 2), check(0, 2)],
      webwxsync: [
        sync({ key: 1, ret: -1 }),
        reply('{"BaseResponse":'),
        sync({ key: 2, messages: [message('5', 'ok')] }),
      ],
    });
    expect(ended).toEqual([]);
    expect(errors.map((e) => [e.constructor.name, (e as ParseError | ProtocolError).endpoint])).toEqual([
      ['ProtocolError', 'synccheck'],
      ['ParseError', 'synccheck'],
      ['ProtocolError', 'webwxsync'],
      ['ParseError', 'webwxsync'],
    ]);
    expect(fake.sleeps.filter((ms) => ms >= 250 && ms < 1000)).toHaveLength(4);
    expect(messages.map((m) => m.text)).toEqual(['ok']);
  });

  it('moves to the next push host after consecutive transport failures, and back to the primary after a success', async () => {
    const down = () => new TransportError('synccheck: connection refused', { url: 'x' });
    const { fake, errors } = await run(
      { synccheck: [down(), down(), down(), check(0, 0), check(0, 0)] },
      { syncCheckFallbackHosts: ['https://push-a.test', 'https://push-b.test'] },
    );
    const hosts = fake.requests.map((r) => new URL(r.url).origin);
    expect(hosts).toEqual([
      'http://emu.test',
      'http://emu.test',
      'https://push-a.test',
      'https://push-a.test',
      'http://emu.test',
      // (the request that found the script done)
      'http://emu.test',
    ]);
    expect(errors.every((e) => e instanceof TransportError)).toBe(true);
    expect(errors).toHaveLength(3);
  });

  it('a logout retcode from a fallback push host counts as that host failing, not as the session ending', async () => {
    const down = () => new TransportError('synccheck: connection refused', { url: 'x' });
    const { ended, fake } = await run(
      { synccheck: [down(), down(), check(1102, 0), check(1102, 0), check(1101, 0)] },
      { syncCheckFallbackHosts: ['https://push-a.test'] },
    );
    const hosts = fake.requests.map((r) => new URL(r.url).origin);
    expect(hosts).toEqual([
      'http://emu.test',
      'http://emu.test',
      'https://push-a.test',
      'https://push-a.test',
      'http://emu.test',
    ]);
    expect(ended.map((e) => e.ret)).toEqual([1101]);
  });
  it('applies Mod/DelContactList and loads the members of a new room once', async () => {
    const members = [
      { UserName: PEER, NickName: 'Peer' },
      { UserName: SELF, NickName: 'me' },
    ];
    const batch = reply(
      JSON.stringify({
        BaseResponse: { Ret: 0, ErrMsg: '' },
        Count: 1,
        ContactList: [{ UserName: '@@new', NickName: 'New Room', MemberCount: 2, MemberList: members }],
      }),
    );
    const { directory, endpoints } = await run({
      synccheck: [check(0, 4), check(0, 4), check(0, 4)],
      webwxsync: [
        sync({
          key: 2,
          mod: [
            { UserName: '@@new', NickName: 'New Room' },
            { UserName: '@x', NickName: 'X' },
          ],
        }),
        sync({ key: 3, mod: [{ UserName: '@@new', NickName: 'Renamed' }] }),
        sync({ key: 4, del: [{ UserName: '@x', ContactFlag: 0 }] }),
      ],
      webwxbatchgetcontact: [batch],
    });
    expect(endpoints.filter((e) => e === 'webwxbatchgetcontact')).toHaveLength(1);
    expect(directory.room('@@new')?.topic).toBe('Renamed');
    expect(directory.room('@@new')?.members.map((m) => m.nickName)).toEqual(['Peer', 'me']);
    expect(directory.get('@x')).toBeUndefined();
  });
});

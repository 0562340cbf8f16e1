/** The one contract every store passes (SessionStore; MessageStore and ContactCache where offered). */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import type {
  ContactCache,
  MessageLogReader,
  MessageStore,
  NewStoredMessage,
  SavedSession,
  SessionStore,
  StoreSettings,
} from '../../src/store/index.js';
import { SAVED_SESSION_VERSION } from '../../src/store/index.js';

export function savedSession(overrides: Partial<SavedSession> = {}): SavedSession {
  const host = 'http://127.0.0.1:1234';
  return {
    version: SAVED_SESSION_VERSION,
    hosts: { login: host, qr: host, main: host, file: host, push: host },
    credentials: { skey: '@crypt_abc', sid: 'sid123', uin: '176666155', passTicket: 'pt%2Bx' },
    cookies: {
      version: 'tough-cookie@6',
      storeType: 'MemoryCookieStore',
      rejectPublicSuffixes: true,
      cookies: [],
    },
    syncKey: { Count: 1, List: [{ Key: 1, Val: 698000001 }] },
    syncCheckKey: { Count: 1, List: [{ Key: 1, Val: 698000001 }] },
    self: undefined,
    deviceId: 'e123456789012345',
    savedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function incoming(msgId: string, chat = '@peer', text = `text ${msgId}`): NewStoredMessage {
  return {
    direction: 'in',
    msgId,
    clientMsgId: '',
    chatUserName: chat,
    senderUserName: chat,
    kind: 'text',
    createTime: 1_700_000_000,
    text,
    fields: { kind: 'text', text },
    raw: { MsgId: msgId, Content: text },
    status: 'sent',
  };
}

export function outgoing(clientMsgId: string, chat = '@peer', text = 'hi'): NewStoredMessage {
  return {
    ...incoming('', chat, text),
    direction: 'out',
    clientMsgId,
    status: 'pending',
    raw: { Content: text },
  };
}

export interface StoreFactory<S> {
  /** A fresh store. */
  create(): Promise<S> | S;
  /** The same store reopened (persistent stores), or undefined for memory-only ones. */
  reopen?(store: S): Promise<S> | S;
}

export function sessionStoreContract(name: string, factory: StoreFactory<SessionStore>): void {
  describe(`${name}: SessionStore contract`, () => {
    it('loads nothing at first, then what was saved last, and nothing after clear()', async () => {
      const store = await factory.create();
      expect(await store.load()).toBeUndefined();
      await store.save(savedSession());
      const second = savedSession({ savedAt: 2, syncKey: { Count: 1, List: [{ Key: 1, Val: 5 }] } });
      await store.save(second);
      expect(await store.load()).toEqual(second);
      await store.clear();
      expect(await store.load()).toBeUndefined();
      await store.clear();
    });

    it('keeps its own copy: mutating the saved or loaded object changes nothing', async () => {
      const store = await factory.create();
      const s = savedSession();
      await store.save(s);
      s.credentials.skey = 'changed';
      const loaded = (await store.load()) as SavedSession;
      expect(loaded.credentials.skey).toBe('@crypt_abc');
      loaded.hosts.main = 'x';
      expect((await store.load())?.hosts.main).toBe('http://127.0.0.1:1234');
    });

    it('refuses to save what is not a session', async () => {
      const store = await factory.create();
      await expect(store.save({ ...savedSession(), version: 9 } as never)).rejects.toMatchObject({
        code: 'store',
        kind: 'incompatible',
      });
      await expect(store.save({ ...savedSession(), credentials: 1 } as never)).rejects.toMatchObject({
        kind: 'corrupt',
      });
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('survives reopening', async () => {
        const store = await factory.create();
        const s = savedSession({ self: { UserName: '@me', NickName: '小明' } as never });
        await store.save(s);
        const again = await reopen(store);
        expect(await again.load()).toEqual(s);
      });
    }
  });
}

export function messageStoreContract(name: string, factory: StoreFactory<MessageStore>): void {
  describe(`${name}: MessageStore contract`, () => {
    it('delivers each MsgId once, within and across batches, and remembers it', async () => {
      const store = await factory.create();
      const seen: number[] = [];
      const first = await store.recordIncoming([incoming('1'), incoming('2'), incoming('1')], (i) =>
        seen.push(i),
      );
      expect(first).toEqual([0, 1]);
      expect(seen).toEqual([0, 1]);
      const second = await store.recordIncoming([incoming('2'), incoming('3')]);
      expect(second).toEqual([1]);
      expect(await store.has('1')).toBe(true);
      expect(await store.has('3')).toBe(true);
      expect(await store.has('4')).toBe(false);
      const skipped = await store.recordIncoming([incoming('')]);
      expect(skipped).toEqual([]);
    });

    it('keeps history by chat, in order, in pages, in and out', async () => {
      const store = await factory.create();
      await store.recordIncoming([incoming('1', '@a'), incoming('2', '@b'), incoming('3', '@a')]);
      await store.recordOutgoing(outgoing('c1', '@a', 'reply'));
      await store.recordIncoming([incoming('4', '@a', '中文 😀 <b>')]);
      const all = await store.history('@a');
      expect(all.map((m) => m.msgId || m.clientMsgId)).toEqual(['1', '3', 'c1', '4']);
      expect(all.map((m) => m.direction)).toEqual(['in', 'in', 'out', 'in']);
      expect(all[3]).toMatchObject({
        text: '中文 😀 <b>',
        kind: 'text',
        raw: { MsgId: '4' },
        fields: { kind: 'text' },
      });
      const seqs = all.map((m) => m.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      const newest2 = await store.history('@a', { limit: 2 });
      expect(newest2.map((m) => m.msgId || m.clientMsgId)).toEqual(['c1', '4']);
      const older = await store.history('@a', { limit: 2, before: newest2[0]!.seq });
      expect(older.map((m) => m.msgId)).toEqual(['1', '3']);
      expect(await store.history('@nobody')).toEqual([]);
      expect(await store.history('@a', { limit: 0 })).toEqual([]);
    });

    it('tracks outgoing messages by ClientMsgId: pending, then sent with the MsgID', async () => {
      const store = await factory.create();
      await store.recordOutgoing(outgoing('c1'));
      await store.recordOutgoing(outgoing('c1'));
      await store.recordOutgoing(outgoing('c2'));
      expect((await store.pendingOutgoing()).map((m) => m.clientMsgId)).toEqual(['c1', 'c2']);
      await store.updateOutgoing('c1', { status: 'sent', msgId: '900' });
      await store.updateOutgoing('c2', { status: 'failed' });
      await store.updateOutgoing('nope', { status: 'sent' });
      expect(await store.pendingOutgoing()).toEqual([]);
      const history = await store.history('@peer');
      expect(history).toHaveLength(2);
      expect(history[0]).toMatchObject({ clientMsgId: 'c1', msgId: '900', status: 'sent' });
      expect(history[1]).toMatchObject({ clientMsgId: 'c2', status: 'failed' });
      await expect(store.recordOutgoing(outgoing(''))).rejects.toThrow(InvalidArgumentError);
    });

    it('replaces the raw of an outgoing message when an update brings one (the MediaId of an upload)', async () => {
      const store = await factory.create();
      await store.recordOutgoing({ ...outgoing('m1'), kind: 'image', raw: { Type: 3, MediaId: '' } });
      await store.updateOutgoing('m1', { status: 'pending', raw: { Type: 3, MediaId: '@media_1' } });
      const [pending] = await store.pendingOutgoing();
      expect(pending).toMatchObject({
        clientMsgId: 'm1',
        status: 'pending',
        raw: { Type: 3, MediaId: '@media_1' },
      });
      // Without raw, an update leaves it as it is.
      await store.updateOutgoing('m1', { status: 'sent', msgId: '901' });
      expect((await store.history('@peer'))[0]).toMatchObject({
        msgId: '901',
        status: 'sent',
        raw: { Type: 3, MediaId: '@media_1' },
      });
      await store.updateOutgoing('nope', { status: 'pending', raw: { x: 1 } });
      expect(await store.history('@peer')).toHaveLength(1);
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('keeps processed ids, the log and pending sends across reopening', async () => {
        const store = await factory.create();
        await store.recordIncoming([incoming('1'), incoming('2')]);
        await store.recordOutgoing(outgoing('c1'));
        await store.updateOutgoing('c1', { status: 'pending', raw: { MediaId: '@kept' } });
        const again = await reopen(store);
        expect(await again.recordIncoming([incoming('2'), incoming('3')])).toEqual([1]);
        expect((await again.pendingOutgoing()).map((m) => [m.clientMsgId, m.raw])).toEqual([
          ['c1', { MediaId: '@kept' }],
        ]);
        expect((await again.history('@peer')).length).toBe(4);
      });
    }
  });
}

export function contactCacheContract(name: string, factory: StoreFactory<ContactCache>): void {
  describe(`${name}: ContactCache contract`, () => {
    it('replaces the whole cache on save', async () => {
      const store = await factory.create();
      expect(await store.loadContacts()).toEqual([]);
      await store.saveContacts([
        { UserName: '@a', NickName: 'A' } as never,
        { UserName: '@b', NickName: 'B' } as never,
      ]);
      await store.saveContacts([{ UserName: '@c', NickName: '丙' } as never]);
      expect(await store.loadContacts()).toEqual([{ UserName: '@c', NickName: '丙' }]);
    });

    it('reads the rooms (UserNames starting @@) or everything else alone', async () => {
      const store = await factory.create();
      const entries = [
        { UserName: '@a1', NickName: 'A' },
        { UserName: '@@r1', NickName: 'Room', MemberList: [{ UserName: '@a1' }] },
        { UserName: 'filehelper', NickName: 'File Transfer' },
        { UserName: '@@r2', NickName: 'Room 2' },
        { UserName: '@b2', NickName: 'B' },
      ];
      await store.saveContacts(entries as never);
      const names = (list: { UserName: string }[]) => list.map((c) => c.UserName).sort();
      expect(names(await store.loadContacts('rooms'))).toEqual(['@@r1', '@@r2']);
      expect(names(await store.loadContacts('contacts'))).toEqual(['@a1', '@b2', 'filehelper']);
      expect(names(await store.loadContacts())).toEqual(['@@r1', '@@r2', '@a1', '@b2', 'filehelper']);
      expect((await store.loadContacts('rooms')).find((c) => c.UserName === '@@r1')).toEqual(entries[1]);
    });

    it('reads entries by UserName, leaving out the names it lacks', async () => {
      const store = await factory.create();
      if (!store.loadContactsNamed) throw new Error(`${name} reads no entries by name`);
      expect(await store.loadContactsNamed(['@a'])).toEqual([]);
      const entries = [
        { UserName: '@a1', NickName: 'A', RemarkName: '甲' },
        { UserName: '@@r1', NickName: 'Room', MemberList: [{ UserName: '@a1' }] },
        { UserName: '@b2', NickName: 'B' },
      ];
      await store.saveContacts(entries as never);
      const byName = (list: { UserName: string }[]) =>
        [...list].sort((x, y) => x.UserName.localeCompare(y.UserName));
      expect(byName(await store.loadContactsNamed(['@b2', '@nobody', '@@r1', '@b2']))).toEqual(
        byName([entries[1], entries[2]] as { UserName: string }[]),
      );
      expect(await store.loadContactsNamed(['@a1'])).toEqual([entries[0]]);
      expect(await store.loadContactsNamed([])).toEqual([]);
      // A name is a value, never SQL.
      expect(await store.loadContactsNamed(["@a1' OR '1'='1"])).toEqual([]);
    });
  });
}

export function messageLogReaderContract(
  name: string,
  factory: StoreFactory<MessageStore & MessageLogReader>,
): void {
  describe(`${name}: MessageLogReader contract`, () => {
    it('reads the log after a seq across chats, by direction, one entry by seq, outgoing by ClientMsgId', async () => {
      const store = await factory.create();
      expect(await store.lastSeq()).toBe(0);
      expect(await store.logAfter(0)).toEqual([]);
      await store.recordIncoming([incoming('1', '@a', 'm1'), incoming('2', '@@room', 'm2')]);
      await store.recordOutgoing(outgoing('c3', '@a', 'm3'));
      await store.recordIncoming([incoming('4', '@a', 'm4')]);
      const all = await store.logAfter(0);
      expect(all.map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4']);
      const seqs = all.map((m) => m.seq);
      expect(new Set(seqs).size).toBe(4);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(await store.lastSeq()).toBe(seqs[3]);
      expect((await store.logAfter(seqs[0]!, { limit: 2 })).map((m) => m.text)).toEqual(['m2', 'm3']);
      expect((await store.logAfter(0, { direction: 'in' })).map((m) => m.text)).toEqual(['m1', 'm2', 'm4']);
      expect((await store.logAfter(seqs[1]!, { direction: 'out' })).map((m) => m.text)).toEqual(['m3']);
      expect((await store.logAfter(seqs[3]!)).length).toBe(0);
      expect((await store.logEntry(seqs[1]!))?.chatUserName).toBe('@@room');
      expect(await store.logEntry(seqs[3]! + 1000)).toBeUndefined();
      expect(await store.seqOfOutgoing('c3')).toBe(seqs[2]);
      expect(await store.seqOfOutgoing('nope')).toBeUndefined();
    });
  });
}

export function storeSettingsContract(
  name: string,
  factory: StoreFactory<SessionStore & StoreSettings>,
): void {
  describe(`${name}: StoreSettings contract`, () => {
    it('keeps named values apart from the session; undefined deletes', async () => {
      const store = await factory.create();
      expect(await store.getSetting('telegram.offset')).toBeUndefined();
      await store.setSetting('telegram.offset', '42');
      await store.setSetting('session', 'not the session');
      expect(await store.getSetting('telegram.offset')).toBe('42');
      expect(await store.load()).toBeUndefined();
      await store.setSetting('telegram.offset', undefined);
      expect(await store.getSetting('telegram.offset')).toBeUndefined();
      expect(await store.getSetting('session')).toBe('not the session');
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('keeps settings across reopening', async () => {
        const store = await factory.create();
        await store.setSetting('k', '中文 "v"');
        expect(await (await reopen(store)).getSetting('k')).toBe('中文 "v"');
      });
    }
  });
}

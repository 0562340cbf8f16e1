/** The store methods the Telegram surface reads (logAfter, logEntry, seqOfOutgoing, lastSeq, settings), on both stores. */
import { describe, expect, it } from 'vitest';
import { MemoryStore, type NewStoredMessage, SqliteStore } from '../../../src/store/index.js';

function record(n: number, direction: 'in' | 'out' = 'in'): NewStoredMessage {
  return {
    direction,
    msgId: direction === 'in' ? `100${n}` : '',
    clientMsgId: direction === 'out' ? `local-${n}` : '',
    chatUserName: n % 2 ? '@a' : '@@room',
    senderUserName: '@a',
    kind: 'text',
    createTime: 1_700_000_000 + n,
    text: `m${n}`,
    fields: { kind: 'text', text: `m${n}` },
    raw: {},
    status: direction === 'in' ? 'sent' : 'pending',
  };
}

for (const [name, make] of [
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore(':memory:')],
] as const) {
  describe(`${name}: reading the log by position`, () => {
    it('reads after a seq across chats, by direction, one by seq, outgoing by ClientMsgId', async () => {
      const store = make();
      expect(await store.lastSeq()).toBe(0);
      expect(await store.logAfter(0)).toEqual([]);
      await store.recordIncoming([record(1), record(2)]);
      await store.recordOutgoing(record(3, 'out'));
      await store.recordIncoming([record(4)]);
      expect(await store.lastSeq()).toBe(4);
      expect((await store.logAfter(0)).map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect((await store.logAfter(1, { limit: 2 })).map((m) => m.text)).toEqual(['m2', 'm3']);
      expect((await store.logAfter(0, { direction: 'in' })).map((m) => m.seq)).toEqual([1, 2, 4]);
      expect((await store.logAfter(2, { direction: 'out' })).map((m) => m.text)).toEqual(['m3']);
      expect((await store.logEntry(2))?.chatUserName).toBe('@@room');
      expect(await store.logEntry(99)).toBeUndefined();
      expect(await store.seqOfOutgoing('local-3')).toBe(3);
      expect(await store.seqOfOutgoing('nope')).toBeUndefined();
    });

    it('keeps settings apart from the session', async () => {
      const store = make();
      expect(await store.getSetting('telegram.offset')).toBeUndefined();
      await store.setSetting('telegram.offset', '42');
      await store.setSetting('session', 'not the session');
      expect(await store.getSetting('telegram.offset')).toBe('42');
      expect(await store.load()).toBeUndefined();
      await store.setSetting('telegram.offset', undefined);
      expect(await store.getSetting('telegram.offset')).toBeUndefined();
    });
  });
}

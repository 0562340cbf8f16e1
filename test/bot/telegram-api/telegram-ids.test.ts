/** Telegram chat ids: deterministic, signed by kind, bounded, surviving a re-login, collisions detected. */
import { describe, expect, it } from 'vitest';
import {
  ChatIds,
  chatKeyOf,
  hashKey,
  MAX_CHAT_ID,
  telegramIdOf,
} from '../../../src/bot/telegram-api/index.js';
import type { Contact, Room } from '../../../src/model/index.js';
import { contact, fakeClient, room } from '../fakes.js';

/** A fake client whose contacts have stable ids (UserName → stable id). */
function clientWith(entries: (Contact | Room)[], stable: Record<string, string>) {
  const client = fakeClient({
    contacts: entries.filter((e): e is Contact => !('topic' in e)),
    rooms: entries.filter((e): e is Room => 'topic' in e),
  });
  Object.assign(client.contacts, { stableIdOf: (u: string) => stable[u] });
  return client;
}

describe('Telegram chat ids', () => {
  it('derives the same integer from the same key, within ±2^52, positive for people and negative for rooms', () => {
    expect(hashKey('f:4ac0726a6ff43cce')).toBe(hashKey('f:4ac0726a6ff43cce'));
    expect(hashKey('a')).not.toBe(hashKey('b'));
    for (const key of ['a', 'f:0', 'p:wxid_x', 'self', 'n:filehelper']) {
      const n = hashKey(key);
      expect(Number.isSafeInteger(n)).toBe(true);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(MAX_CHAT_ID);
      expect(telegramIdOf(key, true)).toBe(-n);
    }
  });

  it('keys chats by stable id, special accounts by name, the account as self', () => {
    const client = clientWith(
      [contact('@alice', 'Alice'), contact('filehelper', '文件传输助手', 'special')],
      {
        '@alice': 'f:aaaa',
      },
    );
    expect(chatKeyOf(client, '@alice')).toBe('f:aaaa');
    expect(chatKeyOf(client, 'filehelper')).toBe('n:filehelper');
    expect(chatKeyOf(client, '@me')).toBe('self');
    expect(chatKeyOf(client, '@stranger')).toBe('s:@stranger');
  });

  it('gives a chat the same id after a re-login (new UserName, same stable id) and resolves it to the new name', () => {
    const before = new ChatIds(
      clientWith([contact('@old', 'Alice'), room('@@r1', 'Family')], { '@old': 'f:a', '@@r1': 'f:r' }),
    );
    const after = new ChatIds(
      clientWith([contact('@new', 'Alice'), room('@@r2', 'Family')], { '@new': 'f:a', '@@r2': 'f:r' }),
    );
    const id = before.idOf('@old');
    const roomId = before.idOf('@@r1');
    expect(id).toBeGreaterThan(0);
    expect(roomId).toBeLessThan(0);
    expect(after.resolve(id)).toBe('@new');
    expect(after.resolve(roomId)).toBe('@@r2');
  });

  it('answers 400 "chat not found" for an unknown id', () => {
    const ids = new ChatIds(clientWith([contact('@alice', 'Alice')], { '@alice': 'f:a' }));
    expect(() => ids.resolve(12345)).toThrow(/Bad Request: chat not found/);
  });

  it('detects two chats of the directory on one integer: it resolves to neither', () => {
    const client = clientWith([contact('@a', 'A'), contact('@b', 'B'), contact('@c', 'C')], {
      '@a': 'f:a',
      '@b': 'f:b',
      '@c': 'f:c',
    });
    const ids = new ChatIds(client, { hash: (key) => (key === 'f:c' ? 99 : 7) });
    ids.scan();
    expect(ids.collisions).toEqual([7]);
    expect(() => ids.resolve(7)).toThrow(/claimed by two chats/);
    expect(ids.resolve(99)).toBe('@c');
  });
});

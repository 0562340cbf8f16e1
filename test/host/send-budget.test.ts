/** The daily send budget: counts per UTC day, refuses past the limit, and keeps its count in the store. */
import { afterEach, expect, it, vi } from 'vitest';
import type { WebWxClient } from '../../src/client/index.js';
import { budgetedClient, SEND_BUDGET_SETTING, SendBudget, SendBudgetError } from '../../src/host/index.js';
import { MemoryStore } from '../../src/store/index.js';

const DAY1 = Date.UTC(2026, 11, 7, 23, 59);
const DAY2 = Date.UTC(2026, 11, 8, 0, 1);

it('refuses the send past the limit with SendBudgetError and counts nothing for it', () => {
  const budget = new SendBudget({ accountId: 'a', limit: 2, settings: undefined, now: () => DAY1 });
  budget.charge();
  budget.charge();
  expect(() => budget.charge()).toThrow(SendBudgetError);
  expect(budget.state()).toEqual({ day: '2026-12-07', used: 2, limit: 2 });
});

it('starts again at 0 on the next UTC day', () => {
  let now = DAY1;
  const budget = new SendBudget({ accountId: 'a', limit: 1, settings: undefined, now: () => now });
  budget.charge();
  expect(() => budget.charge()).toThrow(SendBudgetError);
  now = DAY2;
  expect(budget.state()).toEqual({ day: '2026-12-08', used: 0, limit: 1 });
  budget.charge();
});

it('keeps the count in the store: a new budget on the same day goes on from it, another day does not', async () => {
  const store = new MemoryStore();
  const first = new SendBudget({ accountId: 'a', limit: 3, settings: store, now: () => DAY1 });
  await first.load();
  first.charge();
  first.charge();
  await first.flush();
  expect(JSON.parse((await store.getSetting(SEND_BUDGET_SETTING)) ?? '{}')).toEqual({
    day: '2026-12-07',
    used: 2,
  });
  const again = new SendBudget({ accountId: 'a', limit: 3, settings: store, now: () => DAY1 });
  await again.load();
  expect(again.state().used).toBe(2);
  again.charge();
  expect(() => again.charge()).toThrow(SendBudgetError);
  const tomorrow = new SendBudget({ accountId: 'a', limit: 3, settings: store, now: () => DAY2 });
  await tomorrow.load();
  expect(tomorrow.state().used).toBe(0);
});

afterEach(() => {
  vi.useRealTimers();
});

it('saves the count at most every 5 s, not once per send; flush() and load() save it at once', async () => {
  vi.useFakeTimers();
  const store = new MemoryStore();
  const writes: string[] = [];
  const settings = {
    getSetting: (key: string) => store.getSetting(key),
    setSetting: async (key: string, value: string | undefined) => {
      if (value !== undefined) writes.push(value);
      await store.setSetting(key, value);
    },
  };
  const budget = new SendBudget({ accountId: 'a', limit: 100, settings, now: () => DAY1 });
  await budget.load();
  for (let i = 0; i < 10; i++) budget.charge();
  await vi.advanceTimersByTimeAsync(4900);
  expect(writes).toEqual([]);
  await vi.advanceTimersByTimeAsync(200);
  expect(writes.map((w) => JSON.parse(w).used)).toEqual([10]);
  budget.charge();
  await budget.flush();
  expect(writes.map((w) => JSON.parse(w).used)).toEqual([10, 11]);
  budget.charge();
  await budget.load();
  expect(writes.map((w) => JSON.parse(w).used)).toEqual([10, 11, 12]);
  expect(budget.state().used).toBe(12);
  await vi.advanceTimersByTimeAsync(10_000);
  expect(writes).toHaveLength(3);
});

it('a corrupt saved count starts the day at 0', async () => {
  const store = new MemoryStore();
  await store.setSetting(SEND_BUDGET_SETTING, '{not json');
  const budget = new SendBudget({ accountId: 'a', limit: 1, settings: store, now: () => DAY1 });
  await budget.load();
  expect(budget.state().used).toBe(0);
});

it('a budgeted client charges before the send and never calls the client past the limit', async () => {
  const calls: string[] = [];
  const fake = {
    state: 'ready',
    sendText: async (_to: string, text: string) => {
      calls.push(text);
      return { msgId: '1', localId: '1', toUserName: 'x' };
    },
    contacts: { list: () => [] },
  } as unknown as WebWxClient;
  let sent = 0;
  let refused = 0;
  const budget = new SendBudget({ accountId: 'a', limit: 1, settings: undefined, now: () => DAY1 });
  const client = budgetedClient(fake, budget, { sent: () => sent++, refused: () => refused++ });
  await client.sendText('x', 'one');
  await expect(client.sendText('x', 'two')).rejects.toBeInstanceOf(SendBudgetError);
  expect(calls).toEqual(['one']);
  expect([sent, refused]).toEqual([1, 1]);
  expect(client.state).toBe('ready');
  expect(client.contacts.list()).toEqual([]);
});

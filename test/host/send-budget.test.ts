/** The daily send budget: counts per UTC day, refuses past the limit, and keeps its count in the store. */
import { expect, it } from 'vitest';
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

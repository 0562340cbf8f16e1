/** The worker's balancing rule (src/host/lease-balance.ts): fair share, give-backs, where takes start. */
import { describe, expect, it } from 'vitest';
import { balanceMove, hashOf } from '../../src/host/lease-balance.js';

const ids = (n: number, prefix = 'a') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('balanceMove', () => {
  it('waits while a held lease is overdue: the renewal round settles it before anything is given back', () => {
    // After a pause, another worker holds some of these: giving them back would say 'released'.
    const input = {
      accounts: 30,
      liveWorkers: 3,
      held: ids(15).sort(),
      free: ['f0'],
      workerId: 'w1',
      step: 3,
    };
    expect(balanceMove({ ...input, overdue: 1 })).toEqual({ kind: 'wait' });
    expect(balanceMove({ ...input, held: [], overdue: 0 })).toMatchObject({ kind: 'take' });
    expect(balanceMove({ ...input, overdue: 0 })).toMatchObject({ kind: 'release' });
  });

  it('gives back what is over the fair share, the first in order, at most `step` a tick', () => {
    // 30 accounts, 3 workers: a share of 10; holding 15 gives back 3 now (step 3), not 5.
    const held = ids(15).sort();
    expect(
      balanceMove({ accounts: 30, liveWorkers: 3, held, overdue: 0, free: [], workerId: 'w1', step: 3 }),
    ).toEqual({
      kind: 'release',
      ids: held.slice(0, 3),
    });
    expect(
      balanceMove({
        accounts: 30,
        liveWorkers: 3,
        held: ids(11).sort(),
        overdue: 0,
        free: [],
        workerId: 'w1',
        step: 3,
      }),
    ).toEqual({ kind: 'release', ids: ['a0'] });
  });

  it('rounds the share up and takes nothing back at the share', () => {
    // 31 accounts over 3 workers: 11 each at most.
    const move = balanceMove({
      accounts: 31,
      liveWorkers: 3,
      held: ids(11),
      free: ['f0'],
      workerId: 'w',
      overdue: 0,
      step: 3,
    });
    expect(move).toMatchObject({ kind: 'take', share: 11 });
  });

  it('counts no live worker as one (the table read before this worker’s heartbeat showed)', () => {
    expect(
      balanceMove({
        accounts: 4,
        liveWorkers: 0,
        held: [],
        overdue: 0,
        free: ids(4),
        workerId: 'w',
        step: 3,
      }),
    ).toMatchObject({
      kind: 'take',
      share: 4,
    });
  });

  it('tries every free account once, starting at a place of its own, the same for the same worker', () => {
    const free = ids(7, 'f');
    const a = balanceMove({
      accounts: 9,
      liveWorkers: 2,
      held: [],
      overdue: 0,
      free,
      workerId: 'worker-a',
      step: 3,
    });
    const b = balanceMove({
      accounts: 9,
      liveWorkers: 2,
      held: [],
      overdue: 0,
      free,
      workerId: 'worker-b',
      step: 3,
    });
    if (a.kind !== 'take' || b.kind !== 'take') throw new Error('expected takes');
    expect([...a.candidates].sort()).toEqual([...free].sort());
    expect(a.candidates[0]).toBe(free[hashOf('worker-a') % free.length]);
    expect(a.candidates[0]).not.toBe(b.candidates[0]);
    expect(
      balanceMove({ accounts: 9, liveWorkers: 2, held: [], overdue: 0, free, workerId: 'worker-a', step: 3 }),
    ).toEqual(a);
    expect(
      balanceMove({ accounts: 0, liveWorkers: 2, held: [], overdue: 0, free: [], workerId: 'w', step: 3 }),
    ).toEqual({
      kind: 'take',
      candidates: [],
      share: 0,
    });
  });
});

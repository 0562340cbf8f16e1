import { describe, expect, it } from 'vitest';
import { FaultTable } from '../../src/emulator/faults.js';

describe('FaultTable', () => {
  it('scripts hand out their steps in order, null passing, then disappear', () => {
    const t = new FaultTable(() => 0);
    const s = t.script('synccheck', [{ kind: 'reset' }, null, { kind: 'hang', ms: 5 }]);
    expect(t.take('webwxsync')).toBeUndefined();
    expect(t.take('synccheck')).toEqual({ kind: 'reset' });
    expect(t.take('synccheck')).toBeUndefined();
    expect(t.take('synccheck')).toEqual({ kind: 'hang', ms: 5 });
    expect(t.take('synccheck')).toBeUndefined();
    expect(s.hits).toBe(2);
    expect(t.list()).toEqual([]);
  });

  it('looping scripts start over; probabilistic faults count only hits', () => {
    const t = new FaultTable(() => 0.5);
    t.script('*', [null, { kind: 'redeliver' }], { loop: true });
    expect([1, 2, 3, 4].map(() => t.take('webwxsync')?.kind)).toEqual([
      undefined,
      'redeliver',
      undefined,
      'redeliver',
    ]);
    t.clear();
    const miss = t.inject('x', { kind: 'expire' }, { probability: 0.4, times: 1 });
    expect(t.take('x')).toBeUndefined();
    expect(miss.hits).toBe(0);
  });

  it('refuses bad faults', () => {
    const t = new FaultTable();
    expect(() => t.inject('x', { kind: 'hang', ms: -1 })).toThrow();
    expect(() => t.inject('x', { kind: 'delay', ms: Number.NaN })).toThrow();
    expect(() => t.inject('x', { kind: 'expire', code: 1205 as never })).toThrow();
    expect(() => t.script('', [null])).toThrow();
  });
});

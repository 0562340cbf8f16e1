import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenSet } from '../../src/client/seen-set.js';

describe('SeenSet', () => {
  it('reports duplicates', () => {
    const s = new SeenSet(10);
    expect(s.add('1')).toBe(true);
    expect(s.add('1')).toBe(false);
    expect(s.has('1')).toBe(true);
    expect(s.has('2')).toBe(false);
  });

  it('evicts the oldest ids beyond its capacity', () => {
    const s = new SeenSet(3);
    for (const id of ['a', 'b', 'c', 'd']) s.add(id);
    expect(s.size).toBe(3);
    expect(s.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((id) => s.has(id))).toBe(true);
  });

  it('defaults to 10,000 ids', () => {
    const s = new SeenSet();
    for (let i = 0; i < 10_500; i++) s.add(String(i));
    expect(s.capacity).toBe(10_000);
    expect(s.size).toBe(10_000);
    expect(s.has('499')).toBe(false);
    expect(s.has('500')).toBe(true);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new SeenSet(0)).toThrow(RangeError);
  });

  it('never accepts an id twice while it is within the last `capacity` distinct ids', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }).map(String), { maxLength: 200 }), (ids) => {
        const s = new SeenSet(50);
        const accepted = new Set<string>();
        for (const id of ids) {
          const added = s.add(id);
          // With at most 31 distinct ids and capacity 50 nothing is evicted: add() is exact.
          expect(added).toBe(!accepted.has(id));
          accepted.add(id);
        }
      }),
    );
  });
});

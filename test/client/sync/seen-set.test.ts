import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenSet } from '../../../src/client/sync/seen-set.js';
import { InvalidArgumentError } from '../../../src/errors.js';

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
    expect(() => new SeenSet(0)).toThrow(InvalidArgumentError);
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

describe('SeenSet eviction after deletes', () => {
  it('an id deleted and added again is kept for a whole capacity of adds from its new add', () => {
    const s = new SeenSet(3);
    s.add('a');
    s.add('b');
    s.delete('a');
    expect(s.has('a')).toBe(false);
    s.add('c');
    s.add('a');
    // The slot of the first 'a' is evicted now: the second 'a' stays.
    s.add('d');
    expect(s.has('a')).toBe(true);
    expect(s.has('b')).toBe(false);
    s.add('e');
    s.add('f');
    expect(s.has('a')).toBe(false);
    expect(['d', 'e', 'f'].every((id) => s.has(id))).toBe(true);
  });

  it('holds exactly the last `capacity` distinct ids added, whatever the adds and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 12 }).map(String)), { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        (ops, capacity) => {
          const s = new SeenSet(capacity);
          // The model: the accepted adds in order (a delete removes the id's live entry).
          const adds: { id: string; live: boolean }[] = [];
          for (const [isDelete, id] of ops) {
            if (isDelete) {
              s.delete(id);
              for (const a of adds) if (a.id === id) a.live = false;
              continue;
            }
            const live = adds.some((a) => a.id === id && a.live);
            expect(s.add(id)).toBe(!live);
            if (!live) adds.push({ id, live: true });
            const window = adds.slice(-capacity);
            for (const a of adds.slice(0, -capacity)) a.live = false;
            expect(s.size).toBe(window.filter((a) => a.live).length);
          }
          const live = new Set(adds.filter((a) => a.live).map((a) => a.id));
          for (let i = 0; i <= 12; i++) expect(s.has(String(i))).toBe(live.has(String(i)));
        },
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { hex } from '../../src/emulator/ids.js';

describe('hex', () => {
  it('gives 2 × bytes lowercase hex characters, for small and pool-sized requests', () => {
    for (const bytes of [1, 16, 32, 64 * 1024, 64 * 1024 + 1]) {
      const value = hex(bytes);
      expect(value).toHaveLength(bytes * 2);
      expect(value).toMatch(/^[0-9a-f]+$/);
    }
  });

  it('never repeats across many pool refills', () => {
    const seen = new Set<string>();
    // 32 bytes a name, 10,000 names: five refills of the 64 KiB pool.
    for (let i = 0; i < 10_000; i++) seen.add(hex(32));
    expect(seen.size).toBe(10_000);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EchoStep,
  highestSustained,
  judgeStep,
  median,
  offeredRate,
  percentile,
  rateAfterBurst,
  ratio,
  summarise,
} from '../../bench/stats.js';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const v = [5, 1, 4, 2, 3];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile(v, 100)).toBe(5);
    expect(percentile(v, 99)).toBe(5);
    expect(
      percentile(
        [...Array(100).keys()].map((i) => i + 1),
        99,
      ),
    ).toBe(99);
  });
  it('is NaN for nothing and refuses a bad p', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    percentile(v, 50);
    expect(v).toEqual([3, 1, 2]);
  });
  it('always returns an element between min and max, monotonic in p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }),
        fc.integer({ min: 0, max: 99 }),
        (v, p) => {
          const a = percentile(v, p);
          const b = percentile(v, p + 1);
          expect(v).toContain(a);
          expect(a).toBeLessThanOrEqual(b);
        },
      ),
    );
  });
});

describe('median', () => {
  it('takes the middle, or the mean of the two middles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('skips non-finite values and is NaN for nothing', () => {
    expect(median([Number.NaN, 1, 3])).toBe(2);
    expect(median([])).toBeNaN();
    expect(median([Number.NaN])).toBeNaN();
  });
});

describe('ratio and summarise', () => {
  it('ratio is undefined when it means nothing', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
    expect(ratio(Number.NaN, 2)).toBeUndefined();
  });
  it('summarise gives count, p50, p99 and max', () => {
    expect(summarise([1, 2, 3, 4])).toEqual({ count: 4, p50: 2, p99: 4, max: 4 });
    expect(summarise([]).count).toBe(0);
  });
});

function step(rate: number, latencies: (number | undefined)[], over: Partial<EchoStep> = {}): EchoStep {
  const sendSpanMs = ((latencies.length - 1) * 1000) / rate;
  const lastLatency = latencies.at(-1) ?? 0;
  return {
    rate,
    sent: latencies.length,
    latencies,
    sendSpanMs,
    elapsedMs: sendSpanMs + lastLatency,
    ...over,
  };
}

describe('judgeStep', () => {
  it('sustains a steady latency', () => {
    const v = judgeStep(step(100, Array(200).fill(3)));
    expect(v.sustained).toBe(true);
    expect(v.lost).toBe(0);
    expect(v.achievedRate).toBeGreaterThan(95);
  });
  it('fails when a message was never echoed', () => {
    const lat: (number | undefined)[] = Array(100).fill(3);
    lat[40] = undefined;
    const v = judgeStep(step(100, lat));
    expect(v.sustained).toBe(false);
    expect(v.lost).toBe(1);
    expect(v.reason).toMatch(/1 of 100 never echoed/);
  });
  it('with losses tolerated, judges the echoes that came back on latency and throughput', () => {
    const lat: (number | undefined)[] = Array(100).fill(3);
    lat[10] = undefined;
    lat[60] = undefined;
    const v = judgeStep(step(100, lat), { tolerateLoss: true });
    expect(v.sustained).toBe(true);
    expect(v.lost).toBe(2);
  });
  it('with losses tolerated, does not sustain a step with no echo at one end, or none at all', () => {
    const none = judgeStep(step(100, Array(100).fill(undefined)), { tolerateLoss: true });
    expect(none.sustained).toBe(false);
    expect(none.reason).toBe('nothing echoed');
    const lat: (number | undefined)[] = Array(100).fill(3);
    lat.fill(undefined, 75);
    const lateLost = judgeStep(step(100, lat, { elapsedMs: 1000 }), { tolerateLoss: true });
    expect(lateLost.sustained).toBe(false);
    expect(lateLost.reason).toMatch(/no echo in the first or the last quarter/);
  });
  it('fails when latency grows over the step (a queue building up)', () => {
    const lat = Array.from({ length: 200 }, (_, i) => 2 + i * 2);
    const v = judgeStep(step(100, lat));
    expect(v.sustained).toBe(false);
    expect(v.reason).toMatch(/latency grew|fell behind/);
  });
  it('tolerates jitter within the slack', () => {
    const lat = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 2 : 30));
    expect(judgeStep(step(100, lat)).sustained).toBe(true);
  });
  it('fails when the echoes come back slower than offered', () => {
    // A backlog growing by 220 ms over a 1 s step: within 2× + 50 ms of a high first latency, but
    // the echoes come back at 86 % of the offered rate.
    const lat = Array.from({ length: 1000 }, (_, i) => 200 + (i * 220) / 999);
    const v = judgeStep(step(1000, lat));
    expect(v.sustained).toBe(false);
    expect(v.reason).toMatch(/fell behind/);
  });
  it('is not failed by one late echo at the end of a step when the latency stays flat', () => {
    // 100 msg/s over 0.8 s, every echo in 3 ms but the last in 120 ms: the last echo arrives at
    // 910 ms, 88/s of the 100/s offered if the last echo were the end of the step.
    const lat: number[] = Array(80).fill(3);
    lat[79] = 120;
    const v = judgeStep(step(100, lat));
    expect(v.sustained).toBe(true);
  });
  it('fails an empty step', () => {
    expect(judgeStep({ rate: 10, sent: 0, latencies: [], elapsedMs: 0, sendSpanMs: 0 }).sustained).toBe(
      false,
    );
  });
});

describe('offeredRate and highestSustained', () => {
  it('offeredRate is the rate achieved by the sender, at most the nominal one', () => {
    expect(offeredRate({ rate: 100, sent: 101, sendSpanMs: 2000 })).toBe(50);
    expect(offeredRate({ rate: 100, sent: 101, sendSpanMs: 500 })).toBe(100);
    expect(offeredRate({ rate: 100, sent: 1, sendSpanMs: 0 })).toBe(100);
  });
  it('highestSustained stops at the first failure', () => {
    const ok = { sustained: true, lost: 0, achievedRate: 0, firstQuarterP50: 1, lastQuarterP50: 1 };
    const bad = { ...ok, sustained: false };
    expect(
      highestSustained([
        { rate: 400, verdict: ok },
        { rate: 100, verdict: ok },
        { rate: 200, verdict: bad },
      ]),
    ).toBe(100);
    expect(highestSustained([{ rate: 100, verdict: bad }])).toBeUndefined();
    expect(highestSustained([])).toBeUndefined();
  });
});

describe('rateAfterBurst', () => {
  it('measures the steady rate after the burst, whatever the order the times come in', () => {
    // Five replies at once, then one a second (the default pacing).
    const times = [10, 12, 14, 15, 16, 1000, 2000, 3000, 4000, 5000];
    expect(rateAfterBurst(times, 5)).toBeCloseTo(1, 6);
    expect(rateAfterBurst([...times].reverse(), 5)).toBeCloseTo(1, 6);
    // Counting the burst in would overstate it.
    expect(rateAfterBurst(times, 0)!).toBeGreaterThan(1.7);
  });
  it('needs two replies after the burst and a span', () => {
    expect(rateAfterBurst([1, 2, 3, 4, 5, 1000], 5)).toBeUndefined();
    expect(rateAfterBurst([], 5)).toBeUndefined();
    expect(rateAfterBurst([7, 7], 0)).toBeUndefined();
  });
  it('is the inverse of the interval for evenly spaced replies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1, max: 5000 }), (n, gapMs) => {
        const times = Array.from({ length: n }, (_, i) => i * gapMs);
        expect(rateAfterBurst(times, 0)).toBeCloseTo(1000 / gapMs, 6);
      }),
    );
  });
});

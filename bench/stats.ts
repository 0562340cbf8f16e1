/**
 * Pure statistics for the benchmarks: percentiles, medians, ratios and the "is this rate sustained?"
 * verdict of an echo step. No I/O, no clocks: unit-tested in test/bench/stats.test.ts.
 */

/** The p-th percentile (0 ≤ p ≤ 100) by the nearest-rank method; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** The median (the mean of the two middle values for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** a / b, or undefined when either is missing or b is zero. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return undefined;
  return a / b;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarise(latencies: readonly number[]): LatencySummary {
  return {
    count: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
  };
}

/** One echo step: messages sent at a fixed rate and the echoes that came back. */
export interface EchoStep {
  /** Offered rate, messages per second. */
  rate: number;
  /** How many were sent. */
  sent: number;
  /** Latency (ms) of each echoed message, in send order; undefined for a message never echoed. */
  latencies: readonly (number | undefined)[];
  /** ms from the first send to the last echo (or to the end of the drain wait). */
  elapsedMs: number;
  /** ms the sending took (from the first send to the last). */
  sendSpanMs: number;
}

export interface StepVerdict {
  sustained: boolean;
  /** Why not, when not. */
  reason?: string;
  lost: number;
  /** Echoes per second over the whole step. */
  achievedRate: number;
  firstQuarterP50: number;
  lastQuarterP50: number;
}

/** Latency may grow by this factor plus this slack from the first to the last quarter of a step. */
export const GROWTH_FACTOR = 2;
export const GROWTH_SLACK_MS = 50;
/** The echoes must keep up with at least this share of the offered rate. */
export const MIN_THROUGHPUT_SHARE = 0.9;

/**
 * A rate is sustained when every message was echoed, the echoes kept up with the offered rate, and
 * latency did not grow over the step (the last quarter's median is within GROWTH_FACTOR × the first
 * quarter's + GROWTH_SLACK_MS): a growing queue means latency grows without bound.
 */
export function judgeStep(step: EchoStep, options: { tolerateLoss?: boolean } = {}): StepVerdict {
  const got = step.latencies.filter((l): l is number => l !== undefined);
  const lost = step.sent - got.length;
  const achievedRate = step.elapsedMs > 0 ? (got.length * 1000) / step.elapsedMs : 0;
  const quarter = Math.max(1, Math.floor(step.latencies.length / 4));
  const head = step.latencies.slice(0, quarter).filter((l): l is number => l !== undefined);
  const tail = step.latencies.slice(-quarter).filter((l): l is number => l !== undefined);
  const firstQuarterP50 = median(head);
  const lastQuarterP50 = median(tail);
  const base = { lost, achievedRate, firstQuarterP50, lastQuarterP50 };
  if (step.sent === 0) return { ...base, sustained: false, reason: 'nothing sent' };
  if (lost > 0 && !options.tolerateLoss)
    return { ...base, sustained: false, reason: `${lost} of ${step.sent} never echoed` };
  // With losses tolerated, a step needs echoes at both ends to be judged at all: with none in a
  // quarter its median is NaN, and every comparison below with NaN is false, so a step that lost
  // everything (or every early or late echo) would pass as sustained.
  if (!Number.isFinite(firstQuarterP50) || !Number.isFinite(lastQuarterP50))
    return {
      ...base,
      sustained: false,
      reason: got.length === 0 ? 'nothing echoed' : 'no echo in the first or the last quarter of the step',
    };
  // The rate as actually offered (timers may lag a little behind the schedule), against the rate the
  // echoes came back at: from the typical first echo (send + the first quarter's median latency) to
  // the typical last one (the last send + the last quarter's median). Not to the very last echo: that
  // made the check a test of one sample, the final message's latency, so a single late echo at the
  // end of a step (a scheduling hiccup on a busy machine) failed a step whose latency was flat.
  const offered = offeredRate(step);
  const window = step.sendSpanMs + lastQuarterP50 - firstQuarterP50;
  const kept = window > 0 ? (got.length * 1000) / window : Number.POSITIVE_INFINITY;
  // With losses tolerated, the echoes that did come back are held to their share of the rate.
  const share = options.tolerateLoss ? got.length / step.sent : 1;
  if (step.sent > 1 && kept < MIN_THROUGHPUT_SHARE * offered * share) {
    return {
      ...base,
      sustained: false,
      reason: `echoes fell behind (${kept.toFixed(0)}/s of ${offered.toFixed(0)}/s)`,
    };
  }
  if (lastQuarterP50 > GROWTH_FACTOR * firstQuarterP50 + GROWTH_SLACK_MS) {
    return {
      ...base,
      sustained: false,
      reason: `latency grew from ${firstQuarterP50.toFixed(1)} to ${lastQuarterP50.toFixed(1)} ms`,
    };
  }
  return { ...base, sustained: true };
}

/** The rate the sender really achieved: (sent − 1) over the send span, at most the nominal rate. */
export function offeredRate(step: Pick<EchoStep, 'rate' | 'sent' | 'sendSpanMs'>): number {
  if (step.sent < 2 || step.sendSpanMs <= 0) return step.rate;
  return Math.min(step.rate, ((step.sent - 1) * 1000) / step.sendSpanMs);
}

/** The highest offered rate of the steps that were sustained, stopping at the first one that was not. */
export function highestSustained(
  steps: readonly { rate: number; verdict: StepVerdict }[],
): number | undefined {
  let best: number | undefined;
  for (const s of [...steps].sort((a, b) => a.rate - b.rate)) {
    if (!s.verdict.sustained) break;
    best = s.rate;
  }
  return best;
}

/**
 * The steady rate of paced replies, after the pacing's burst: the replies from index `burst` on (in
 * the order they reached the server), their count − 1 over their span, per second. The replies of
 * the burst go out at once and say nothing of the rate. undefined with fewer than two after it.
 */
export function rateAfterBurst(echoTimesMs: readonly number[], burst: number): number | undefined {
  const after = [...echoTimesMs].sort((a, b) => a - b).slice(Math.max(0, burst));
  if (after.length < 2) return undefined;
  const span = after[after.length - 1]! - after[0]!;
  return span > 0 ? ((after.length - 1) * 1000) / span : undefined;
}

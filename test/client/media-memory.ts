/**
 * A memory measurement for streaming tests: samples the live heap and Buffer memory (after a full
 * GC, so garbage does not count) while a transfer runs, and reports the peak growth over the
 * baseline. A transfer that held a whole file in memory shows a growth of about the file's size.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live JS heap and Buffer memory: two full GCs a turn apart, so freed Buffer stores are swept too. */
async function liveBytes(): Promise<number> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export interface MemoryReport {
  baseline: number;
  peak: number;
  /** peak - baseline, in bytes. */
  growth: number;
  samples: number;
}

/**
 * Runs `work` while sampling at most every `everyMs`; a sample's GC is paid for by waiting twice
 * as long before the next one, so the measurement never starves the transfer.
 */
export async function measureMemory<T>(
  work: () => Promise<T>,
  everyMs = 25,
): Promise<{ result: T; report: MemoryReport }> {
  const baseline = await liveBytes();
  let peak = baseline;
  let samples = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = true;
  const sample = async (): Promise<void> => {
    const started = performance.now();
    peak = Math.max(peak, await liveBytes());
    samples += 1;
    const cost = performance.now() - started;
    if (running) timer = setTimeout(() => void sample(), Math.max(everyMs, cost * 2));
  };
  timer = setTimeout(() => void sample(), everyMs);
  try {
    const result = await work();
    running = false;
    peak = Math.max(peak, await liveBytes());
    samples += 1;
    return { result, report: { baseline, peak, growth: peak - baseline, samples } };
  } finally {
    running = false;
    clearTimeout(timer);
  }
}

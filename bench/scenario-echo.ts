/**
 * Scenario 1, echo round trip. The emulator and its phone live in this (driver) process; the client
 * under test runs in a subject process and echoes every text back. The phone sends N texts at a fixed
 * rate and times each echo as webwxsendmsg reaches the emulator: p50/p99 at a low reference rate,
 * then rising rates until one is not sustained (stats.ts#judgeStep). The emulator keeps its real
 * long-poll semantics (synccheck held 25 s, answered at once when a message arrives).
 *
 * With `sessions > 1` (the raw limit only) every phone message reaches every session and a message
 * counts as echoed when all of them have echoed it: that is the emulator's own limit.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Emulator, startEmulator } from '../src/emulator/index.js';
import { forkSubject } from './proc.js';
import {
  type EchoStep,
  highestSustained,
  judgeStep,
  rateAfterBurst,
  type StepVerdict,
  summarise,
} from './stats.js';
import type { BotPacing, Impl } from './subjects.js';

export interface EchoOptions {
  impl: Impl;
  sessions: number;
  /** The low rate p50/p99 are taken at (messages per second), and for how long. */
  referenceRate: number;
  referenceMs: number;
  /** Offered rates, ascending; the ramp stops at the first rate not sustained. */
  rates: number[];
  stepMs: number;
  /** webwx only: echo through a `Bot` (`ctx.reply`) with this pacing instead of a `message` listener. */
  bot?: BotPacing;
  /**
   * Instead of the reference rate and the ramp: `messages` texts offered at `rate` (above the
   * pacing's), every reply awaited, and the steady reply rate after the burst (`rateAfterBurst`).
   */
  paced?: { messages: number; rate: number; burst: number; perSecond: number };
}

export interface EchoStepResult {
  rate: number;
  sent: number;
  p50: number;
  p99: number;
  verdict: StepVerdict;
  /** The same step judged on latency and throughput only, messages never echoed left out. */
  verdictIgnoringLoss: StepVerdict;
  /** CPU of the driver (emulator + phone) during the step, % of one core. */
  emulatorCpuPct: number;
  /** CPU of the client's process during the step, % of one core. */
  clientCpuPct: number;
}

export interface EchoResult {
  impl: Impl;
  sessions: number;
  p50Ms: number;
  p99Ms: number;
  maxSustainedRate: number | undefined;
  /** The highest rate sustained on latency and throughput alone, losses left out (the ramp still stops at the first failure). */
  maxRateIgnoringLoss: number | undefined;
  steps: EchoStepResult[];
  bot?: BotPacing;
  /** With `paced`: when each reply reached the server (ms from the first send), and the rate after the burst. */
  paced?: { sent: number; echoed: number; echoTimesMs: number[]; rateAfterBurst: number | undefined };
}

/** A friend of the demo world. */
const SENDER = 'wxid_zhangwei01';
const DRAIN_MIN_MS = 2000;

export function expectedContacts(emu: Emulator): number {
  return emu.world.listedContacts().length + emu.world.rooms.filter((r) => r.saved).length;
}

/** The phone confirms every QR a short while after it appears (the client is then holding its poll). */
export function autoConfirm(emu: Emulator, onConfirm?: (at: number) => void): () => void {
  return emu.phone.on('qr', (q) => {
    setTimeout(() => {
      try {
        emu.phone.scan(q.uuid);
        emu.phone.confirm(q.uuid);
        onConfirm?.(Date.now());
      } catch {
        // expired or closed meanwhile
      }
    }, 200);
  });
}

export async function runEcho(o: EchoOptions): Promise<EchoResult> {
  const emu = await startEmulator({ world: 'demo', kickPreviousSession: o.sessions === 1 });
  const off = autoConfirm(emu);
  const subject = forkSubject({
    impl: o.impl,
    baseUrl: emu.baseUrl,
    sessions: o.sessions,
    echo: true,
    expectContacts: expectedContacts(emu),
    maxLifetimeMs: 10 * 60_000,
    ...(o.bot ? { bot: o.bot } : {}),
  });
  let stepNo = 0;
  const echoes = new Map<string, { sentAt: number; left: number; latency?: number }>();
  const offSent = emu.phone.on('sent', (r) => {
    const e = echoes.get(r.content);
    if (!e || e.left <= 0) return;
    e.left -= 1;
    if (e.left === 0) e.latency = performance.now() - e.sentAt;
  });

  async function step(
    rate: number,
    stepMs: number,
  ): Promise<{ step: EchoStep; driverCpuUs: number; clientCpuUs: number; wallMs: number }> {
    stepNo += 1;
    const n = Math.max(5, Math.round((rate * stepMs) / 1000));
    const keys: string[] = [];
    const clientBefore = await subject.usage();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    let i = 0;
    let lastSendAt = start;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(n, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
        while (i < due) {
          const key = `b${stepNo}-${i}`;
          keys.push(key);
          lastSendAt = performance.now();
          echoes.set(key, { sentAt: lastSendAt, left: o.sessions });
          emu.phone.sendText({ from: SENDER, text: key });
          i++;
        }
        if (i < n) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    const deadline = lastSendAt + Math.max(DRAIN_MIN_MS, stepMs);
    while (performance.now() < deadline && keys.some((k) => echoes.get(k)?.latency === undefined))
      await sleep(5);
    const latencies = keys.map((k) => echoes.get(k)?.latency);
    // The last echo that came back (the end of the drain wait when none did): messages never echoed
    // are counted as lost, not as time.
    let lastEcho = Number.NEGATIVE_INFINITY;
    for (const k of keys) {
      const e = echoes.get(k)!;
      if (e.latency !== undefined) lastEcho = Math.max(lastEcho, e.sentAt + e.latency);
    }
    if (lastEcho === Number.NEGATIVE_INFINITY) lastEcho = performance.now();
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const clientAfter = await subject.usage();
    for (const k of keys) echoes.delete(k);
    return {
      step: { rate, sent: n, latencies, elapsedMs: lastEcho - start, sendSpanMs: lastSendAt - start },
      driverCpuUs: cpu.user + cpu.system,
      clientCpuUs:
        clientAfter.cpuUserUs + clientAfter.cpuSystemUs - clientBefore.cpuUserUs - clientBefore.cpuSystemUs,
      wallMs,
    };
  }

  const result = (s: Awaited<ReturnType<typeof step>>): EchoStepResult => {
    const got = s.step.latencies.filter((l): l is number => l !== undefined);
    const sum = summarise(got);
    return {
      rate: s.step.rate,
      sent: s.step.sent,
      p50: sum.p50,
      p99: sum.p99,
      verdict: judgeStep(s.step),
      verdictIgnoringLoss: judgeStep(s.step, { tolerateLoss: true }),
      emulatorCpuPct: (s.driverCpuUs / 1000 / s.wallMs) * 100,
      clientCpuPct: (s.clientCpuUs / 1000 / s.wallMs) * 100,
    };
  };

  /** The paced run: every text offered at once-ish, every reply awaited at the pacing's rate. */
  async function pacedRun(p: NonNullable<EchoOptions['paced']>): Promise<NonNullable<EchoResult['paced']>> {
    const start = performance.now();
    const keys: string[] = [];
    for (let i = 0; i < p.messages; i++) {
      const key = `p-${i}`;
      keys.push(key);
      echoes.set(key, { sentAt: performance.now(), left: o.sessions });
      emu.phone.sendText({ from: SENDER, text: key });
      await sleep(1000 / p.rate);
    }
    const deadline = start + ((p.messages - p.burst) / p.perSecond) * 1000 + 10_000;
    while (performance.now() < deadline && keys.some((k) => echoes.get(k)?.latency === undefined))
      await sleep(20);
    const echoTimesMs: number[] = [];
    for (const k of keys) {
      const e = echoes.get(k)!;
      if (e.latency !== undefined) echoTimesMs.push(e.sentAt + e.latency - start);
    }
    echoTimesMs.sort((a, b) => a - b);
    return {
      sent: p.messages,
      echoed: echoTimesMs.length,
      echoTimesMs,
      rateAfterBurst: rateAfterBurst(echoTimesMs, p.burst),
    };
  }

  try {
    await subject.ready;
    await sleep(500);
    if (o.paced) {
      const paced = await pacedRun(o.paced);
      return {
        impl: o.impl,
        sessions: o.sessions,
        p50Ms: Number.NaN,
        p99Ms: Number.NaN,
        maxSustainedRate: undefined,
        maxRateIgnoringLoss: undefined,
        steps: [],
        ...(o.bot ? { bot: o.bot } : {}),
        paced,
      };
    }
    await step(400, 500); // warm-up (JIT, connections), not counted
    await sleep(300);
    const reference = result(await step(o.referenceRate, o.referenceMs));
    const steps: EchoStepResult[] = [];
    for (const rate of o.rates) {
      const s = result(await step(rate, o.stepMs));
      steps.push(s);
      if (!s.verdictIgnoringLoss.sustained) break;
      await sleep(200);
    }
    return {
      impl: o.impl,
      sessions: o.sessions,
      p50Ms: reference.p50,
      p99Ms: reference.p99,
      maxSustainedRate: highestSustained(steps),
      maxRateIgnoringLoss: highestSustained(
        steps.map((s) => ({ rate: s.rate, verdict: s.verdictIgnoringLoss })),
      ),
      steps: [reference, ...steps].map((s, idx) => (idx === 0 ? { ...s, rate: o.referenceRate } : s)),
      ...(o.bot ? { bot: o.bot } : {}),
    };
  } finally {
    offSent();
    off();
    await subject.stop();
    await emu.close();
  }
}

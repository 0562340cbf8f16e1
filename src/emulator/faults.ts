/**
 * Fault injection: make an endpoint misbehave on purpose. Endpoint names are the bare path names
 * ('synccheck', 'webwxsync', 'jslogin', 'login', 'qrcode', …), or '*' for every protocol endpoint.
 * A fault applies by probability and/or a number of times (inject), or per request in a scripted
 * order (script). Session faults (expire, redeliver) act on the session the request belongs to.
 */
import { InvalidArgumentError } from '../errors.js';
import { authenticate, type EmulatorContext, endSession } from './route-context.js';
import type { EmuRequest } from './served-request.js';

/** How an endpoint misbehaves: one of the kinds below (docs/emulator.md "Faults"). */
export type Fault =
  /** Answer 200 with the reply cut in half (not what the endpoint sends). */
  | { kind: 'malformed' }
  /** Answer this HTTP status with a short text body, without running the endpoint. */
  | { kind: 'http-status'; status: number }
  /** Destroy the connection without answering. */
  | { kind: 'reset' }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number }
  /** Answer this Ret (JSON), retcode (synccheck), window.code (login poll) or <ret> (login page). */
  | { kind: 'ret'; ret: number }
  /**
   * Never answer: hold the request (for `ms`, default until the client gives up or the emulator
   * closes), then drop the connection. A synccheck that hangs.
   */
  | { kind: 'hang'; ms?: number }
  /** The request's session expires (ended with `code`, default 1102), then the endpoint answers as for a dead session. */
  | { kind: 'expire'; code?: 1100 | 1101 | 1102 }
  /**
   * webwxsync (or any endpoint of a session): the messages the session already saw acknowledged are
   * queued again, same MsgIds, before the endpoint runs (a server re-delivering acknowledged messages).
   */
  | { kind: 'redeliver' };

/** When an injected fault applies: how many times, and with what probability. */
export interface FaultOptions {
  /** How many requests it applies to; default: every request until cleared. */
  times?: number;
  /** Chance (0..1) that a request is hit; default 1. Misses do not count towards times. */
  probability?: number;
}

/** A fault in the table (from `inject` or `script`), with its hit count. */
export interface InjectedFault {
  /** The endpoint it applies to, or '*'. */
  readonly endpoint: string;
  /** The fault (for a script: its first step that is not null). */
  readonly fault: Fault;
  /** Requests it has hit so far. */
  readonly hits: number;
  /** Takes it out of the table; calling it again does nothing. */
  remove(): void;
}

/**
 * `emu.faults`: make endpoints misbehave on purpose. Names are the bare path names ('synccheck',
 * 'webwxsync', 'jslogin'…) or '*' for every protocol endpoint, never the phone API. Bad arguments throw.
 */
export interface Faults {
  /** Adds a fault for `endpoint`: every request until removed, unless `options` limit it. */
  inject(endpoint: string, fault: Fault, options?: FaultOptions): InjectedFault;
  /** Remove every fault. */
  clear(): void;
  /** The faults still active, in injection order. */
  list(): InjectedFault[];
  /**
   * A script: the n-th request to `endpoint` (from now) gets steps[n]; null lets that request through.
   * With `loop`, the script starts over at its end; otherwise it is removed after its last step.
   */
  script(endpoint: string, steps: readonly (Fault | null)[], options?: { loop?: boolean }): InjectedFault;
}

/** How long a hang without `ms` holds at most (the client or close() ends it sooner). */
export const HANG_MAX_MS = 10 * 60_000;

interface Entry {
  endpoint: string;
  fault: Fault;
  remaining: number;
  probability: number;
  hits: number;
  /** Scripted entries: the steps and the next one. */
  script?: { steps: readonly (Fault | null)[]; next: number; loop: boolean };
}

function checkFault(fault: Fault): void {
  if (fault.kind === 'http-status' && !(fault.status >= 100 && fault.status <= 599)) {
    throw new InvalidArgumentError('faults.inject', 'faults.inject: status must be an HTTP status code');
  }
  if ((fault.kind === 'delay' || (fault.kind === 'hang' && fault.ms !== undefined)) && !(fault.ms! >= 0)) {
    throw new InvalidArgumentError('faults.inject', 'faults.inject: ms must be a non-negative number');
  }
  if (fault.kind === 'expire' && fault.code !== undefined && ![1100, 1101, 1102].includes(fault.code)) {
    throw new InvalidArgumentError('faults.inject', 'faults.inject: expire code must be 1100, 1101 or 1102');
  }
}

export class FaultTable implements Faults {
  private entries: Entry[] = [];

  private ctx: EmulatorContext | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  /** Gives session faults (expire, redeliver) access to the sessions. */
  bind(ctx: EmulatorContext): this {
    this.ctx = ctx;
    return this;
  }

  inject(endpoint: string, fault: Fault, options: FaultOptions = {}): InjectedFault {
    if (!endpoint)
      throw new InvalidArgumentError('faults.inject', 'faults.inject: endpoint must be a path name or "*"');
    const times = options.times ?? Number.POSITIVE_INFINITY;
    const probability = options.probability ?? 1;
    if (!(times > 0))
      throw new InvalidArgumentError('faults.inject', 'faults.inject: times must be positive');
    if (!(probability >= 0 && probability <= 1))
      throw new InvalidArgumentError('faults.inject', 'faults.inject: probability must be in [0, 1]');
    checkFault(fault);
    const entry: Entry = { endpoint, fault, remaining: times, probability, hits: 0 };
    this.entries.push(entry);
    return this.view(entry);
  }

  script(
    endpoint: string,
    steps: readonly (Fault | null)[],
    options: { loop?: boolean } = {},
  ): InjectedFault {
    if (!endpoint)
      throw new InvalidArgumentError('faults.script', 'faults.script: endpoint must be a path name or "*"');
    if (steps.length === 0)
      throw new InvalidArgumentError('faults.script', 'faults.script: steps must not be empty');
    for (const step of steps) if (step) checkFault(step);
    const first = steps.find((x): x is Fault => x !== null) ?? { kind: 'delay', ms: 0 };
    const entry: Entry = {
      endpoint,
      fault: first,
      remaining: Number.POSITIVE_INFINITY,
      probability: 1,
      hits: 0,
      script: { steps: [...steps], next: 0, loop: options.loop ?? false },
    };
    this.entries.push(entry);
    return this.view(entry);
  }

  /**
   * Session faults: 'expire' ends the request's session, 'redeliver' queues its acknowledged
   * messages again. Other kinds (and requests of no session) are left alone.
   */
  applyToSession(req: EmuRequest, fault: Fault): void {
    const ctx = this.ctx;
    if (!ctx || (fault.kind !== 'expire' && fault.kind !== 'redeliver')) return;
    const auth = authenticate(ctx, req);
    if (!auth.ok) return;
    if (fault.kind === 'expire') endSession(auth.ctx, auth.session, fault.code ?? 1102, 'expired');
    else auth.session.redeliverAcked();
  }

  clear(): void {
    this.entries = [];
  }

  list(): InjectedFault[] {
    return this.entries.map((e) => this.view(e));
  }

  /** The fault to apply to one request to endpoint, if any (consumes one of its times). */
  take(endpoint: string): Fault | undefined {
    for (const e of this.entries) {
      if (e.endpoint !== endpoint && e.endpoint !== '*') continue;
      if (e.script) {
        const s = e.script;
        const step = s.steps[s.next] ?? null;
        s.next += 1;
        if (s.next >= s.steps.length) {
          if (s.loop) s.next = 0;
          else this.entries = this.entries.filter((x) => x !== e);
        }
        if (step === null) return undefined;
        e.hits += 1;
        return step;
      }
      if (e.probability < 1 && this.random() >= e.probability) continue;
      e.hits += 1;
      e.remaining -= 1;
      if (e.remaining <= 0) this.entries = this.entries.filter((x) => x !== e);
      return e.fault;
    }
    return undefined;
  }

  private view(e: Entry): InjectedFault {
    const table = this;
    return {
      endpoint: e.endpoint,
      fault: e.fault,
      get hits() {
        return e.hits;
      },
      remove() {
        table.entries = table.entries.filter((x) => x !== e);
      },
    };
  }
}

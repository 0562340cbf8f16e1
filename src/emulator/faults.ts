/**
 * Fault injection: make an endpoint misbehave on purpose. Endpoint names are the bare path names
 * ('synccheck', 'webwxsync', 'jslogin', 'login', 'qrcode', …), or '*' for every protocol endpoint.
 */

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
  | { kind: 'ret'; ret: number };

export interface FaultOptions {
  /** How many requests it applies to; default: every request until cleared. */
  times?: number;
  /** Chance (0..1) that a request is hit; default 1. Misses do not count towards times. */
  probability?: number;
}

export interface InjectedFault {
  readonly endpoint: string;
  readonly fault: Fault;
  /** Requests it has hit so far. */
  readonly hits: number;
  remove(): void;
}

export interface Faults {
  inject(endpoint: string, fault: Fault, options?: FaultOptions): InjectedFault;
  /** Remove every fault. */
  clear(): void;
  /** The faults still active, in injection order. */
  list(): InjectedFault[];
}

interface Entry {
  endpoint: string;
  fault: Fault;
  remaining: number;
  probability: number;
  hits: number;
}

export class FaultTable implements Faults {
  private entries: Entry[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  inject(endpoint: string, fault: Fault, options: FaultOptions = {}): InjectedFault {
    if (!endpoint) throw new Error('faults.inject: endpoint must be a path name or "*"');
    const times = options.times ?? Number.POSITIVE_INFINITY;
    const probability = options.probability ?? 1;
    if (!(times > 0)) throw new Error('faults.inject: times must be positive');
    if (!(probability >= 0 && probability <= 1))
      throw new Error('faults.inject: probability must be in [0, 1]');
    if (fault.kind === 'http-status' && !(fault.status >= 100 && fault.status <= 599)) {
      throw new Error('faults.inject: status must be an HTTP status code');
    }
    const entry: Entry = { endpoint, fault, remaining: times, probability, hits: 0 };
    this.entries.push(entry);
    return this.view(entry);
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

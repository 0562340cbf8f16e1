/**
 * The abort of one request: its timer or the caller's signal (caller-signals.ts) aborts it, and
 * undici then drops the request and fails it with `reason`. An EventEmitter, which undici's `signal`
 * option takes beside an AbortSignal (documented: `AbortSignal | EventEmitter | null`; it listens
 * for 'abort' once and reads `reason`).
 *
 * Why not an AbortController per request: its signal, with undici's listener added to and removed
 * from that EventTarget on every request, cost 50 µs of client CPU a request (issue #18: sequential
 * loopback POSTs, both transports in one process, medians of 16 interleaved rounds of 2,000: 260 µs
 * a request with the controller, 226 with this; 7–10 µs for the controller alone in a tight loop,
 * the rest its garbage), three requests an echo at low rates. Guarded by the echo's "client CPU at
 * that rate" row (`npm run bench -- --only echo`, docs/benchmarks.md).
 */
import { EventEmitter } from 'node:events';

/** One request's abort, handed to undici as the request's `signal`. */
export class RequestAbort extends EventEmitter {
  /** Whether {@link abort} was called. */
  aborted = false;
  /** What {@link abort} was called with (undici fails the request with it); undefined before. */
  reason: unknown = undefined;

  /** Aborts the request with `reason`; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

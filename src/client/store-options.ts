/**
 * The session-related options (docs/sessions.md), resolved: the 1205 back-off of the send queue and
 * the stable-id store a SqliteStore or PostgresStore provides.
 */
import { InvalidArgumentError } from '../errors.js';
import type { StableIdStore } from './contacts/stable-id-types.js';

export const DEFAULT_RATE_LIMIT = Object.freeze({ maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 30_000 });

export function resolveRateLimit(
  value: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number } | undefined,
): { maxAttempts: number; baseDelayMs: number; maxDelayMs: number } {
  const pick = (v: number | undefined, fallback: number, name: string, min: number): number => {
    if (v === undefined) return fallback;
    if (!Number.isFinite(v) || v < min)
      throw new InvalidArgumentError('', `rateLimit.${name} must be a number ≥ ${min}`);
    return v;
  };
  return {
    maxAttempts: Math.trunc(pick(value?.maxAttempts, DEFAULT_RATE_LIMIT.maxAttempts, 'maxAttempts', 1)),
    baseDelayMs: pick(value?.baseDelayMs, DEFAULT_RATE_LIMIT.baseDelayMs, 'baseDelayMs', 0),
    maxDelayMs: pick(value?.maxDelayMs, DEFAULT_RATE_LIMIT.maxDelayMs, 'maxDelayMs', 0),
  };
}

/** The stable-id store of a store that offers one (SqliteStore, PostgresStore: stableIdStore()), else undefined. */
export function storeStableIds(store: unknown): StableIdStore | undefined {
  const candidate = store as { stableIdStore?: () => StableIdStore } | undefined;
  return typeof candidate?.stableIdStore === 'function' ? candidate.stableIdStore() : undefined;
}

import { describe, expect, it } from 'vitest';
import {
  classifySyncCheck,
  IdleSyncBackoff,
  PushHostRotation,
  syncMadeProgress,
} from '../../../src/client/sync/sync-policy.js';

describe('classifySyncCheck', () => {
  it('selector 0 is idle', () => {
    expect(classifySyncCheck({ retcode: 0, selector: 0 })).toEqual({ kind: 'idle' });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 42])('selector %i leads to a webwxsync', (selector) => {
    expect(classifySyncCheck({ retcode: 0, selector })).toEqual({ kind: 'sync', selector });
  });

  it.each([
    [1100, 'logged-out-on-phone'],
    [1101, 'logged-in-elsewhere'],
    [1102, 'session-expired'],
  ] as const)('retcode %i ends the session (%s), whatever the selector', (retcode, reason) => {
    expect(classifySyncCheck({ retcode, selector: 2 })).toEqual({ kind: 'logged-out', reason, retcode });
  });

  it.each([1, -1, 1205, 9999])('any other retcode (%i) is transient', (retcode) => {
    expect(classifySyncCheck({ retcode, selector: 0 })).toEqual({ kind: 'transient', retcode });
  });
});

describe('PushHostRotation', () => {
  it('starts on the primary and drops a duplicate of it from the fallbacks', () => {
    const r = new PushHostRotation('https://p', ['https://a', 'https://p', 'https://b']);
    expect(r.hosts).toEqual(['https://p', 'https://a', 'https://b']);
    expect(r.current).toBe('https://p');
    expect(r.onPrimary).toBe(true);
  });

  it('moves on after `rotateAfter` consecutive failures, wraps around, and returns to the primary on success', () => {
    const r = new PushHostRotation('https://p', ['https://a', 'https://b'], 2);
    expect(r.failure()).toBe(false);
    expect(r.current).toBe('https://p');
    expect(r.failure()).toBe(true);
    expect(r.current).toBe('https://a');
    expect(r.onPrimary).toBe(false);
    r.failure();
    r.failure();
    expect(r.current).toBe('https://b');
    r.failure();
    r.failure();
    expect(r.current).toBe('https://p');
    r.failure();
    r.failure();
    expect(r.current).toBe('https://a');
    r.success();
    expect(r.current).toBe('https://p');
    // The failure count restarts after a success.
    expect(r.failure()).toBe(false);
  });

  it('never moves without fallbacks', () => {
    const r = new PushHostRotation('https://p', []);
    for (let i = 0; i < 5; i++) expect(r.failure()).toBe(false);
    expect(r.current).toBe('https://p');
  });
});

describe('IdleSyncBackoff (selector 6/7 never spin)', () => {
  it('waits longer for each fruitless round, capped, and not at all after progress', () => {
    const b = new IdleSyncBackoff(1000, 5000);
    expect(b.next(true)).toBe(0);
    expect(b.next(false)).toBe(1000);
    expect(b.next(false)).toBe(2000);
    expect(b.next(false)).toBe(4000);
    expect(b.next(false)).toBe(5000);
    expect(b.next(false)).toBe(5000);
    expect(b.next(true)).toBe(0);
    expect(b.next(false)).toBe(1000);
  });
});

describe('syncMadeProgress', () => {
  const empty = { AddMsgList: [], ModContactList: [], DelContactList: [] };
  it('is false only for an empty reply that left the key alone', () => {
    expect(syncMadeProgress(empty, false)).toBe(false);
    expect(syncMadeProgress(empty, true)).toBe(true);
    expect(syncMadeProgress({ ...empty, AddMsgList: [{}] }, false)).toBe(true);
    expect(syncMadeProgress({ ...empty, ModContactList: [{}] }, false)).toBe(true);
    expect(syncMadeProgress({ ...empty, DelContactList: [{}] }, false)).toBe(true);
  });
});

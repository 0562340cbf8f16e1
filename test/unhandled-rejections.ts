/**
 * What the tests of "nothing left unhandled" (docs/sessions.md, issue 17) watch: every promise
 * rejection nobody handled during a test, caught by a process-level `unhandledRejection` listener
 * that is on only while the test runs.
 */
import { afterEach, beforeEach } from 'vitest';

/**
 * Watches for unhandled rejections during each test of the file (call it once, at its top): the
 * array returned holds the reasons seen in the current test, and is emptied before each one.
 */
export function watchUnhandledRejections(): readonly unknown[] {
  const reasons: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    reasons.push(reason);
  };
  beforeEach(() => {
    reasons.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  return reasons;
}

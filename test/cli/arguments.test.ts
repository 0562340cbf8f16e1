import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parseFaultFlag,
  parseLogLevel,
  parsePort,
  parseSeconds,
  parseServerUrl,
  parseTiming,
} from '../../src/cli/arguments.js';
import { CliError } from '../../src/cli/cli-io.js';

describe('command-line values', () => {
  it('reads --fault ENDPOINT:KIND[=VALUE][@TIMES], collecting repeats', () => {
    const one = parseFaultFlag('synccheck:http-status=502@3');
    expect(one).toEqual([{ endpoint: 'synccheck', fault: { kind: 'http-status', status: 502 }, times: 3 }]);
    expect(parseFaultFlag('webwxsync:delay=3000', one)).toEqual([
      ...one,
      { endpoint: 'webwxsync', fault: { kind: 'delay', ms: 3000 } },
    ]);
    expect(parseFaultFlag('*:reset@1')).toEqual([{ endpoint: '*', fault: { kind: 'reset' }, times: 1 }]);
    expect(parseFaultFlag('synccheck:expire=1102')[0]!.fault).toEqual({ kind: 'expire', code: 1102 });
    expect(parseFaultFlag('webwxsendmsg:ret=1205')[0]!.fault).toEqual({ kind: 'ret', ret: 1205 });
    for (const bad of ['synccheck', 'synccheck:boom', 'synccheck:delay', 'synccheck:reset=3', 'x:ret=1@0'])
      expect(() => parseFaultFlag(bad)).toThrow(/--fault: /);
  });

  it('reads --timing NAME=DURATION pairs by the emulator’s names', () => {
    expect(parseTiming('syncCheckHoldMs=5s,loginPollHoldMs=500ms,qrExpiryMs=2m')).toEqual({
      syncCheckHoldMs: 5000,
      loginPollHoldMs: 500,
      qrExpiryMs: 120_000,
    });
    expect(() => parseTiming('hold=5s')).toThrow(/--timing: expected NAME=DURATION/);
    expect(() => parseTiming('qrExpiryMs=soon')).toThrow(/--timing qrExpiryMs: expected a duration/);
  });

  it('accepts durations such as 30s, 500ms, 5m, 1h (bare numbers are seconds)', () => {
    const d = parseDuration('--session-expiry');
    expect([d('30s'), d('500ms'), d('5m'), d('1h'), d('2'), d('1.5s')]).toEqual([
      30_000, 500, 300_000, 3_600_000, 2000, 1500,
    ]);
    for (const bad of ['', '0s', '-1s', 'soon', '10d', '1e3', '999h'])
      expect(() => d(bad)).toThrow(/--session-expiry: expected a duration/);
  });

  it('accepts ports 0 to 65535 only', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('8080')).toBe(8080);
    for (const bad of ['-1', '65536', 'abc', '80.5', '', '1e3'])
      expect(() => parsePort(bad)).toThrow(CliError);
  });

  it('accepts an http(s) origin for --server', () => {
    expect(parseServerUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(parseServerUrl('https://wx.qq.com/')).toBe('https://wx.qq.com');
    expect(() => parseServerUrl('ftp://x')).toThrow(/scheme/);
    expect(() => parseServerUrl('not a url')).toThrow(CliError);
    expect(() => parseServerUrl('http://x/cgi-bin')).toThrow(/path/);
  });

  it('validates durations and log levels', () => {
    expect(parseSeconds('--duration')('1.5')).toBe(1.5);
    expect(() => parseSeconds('--duration')('0')).toThrow(/--duration/);
    expect(() => parseSeconds('--duration')('soon')).toThrow(CliError);
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(() => parseLogLevel('loud')).toThrow(/silent/);
  });
});

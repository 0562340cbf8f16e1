import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PACING,
  DEFAULT_TIMEOUTS,
  normaliseBaseUrl,
  resolveOptions,
} from '../../src/client/options.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { DEFAULT_HOSTS, DEFAULT_SYNCCHECK_FALLBACKS, UOS_EXTSPAM } from '../../src/protocol/index.js';
import { DEFAULT_RETRY_POLICY } from '../../src/transport/index.js';

describe('resolveOptions', () => {
  it('defaults to the real service', () => {
    const o = resolveOptions();
    expect(o.hosts).toEqual(DEFAULT_HOSTS);
    expect(o.explicitHosts).toEqual({});
    expect(o.syncCheckFallbackHosts).toEqual([...new Set(DEFAULT_SYNCCHECK_FALLBACKS)]);
    expect(o.lang).toBe('zh_CN');
    expect(o.uos).toEqual({ enabled: true, extspam: UOS_EXTSPAM });
    expect(o.logger).toBe(silentLogger);
    expect(o.timeouts).toEqual({ requestMs: 30_000, syncCheckMs: 35_000, loginPollMs: 35_000 });
    expect(o.timeouts).toEqual(DEFAULT_TIMEOUTS);
    expect(o.retry).toEqual(DEFAULT_RETRY_POLICY);
    expect(o.now).toBe(Date.now);
    expect(o.random).toBe(Math.random);
  });

  it('points every host at `server` and has no push fallbacks then', () => {
    const o = resolveOptions({ server: 'http://127.0.0.1:1234/' });
    const base = 'http://127.0.0.1:1234';
    expect(o.hosts).toEqual({ login: base, qr: base, main: base, file: base, push: base });
    expect(o.syncCheckFallbackHosts).toEqual([]);
    expect(o.explicitHosts).toEqual({});
  });

  it('lets `hosts` override single hosts, over `server` too, and remembers them', () => {
    const o = resolveOptions({ server: 'http://127.0.0.1:1', hosts: { push: 'push.example:8443' } });
    expect(o.hosts.push).toBe('https://push.example:8443');
    expect(o.hosts.main).toBe('http://127.0.0.1:1');
    expect(o.explicitHosts).toEqual({ push: 'https://push.example:8443' });
  });

  it('normalises and dedupes fallback hosts', () => {
    const o = resolveOptions({
      syncCheckFallbackHosts: ['webpush.wx2.qq.com', 'https://webpush.wx2.qq.com/'],
    });
    expect(o.syncCheckFallbackHosts).toEqual(['https://webpush.wx2.qq.com']);
  });

  it('merges partial timeouts, retry and uos', () => {
    const now = () => 42;
    const o = resolveOptions({
      timeouts: { syncCheckMs: 1000 },
      retry: { maxAttempts: 2 },
      uos: { enabled: false },
      now,
      lang: 'en_US',
    });
    expect(o.timeouts).toEqual({ requestMs: 30_000, syncCheckMs: 1000, loginPollMs: 35_000 });
    expect(o.retry).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
    expect(o.uos).toEqual({ enabled: false, extspam: UOS_EXTSPAM });
    expect(o.now).toBe(now);
    expect(o.lang).toBe('en_US');
  });

  it('rejects nonsense', () => {
    expect(() => resolveOptions({ timeouts: { requestMs: 0 } })).toThrow(InvalidArgumentError);
    expect(() => resolveOptions({ timeouts: { requestMs: Number.NaN } })).toThrow(InvalidArgumentError);
    expect(() => resolveOptions({ server: 'http://' })).toThrow(InvalidArgumentError);
  });
});

describe('normaliseBaseUrl', () => {
  it.each([
    ['wx.qq.com', 'https://wx.qq.com'],
    ['https://wx.qq.com/', 'https://wx.qq.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['  http://localhost:1/base/ ', 'http://localhost:1/base'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseBaseUrl(input)).toBe(expected);
  });
});

describe('pacing', () => {
  it('defaults to DEFAULT_PACING (1 a second, bursts of 5), merges a partial one, turns off with false, refuses nonsense', () => {
    expect(DEFAULT_PACING).toEqual({ perSecond: 1, burst: 5, perChatMs: 0 });
    expect(resolveOptions({}).pacing).toEqual(DEFAULT_PACING);
    expect(resolveOptions({ pacing: { perSecond: 3 } }).pacing).toEqual({
      perSecond: 3,
      burst: 5,
      perChatMs: 0,
    });
    expect(resolveOptions({ pacing: { burst: 2.7, perChatMs: 500 } }).pacing).toEqual({
      perSecond: 1,
      burst: 2,
      perChatMs: 500,
    });
    expect(resolveOptions({ pacing: false }).pacing).toBe(false);
    expect(() => resolveOptions({ pacing: { perSecond: 0 } })).toThrow(InvalidArgumentError);
    expect(() => resolveOptions({ pacing: { burst: 0 } })).toThrow(InvalidArgumentError);
    expect(() => resolveOptions({ pacing: { perChatMs: -1 } })).toThrow(InvalidArgumentError);
    expect(() => resolveOptions({ pacing: true as never })).toThrow(InvalidArgumentError);
  });
});

describe('network', () => {
  it('takes interceptors beside a proxy, copied, and refuses what is not an array of functions', () => {
    const gate: Dispatcher.DispatcherComposeInterceptor = (dispatch) => dispatch;
    const list = [gate];
    const o = resolveOptions({ proxy: 'http://127.0.0.1:3128', interceptors: list });
    expect(o.network).toEqual({ proxy: 'http://127.0.0.1:3128/', interceptors: [gate] });
    expect(o.network.interceptors).not.toBe(list);
    expect(resolveOptions({}).network).toEqual({});
    for (const bad of ['x', [1], [gate, null], {}])
      expect(() => resolveOptions({ interceptors: bad as never })).toThrow(InvalidArgumentError);
  });
});

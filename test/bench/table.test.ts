import { describe, expect, it } from 'vitest';
import {
  formatCell,
  formatNumber,
  formatRatio,
  judge,
  judgeAbsolute,
  renderTable,
} from '../../bench/table.js';

describe('formatNumber', () => {
  it('keeps three significant digits and groups thousands', () => {
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(123.45)).toBe('123');
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('–');
  });
});

describe('cells, ratios and verdicts', () => {
  it('formats a missing or explained value', () => {
    expect(formatCell(undefined)).toBe('–');
    expect(formatCell({ na: 'cannot log in' })).toBe('n/a (cannot log in)');
    expect(formatCell(2.5)).toBe('2.50');
  });
  it('ratios need two numbers', () => {
    expect(formatRatio(3, 2)).toBe('1.50×');
    expect(formatRatio(3, { na: 'x' })).toBe('–');
    expect(formatRatio(3, 0)).toBe('–');
  });
  it('judges against a factor of another figure, either way', () => {
    expect(judge(1.1, 1, 1.2, 'lower')).toBe(true);
    expect(judge(1.3, 1, 1.2, 'lower')).toBe(false);
    expect(judge(800, 1000, 0.8, 'higher')).toBe(true);
    expect(judge(700, 1000, 0.8, 'higher')).toBe(false);
    expect(judge(700, { na: 'x' }, 0.8, 'higher')).toBeUndefined();
  });
  it('judges against an absolute bound', () => {
    expect(judgeAbsolute(59, 60, 'lower')).toBe(true);
    expect(judgeAbsolute(61, 60, 'lower')).toBe(false);
    expect(judgeAbsolute(undefined, 60, 'lower')).toBeUndefined();
  });
});

describe('renderTable', () => {
  it('renders a markdown table with ratios and verdicts', () => {
    const text = renderTable([
      {
        metric: 'p50',
        unit: 'ms',
        webwx: 2,
        wechat4u: 4,
        limit: 1,
        target: { text: '≤ 1.2× limit', met: false },
      },
      {
        metric: 'rate | peak',
        unit: 'msg/s',
        webwx: 900,
        wechat4u: { na: 'no' },
        limit: 1000,
        target: { text: 't', met: true },
      },
      { metric: 'idle', unit: 'MB', webwx: 1, wechat4u: 1, limit: 1, target: { text: 'u', met: undefined } },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      '| figure | unit | webwx | wechat4u | limit | webwx/wechat4u | webwx/limit | target |',
    );
    expect(lines[1]).toBe('|---|---|---:|---:|---:|---:|---:|---|');
    expect(lines[2]).toBe('| p50 | ms | 2.00 | 4.00 | 1.00 | 0.50× | 2.00× | ≤ 1.2× limit: **missed** |');
    expect(lines[3]).toBe('| rate \\| peak | msg/s | 900 | n/a (no) | 1,000 | – | 0.90× | t: met |');
    expect(lines[4]).toContain('u: ?');
    expect(lines).toHaveLength(5);
  });
});

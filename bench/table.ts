/**
 * The results table: one row per figure, absolute values for webwx, wechat4u and the limit, the
 * ratios webwx/wechat4u and webwx/limit, and the target with its verdict. Pure (no I/O): unit-tested
 * in test/bench/table.test.ts.
 */
import { ratio } from './stats.js';

/** A measured value, or why there is none. */
export type Cell = number | { na: string } | undefined;

export interface Target {
  text: string;
  /** undefined: could not be judged (a figure is missing). */
  met: boolean | undefined;
}

export interface Row {
  metric: string;
  unit: string;
  webwx: Cell;
  wechat4u: Cell;
  limit: Cell;
  target?: Target;
}

/** A row of webwx's figure alone (wechat4u and the limit not measured): the scale and failover rows. */
export function webwxOnlyRow(metric: string, unit: string, webwx: Cell, target?: Target): Row {
  const notMeasured = { na: 'not measured' };
  return { metric, unit, webwx, wechat4u: notMeasured, limit: notMeasured, ...(target ? { target } : {}) };
}

function value(cell: Cell): number | undefined {
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : undefined;
}

/** 3 significant digits, thousands grouped: 0.0123, 1.23, 12.3, 123, 1,234, 12,345. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (abs === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(abs)));
  return v.toFixed(digits);
}

export function formatCell(cell: Cell): string {
  if (cell === undefined) return '–';
  if (typeof cell === 'number') return formatNumber(cell);
  return `n/a (${cell.na})`;
}

export function formatRatio(a: Cell, b: Cell): string {
  const r = ratio(value(a), value(b));
  return r === undefined ? '–' : `${r.toFixed(2)}×`;
}

/** Within `factor` of b when lower is better (a ≤ factor·b); at least `factor` of b when higher is. */
export function judge(a: Cell, b: Cell, factor: number, better: 'lower' | 'higher'): boolean | undefined {
  const r = ratio(value(a), value(b));
  if (r === undefined) return undefined;
  return better === 'lower' ? r <= factor : r >= factor;
}

/** An absolute bound on webwx's figure. */
export function judgeAbsolute(a: Cell, bound: number, better: 'lower' | 'higher'): boolean | undefined {
  const v = value(a);
  if (v === undefined) return undefined;
  return better === 'lower' ? v <= bound : v >= bound;
}

function verdict(t: Target | undefined): string {
  if (!t) return '';
  const mark = t.met === undefined ? '?' : t.met ? 'met' : '**missed**';
  return `${t.text}: ${mark}`;
}

function escapePipes(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** A GitHub-flavoured markdown table. */
export function renderTable(rows: readonly Row[]): string {
  const head = ['figure', 'unit', 'webwx', 'wechat4u', 'limit', 'webwx/wechat4u', 'webwx/limit', 'target'];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i < 2 || i === 7 ? '---' : '---:')).join('|')}|`,
  ];
  for (const r of rows) {
    const cells = [
      r.metric,
      r.unit,
      formatCell(r.webwx),
      formatCell(r.wechat4u),
      formatCell(r.limit),
      formatRatio(r.webwx, r.wechat4u),
      formatRatio(r.webwx, r.limit),
      verdict(r.target),
    ];
    lines.push(`| ${cells.map(escapePipes).join(' | ')} |`);
  }
  return lines.join('\n');
}

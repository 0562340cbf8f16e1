/**
 * The restart scenario's figures (scenario-restart.ts): medians over the runs, and the table's rows
 * (webwx against wechat4u, and the limit restarted from its saved credentials: the floor, also with a
 * store, on undici and on node:http).
 */
import type { RestartResult } from './scenario-restart.js';
import { median } from './stats.js';
import { judge, type Row } from './table.js';

/** One implementation's restarts: the medians of its runs. */
export interface RestartSummary {
  /** Process start (fork) → the echo of the text sent right after, ms. */
  firstReplyMs: number;
  /** Process start → its code loaded and the client about to start, ms. */
  loadedMs: number;
  runs: RestartResult[];
}

export type RestartResults = Partial<Record<RestartResult['impl'], RestartSummary>>;

/** The medians of each implementation's runs. */
export function collectRestart(
  runs: Partial<Record<RestartResult['impl'], RestartResult[]>>,
): RestartResults {
  const out: RestartResults = {};
  for (const [impl, list] of Object.entries(runs) as [RestartResult['impl'], RestartResult[]][]) {
    if (list.length === 0) continue;
    out[impl] = {
      firstReplyMs: median(list.map((r) => r.firstReplyMs)),
      loadedMs: median(list.map((r) => r.loadedMs)),
      runs: list,
    };
  }
  return out;
}

/** The table's rows for the restart scenario. */
export function restartRows(r: RestartResults): Row[] {
  const cell = (impl: RestartResult['impl'], pick: (s: RestartSummary) => number) => {
    const s = r[impl];
    return s === undefined ? { na: 'not run' } : pick(s) / 1000;
  };
  const reply = {
    webwx: cell('webwx', (s) => s.firstReplyMs),
    wechat4u: cell('wechat4u', (s) => s.firstReplyMs),
    limit: cell('limit', (s) => s.firstReplyMs),
  };
  return [
    {
      metric: 'restart with a saved session, big account: process start → first reply',
      unit: 's',
      ...reply,
      target: { text: 'webwx ≤ 0.5× wechat4u', met: judge(reply.webwx, reply.wechat4u, 0.5, 'lower') },
    },
    {
      metric: "of which: process start → code loaded (Node and the client's modules)",
      unit: 's',
      webwx: cell('webwx', (s) => s.loadedMs),
      wechat4u: cell('wechat4u', (s) => s.loadedMs),
      limit: cell('limit', (s) => s.loadedMs),
    },
    // The floor for a client that loses nothing, on undici as webwx and on Node's own http: in the
    // limit's column, no target.
    ...limitRow(
      r,
      'limit-store',
      'the limit with a store (session in SQLite, each reply recorded before it goes out): process start → first reply',
    ),
    ...limitRow(
      r,
      'limit-store-node-http',
      "the same limit with a store on Node's own http instead of undici: process start → first reply",
    ),
  ];
}

/** A row with one of the limits in the limit's column, when it ran. */
function limitRow(r: RestartResults, impl: RestartResult['impl'], metric: string): Row[] {
  const s = r[impl];
  if (s === undefined) return [];
  return [
    {
      metric,
      unit: 's',
      webwx: { na: 'not webwx' },
      wechat4u: { na: 'not wechat4u' },
      limit: s.firstReplyMs / 1000,
    },
  ];
}

/** The restart scenario's summary and rows (bench/restart-rows.ts): medians, seconds, the target judged. */
import { describe, expect, it } from 'vitest';
import { collectRestart, restartRows } from '../../bench/restart-rows.js';
import type { RestartResult } from '../../bench/scenario-restart.js';

const run = (impl: RestartResult['impl'], firstReplyMs: number, loadedMs = 100): RestartResult => ({
  impl,
  firstReplyMs,
  loadedMs,
  qrDuringRestart: 0,
});

describe('restart rows', () => {
  it('takes the medians of the runs and judges webwx against half of wechat4u', () => {
    const summary = collectRestart({
      webwx: [run('webwx', 900), run('webwx', 400), run('webwx', 500)],
      wechat4u: [run('wechat4u', 1200), run('wechat4u', 1000, 300), run('wechat4u', 1100, 200)],
      limit: [run('limit', 150, 40)],
    });
    expect(summary.webwx?.firstReplyMs).toBe(500);
    expect(summary.wechat4u?.loadedMs).toBe(200);
    const [reply, loaded] = restartRows(summary);
    expect(reply).toMatchObject({ unit: 's', webwx: 0.5, wechat4u: 1.1, limit: 0.15 });
    expect(reply?.target?.met).toBe(true);
    expect(loaded).toMatchObject({ webwx: 0.1, wechat4u: 0.2, limit: 0.04 });
  });

  it('misses the target above half, and leaves it open when one side did not run', () => {
    const slow = restartRows(
      collectRestart({ webwx: [run('webwx', 700)], wechat4u: [run('wechat4u', 1000)] }),
    );
    expect(slow[0]?.target?.met).toBe(false);
    const alone = restartRows(collectRestart({ webwx: [run('webwx', 700)], wechat4u: [] }));
    expect(alone[0]?.wechat4u).toEqual({ na: 'not run' });
    expect(alone[0]?.limit).toEqual({ na: 'not run' });
    expect(alone[0]?.target?.met).toBeUndefined();
  });

  it("puts the durable limit in the limit's column of its own row, without a target, only when it ran", () => {
    const rows = restartRows(
      collectRestart({
        webwx: [run('webwx', 700)],
        wechat4u: [run('wechat4u', 1000)],
        limit: [run('limit', 200)],
        'limit-store': [run('limit-store', 260), run('limit-store', 240), run('limit-store', 900)],
      }),
    );
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({
      limit: 0.26,
      webwx: { na: 'not webwx' },
      wechat4u: { na: 'not wechat4u' },
    });
    expect(rows[2]?.metric).toContain('with a store');
    expect(rows[2]?.target).toBeUndefined();
    expect(restartRows(collectRestart({ webwx: [run('webwx', 700)] }))).toHaveLength(2);
  });

  it('adds the limit with a store on node:http as a fourth row, also without a target', () => {
    const rows = restartRows(
      collectRestart({
        webwx: [run('webwx', 700)],
        wechat4u: [run('wechat4u', 1000)],
        'limit-store': [run('limit-store', 260)],
        'limit-store-node-http': [run('limit-store-node-http', 190), run('limit-store-node-http', 170)],
      }),
    );
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatchObject({ limit: 0.18, webwx: { na: 'not webwx' } });
    expect(rows[3]?.metric).toContain("Node's own http");
    expect(rows[3]?.target).toBeUndefined();
  });
});

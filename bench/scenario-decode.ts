/**
 * Scenario 3, decode throughput: messages per second through webwx's decodeMessage over a realistic
 * mix (every real captured sample in ../shared/fixtures/real/messages, one of each kind and source,
 * plus generated texts: private, group with the sender prefix, emoji spans, @-mentions, long ones),
 * against wechat4u's own decoding step (Message.extend, what its sync loop runs on each AddMsgList
 * entry) and against "the limit", which reads only the fields an echo needs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { wireMessage } from '../src/emulator/wire-objects.js';
import { type DecodeContext, decodeMessage } from '../src/model/index.js';
import type { WireMessage } from '../src/protocol/index.js';
import { median } from './stats.js';
import type { Impl } from './subjects.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/fixtures/real/messages');

export interface DecodeOptions {
  /** Timed rounds per implementation (the median is reported). */
  rounds: number;
  /** Time per round. */
  roundMs: number;
}

export interface DecodeResult {
  impl: Impl;
  messagesPerSec: number;
  rounds: number[];
  /** The same over the mix's texts alone (`texts` messages); absent in results from before it was measured. */
  textsPerSec?: number;
  textRounds?: number[];
  texts?: number;
  mixSize: number;
  fixtures: number;
  /** webwx only: how the mix decoded, kind → count. */
  kinds?: Record<string, number>;
}

const SELF = `@${'5e1f'.repeat(8)}`;

function userName(i: number): string {
  return `@${(i * 2654435761).toString(16).padStart(8, '0').repeat(8).slice(0, 64)}`;
}
function roomName(i: number): string {
  return `@@${(i * 40503 + 7).toString(16).padStart(8, '0').repeat(8).slice(0, 64)}`;
}

function wire(i: number, from: string, content: string): WireMessage {
  return wireMessage({
    msgId: String(7_000_000_000_000_000_000n + BigInt(i)),
    from,
    to: SELF,
    type: 1,
    content,
    createTime: 1_700_000_000 + i,
  });
}

/** The mix: every real sample once, then generated texts (three in four messages are texts). */
export function buildMix(): { mix: WireMessage[]; fixtures: number } {
  const files = readdirSync(FIXTURES)
    .filter((n) => n.endsWith('.json'))
    .sort();
  const real = files.map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as WireMessage);
  const texts = [
    '在吗？',
    '晚上一起吃饭吧<span class="emoji emoji1f604"></span>',
    'ok',
    '明天的会议改到下午三点，记得带上周的报表。&lt;重要&gt;<br/>收到请回复',
    'Hello, how are you doing today? Let us catch up soon.',
    '哈哈哈哈<span class="emoji emoji1f602"></span><span class="emoji emoji1f602"></span>',
  ];
  const generated: WireMessage[] = [];
  for (let i = 0; i < real.length * 3; i++) {
    const text = texts[i % texts.length] as string;
    if (i % 3 === 0) {
      const body = i % 2 === 0 ? `@小明\u2005${text}` : text;
      generated.push(wire(i, roomName(i % 7), `${userName(100 + (i % 13))}:<br/>${body}`));
    } else if (i % 11 === 0) {
      generated.push(wire(i, userName(i % 17), text.repeat(40)));
    } else {
      generated.push(wire(i, userName(i % 17), text));
    }
  }
  const mix: WireMessage[] = [];
  // Interleave, so that no implementation sees one long run of the same kind.
  for (let i = 0; i < generated.length; i++) {
    mix.push(generated[i] as WireMessage);
    if (i % 3 === 2) mix.push(real[(i - 2) / 3] as WireMessage);
  }
  return { mix, fixtures: real.length };
}

function webwxContext(): DecodeContext {
  const names = new Map<string, string>();
  for (let i = 0; i < 200; i++) names.set(userName(i), `用户${i}`);
  return {
    selfUserName: SELF,
    displayNameOf: (u) => names.get(u),
    selfDisplayNames: () => ['小明'],
  };
}

interface Wechat4uLike {
  user: Record<string, unknown>;
  contacts: Record<string, unknown>;
  Message: { extend(m: unknown): unknown };
}

function wechat4uBot(mix: readonly WireMessage[]): Wechat4uLike {
  const require = createRequire(import.meta.url);
  const mod = require('wechat4u') as (new () => Wechat4uLike) | { default: new () => Wechat4uLike };
  const Wechat = typeof mod === 'function' ? mod : mod.default;
  const bot = new Wechat();
  bot.user.UserName = SELF;
  for (const m of mix) {
    const from = String(m.FromUserName ?? '');
    if (from.startsWith('@@') && !bot.contacts[from]) {
      bot.contacts[from] = {
        UserName: from,
        NickName: '群',
        MemberList: Array.from({ length: 20 }, (_, k) => ({
          UserName: userName(100 + k),
          NickName: `成员${k}`,
          DisplayName: '',
        })),
      };
    }
  }
  return bot;
}

function timeRound(roundMs: number, batch: () => number): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < roundMs) {
    count += batch();
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

export function runDecode(o: DecodeOptions): DecodeResult[] {
  const { mix, fixtures } = buildMix();
  const ctx = webwxContext();
  const kinds: Record<string, number> = {};
  for (const m of mix) {
    const k = decodeMessage(m, ctx).kind;
    kinds[k] = (kinds[k] ?? 0) + 1;
  }
  const bot = wechat4uBot(mix);
  // The texts alone: the part of the mix where wechat4u's step and decodeMessage do the same work.
  const texts = mix.filter((m) => m.MsgType === 1);
  let sink = 0;
  const runnersFor = (mix: readonly WireMessage[]): Record<Impl, (roundMs: number) => number> => {
    const text = JSON.stringify(mix);
    return {
      webwx: (ms) =>
        timeRound(ms, () => {
          for (const m of mix) sink += decodeMessage(m, ctx).kind.length;
          return mix.length;
        }),
      // wechat4u's extend mutates its input: each round decodes fresh copies made outside the clock.
      wechat4u: (ms) => {
        const rates: number[] = [];
        const end = performance.now() + ms;
        while (performance.now() < end) {
          const copies: unknown[] = [];
          for (let i = 0; i < 20; i++) copies.push(...(JSON.parse(text) as unknown[]));
          const start = performance.now();
          for (const m of copies) {
            try {
              bot.Message.extend(m);
            } catch {
              sink += 1;
            }
          }
          rates.push((copies.length * 1000) / (performance.now() - start));
        }
        return median(rates);
      },
      limit: (ms) =>
        timeRound(ms, () => {
          for (const m of mix)
            sink += m.MsgType === 1 && m.FromUserName !== SELF ? String(m.Content).length : 0;
          return mix.length;
        }),
    };
  };
  const runners = runnersFor(mix);
  const textRunners = runnersFor(texts);
  const results: DecodeResult[] = [];
  for (const impl of ['webwx', 'wechat4u', 'limit'] as const) {
    runners[impl](Math.min(300, o.roundMs)); // warm-up
    const rounds = Array.from({ length: o.rounds }, () => runners[impl](o.roundMs));
    textRunners[impl](Math.min(300, o.roundMs));
    const textRounds = Array.from({ length: o.rounds }, () => textRunners[impl](o.roundMs));
    results.push({
      impl,
      messagesPerSec: median(rounds),
      rounds,
      textsPerSec: median(textRounds),
      textRounds,
      texts: texts.length,
      mixSize: mix.length,
      fixtures,
      ...(impl === 'webwx' ? { kinds } : {}),
    });
  }
  if (sink === -1) process.stdout.write('');
  return results;
}

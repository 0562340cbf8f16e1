/** Loading the real message samples as wire entries, shared by the model tests. */
import { wireMessage } from '../../src/emulator/wire-objects.js';
import type { WireMessage } from '../../src/protocol/wire-types.js';
import { readFixtureJson } from '../fixtures.js';

/**
 * A sample as the server sent it: wire fields only; wechat4u-processed samples keep the raw web form in
 * OriginalContent; itchat4j replaced `<br/>` with `\n` in Content, which the decoder accepts as is.
 */
export function loadWireSample(name: string): WireMessage {
  const sample = readFixtureJson<Record<string, unknown>>('messages', name);
  const wire: Record<string, unknown> = {};
  for (const f of WIRE_FIELDS) if (f in sample) wire[f] = sample[f];
  if (typeof sample.OriginalContent === 'string') wire.Content = sample.OriginalContent;
  return wire as unknown as WireMessage;
}

/** A complete wire entry with every §9.1 field (as the emulator builds it), overridden by `fields`. */
export function wireEntry(fields: Partial<WireMessage>): WireMessage {
  const base = wireMessage({
    msgId: '1000000000000000001',
    from: '@peer',
    to: '@me',
    type: 1,
    content: '',
    createTime: 1_700_000_000,
  });
  return { ...base, NewMsgId: Number(base.MsgId), ...fields };
}

/** The AddMsgList fields of the wire (§9.1), in the capture's order. */
export const WIRE_FIELDS = Object.keys(wireEntry({})) as (keyof WireMessage)[];

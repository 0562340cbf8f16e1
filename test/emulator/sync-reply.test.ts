import { describe, expect, it } from 'vitest';
import { syncReplyObject, syncReplyText } from '../../src/emulator/routes/sync-routes.js';
import {
  stringifyMessage,
  stringifyWire,
  wireMessage,
  wireTextMessage,
} from '../../src/emulator/wire-objects.js';
import type { WireContact } from '../../src/protocol/wire-types.js';

const key = {
  Count: 3,
  List: [
    { Key: 1, Val: 698_000_123 },
    { Key: 2, Val: 698_000_127 },
    { Key: 1000, Val: 1_700_000_000 },
  ],
};

function message(i: number) {
  return wireMessage({
    msgId: `${1_234_567_890_123_456_789n + BigInt(i)}`,
    from: '@abc',
    to: '@def',
    type: 1,
    content: `hello "${i}" <br/> \u2028 😀`,
    createTime: 1_700_000_000 + i,
  });
}

describe('syncReplyText', () => {
  it('writes what stringifyWire writes for the same reply', () => {
    const cases: [number, boolean, { mod: WireContact[]; del: WireContact[] }][] = [
      [0, false, { mod: [], del: [] }],
      [1, false, { mod: [], del: [] }],
      [3, true, { mod: [], del: [] }],
      [
        2,
        false,
        { mod: [{ UserName: '@x', NickName: 'X' } as WireContact], del: [{ UserName: '@y' } as WireContact] },
      ],
    ];
    for (const [n, more, changes] of cases) {
      const messages = Array.from({ length: n }, (_, i) => message(i));
      const text = syncReplyText(messages, more, key, changes);
      expect(text).toBe(stringifyWire(syncReplyObject(messages, more, key, changes)));
      expect(JSON.parse(text).AddMsgCount).toBe(n);
      if (n > 0) expect(text).toContain(`"NewMsgId":${messages[0]!.MsgId},`);
    }
  });

  it("writes a phone text's message as stringifyWire does, made at once", () => {
    const inputs = [
      {
        msgId: '1234567890123456789',
        from: '@a',
        to: '@b',
        type: 1,
        content: 'hi',
        createTime: 1_700_000_000,
      },
      {
        msgId: '42',
        from: '@@r"',
        to: '\u2028',
        type: 1,
        content: '@x:<br/>"q" \\ 😀 \u0000',
        createTime: 0,
      },
    ];
    for (const input of inputs) {
      const m = wireTextMessage(input);
      expect(m).toEqual(wireMessage(input));
      expect(stringifyMessage(m)).toBe(stringifyWire(wireMessage(input)));
      expect(syncReplyText([m], false, key, { mod: [], del: [] })).toBe(
        stringifyWire(syncReplyObject([wireMessage(input)], false, key, { mod: [], del: [] })),
      );
    }
  });
});

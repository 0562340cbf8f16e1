import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { type JsValue, MAX_JS_REPLY_LENGTH, parseJsAssignments } from '../../src/protocol/js-assignment.js';
import { readFixtureText } from '../fixtures.js';

/** The reply bodies of the 2018 capture, exactly (lines that start with `window.`). */
function captureReplies(): string[] {
  return readFixtureText('captures', 'full-http-capture-2018.md')
    .split('\n')
    .filter((l) => l.startsWith('window.'));
}

function expectParseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('parseJsAssignments on real replies', () => {
  it('reads the jslogin reply of §2.1 byte for byte', () => {
    expect(
      parseJsAssignments('window.QRLogin.code = 200; window.QRLogin.uuid = "gbyKnbsmqQ==";', 'jslogin'),
    ).toEqual({
      'window.QRLogin.code': 200,
      'window.QRLogin.uuid': 'gbyKnbsmqQ==',
    });
  });

  it('reads the three login poll shapes of §2.3', () => {
    expect(parseJsAssignments('window.code=408;', 'login')).toEqual({ 'window.code': 408 });
    expect(
      parseJsAssignments(
        "window.code=201;window.userAvatar = 'data:img/jpg;base64,/9j/4AAQSkZJRgABAQEASABIAAD......';",
        'login',
      ),
    ).toEqual({
      'window.code': 201,
      'window.userAvatar': 'data:img/jpg;base64,/9j/4AAQSkZJRgABAQEASABIAAD......',
    });
    const confirmed = parseJsAssignments(
      'window.code=200;window.redirect_uri="https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=AaXdHpmbWGYo_ZOk7ylAnnCY@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468";',
      'login',
    );
    expect(confirmed['window.code']).toBe(200);
    expect(confirmed['window.redirect_uri']).toBe(
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=AaXdHpmbWGYo_ZOk7ylAnnCY@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468',
    );
  });

  it('reads the synccheck object literal with unquoted keys (§4.5)', () => {
    expect(parseJsAssignments('window.synccheck={retcode:"0",selector:"2"}', 'synccheck')).toEqual({
      'window.synccheck': { retcode: '0', selector: '2' },
    });
  });

  it('reads every window.* reply in the 2018 capture', () => {
    const replies = captureReplies();
    expect(replies.length).toBeGreaterThanOrEqual(6);
    for (const line of replies) {
      // the synccheck lines carry a Chinese annotation after the reply in the capture
      const body = line.startsWith('window.synccheck') ? line.split(' ')[0]! : line;
      expect(() => parseJsAssignments(body, 'capture')).not.toThrow();
    }
  });
});

describe('parseJsAssignments tolerance', () => {
  it('accepts whitespace variations, a missing trailing semicolon, line breaks and stray semicolons', () => {
    const expected = { 'window.code': 201, 'window.userAvatar': 'x' };
    for (const text of [
      "window.code=201;window.userAvatar='x'",
      "  window . code\t=\t201 ;\n window.userAvatar = 'x' ;\n",
      'window.code = 201\nwindow.userAvatar = "x"',
      ";;window.code=201;;window.userAvatar='x';;",
      "\uFEFFwindow.code=201;window.userAvatar='x';",
    ]) {
      expect(parseJsAssignments(text, 'login')).toEqual(expected);
    }
  });

  it('accepts object variations: spaces, quoted keys, numbers, trailing comma, empty object', () => {
    expect(
      parseJsAssignments('window.synccheck = { \'retcode\' : 0 , "selector": 7, }', 'synccheck'),
    ).toEqual({
      'window.synccheck': { retcode: 0, selector: 7 },
    });
    expect(parseJsAssignments('window.x={}', 'x')).toEqual({ 'window.x': {} });
  });

  it('decodes JavaScript string escapes', () => {
    const text = String.raw`a="q\"\'\\\/\n\t\r\b\f\v\0\x41\u0042\u{1F600}z";b='it\'s'`;
    expect(parseJsAssignments(text, 'x')).toEqual({ a: 'q"\'\\/\n\t\r\b\f\v\0AB\u{1F600}z', b: "it's" });
  });

  it('reads negative, decimal and exponent numbers', () => {
    expect(parseJsAssignments('a=-1;b=1.5;c=.5;d=2e3;e=1E-2', 'x')).toEqual({
      a: -1,
      b: 1.5,
      c: 0.5,
      d: 2000,
      e: 0.01,
    });
  });

  it('lets the later of two assignments to the same path win', () => {
    expect(parseJsAssignments('window.code=408;window.code=201', 'login')).toEqual({ 'window.code': 201 });
  });

  it('keeps __proto__ keys as own data properties', () => {
    const out = parseJsAssignments('__proto__="x";o={__proto__:"y"}', 'x');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    const o = out.o as Record<string, unknown>;
    expect(Object.hasOwn(o, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('parseJsAssignments rejects everything else with ParseError', () => {
  const bad = [
    '',
    '   ',
    ';',
    'window.code',
    'window.code=',
    'window.code=;',
    'window.code==200',
    'window.code=200 window.x=1',
    'window.code=abc',
    'window.code=true',
    'window.code=null',
    'window.code=200;alert(1)',
    'window["code"]=1',
    'window.code="unterminated',
    "window.code='a\nb'",
    'window.code="\\x4"',
    'window.code="\\u12"',
    'window.code="\\u{110000}"',
    'window.code="\\1"',
    'window.code=12abc',
    'window.code=1.2.3',
    'window.code=1e999',
    'window.code=-',
    'window.o={a:{b:1}}',
    'window.o={a:1 b:2}',
    'window.o={a:1',
    'window.o={a 1}',
    'window.o={1:2}',
    'window.o=[1,2]',
    'window.code=(function(){return 1})()',
    '<html><body>502 Bad Gateway</body></html>',
    '{"retcode":"0"}',
    'window.=1',
    '.window=1',
    '1=2',
  ];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text).slice(0, 60)}`, () => {
      const err = expectParseError(() => parseJsAssignments(text, 'synccheck'));
      expect(err.endpoint).toBe('synccheck');
      expect(err.message).toMatch(/^synccheck: /);
    });
  }

  it('rejects input over 1 MB before reading it', () => {
    const huge = `window.userAvatar='${'A'.repeat(MAX_JS_REPLY_LENGTH)}'`;
    expect(expectParseError(() => parseJsAssignments(huge, 'login')).message).toMatch(/too large/);
  });

  it('accepts a large but bounded avatar (a 500 kB data URI)', () => {
    const avatar = `data:img/jpg;base64,${'A'.repeat(500_000)}`;
    expect(
      parseJsAssignments(`window.code=201;window.userAvatar = '${avatar}';`, 'login')['window.userAvatar'],
    ).toBe(avatar);
  });

  it('rejects a non-string argument with ParseError', () => {
    expectParseError(() => parseJsAssignments(undefined as unknown as string, 'login'));
    expectParseError(() => parseJsAssignments(42 as unknown as string, 'login'));
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const ident = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,8}$/);
const path = fc.array(ident, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const finiteNumber = fc
  .oneof(
    fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
    fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  )
  .map((n) => (Object.is(n, -0) ? 0 : n));
const anyString = fc.string({ unit: 'binary', maxLength: 40 });
const scalar = fc.oneof(anyString, finiteNumber);
const object = fc.dictionary(ident, scalar, { maxKeys: 5 });
const value: fc.Arbitrary<JsValue> = fc.oneof(scalar, object);
const space = fc.constantFrom('', ' ', '  ', '\t', ' \t ');

function quoteSingle(s: string): string {
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function renderScalar(v: string | number, single: boolean): string {
  if (typeof v === 'number') return String(v);
  return single ? quoteSingle(v) : JSON.stringify(v);
}

function render(v: JsValue, single: boolean, sp: string): string {
  if (typeof v !== 'object') return renderScalar(v, single);
  const entries = Object.entries(v).map(([k, x]) => `${k}${sp}:${sp}${renderScalar(x, single)}`);
  return `{${sp}${entries.join(`${sp},${sp}`)}${sp}}`;
}

describe('parseJsAssignments properties', () => {
  it('never throws anything but ParseError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        try {
          parseJsAssignments(text, 'prop');
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but ParseError on near-miss texts built from JS punctuation', () => {
    const token = fc.constantFrom(
      'window',
      '.',
      'code',
      'synccheck',
      '=',
      '==',
      ';',
      '"',
      "'",
      '\\',
      '{',
      '}',
      ':',
      ',',
      '200',
      '-',
      '.5',
      'e',
      'retcode',
      ' ',
      '\n',
      '\\u',
      '\\x',
      '\\u{',
      '0',
      'F',
      '[',
      ']',
      '(',
      ')',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        try {
          parseJsAssignments(tokens.join(''), 'prop');
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips generated assignments', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(path, value), { minLength: 1, maxLength: 6, selector: ([p]) => p }),
        fc.boolean(),
        space,
        fc.boolean(),
        (assignments, single, sp, trailing) => {
          const text =
            assignments.map(([p, v]) => `${p}${sp}=${sp}${render(v, single, sp)}`).join(`;${sp}`) +
            (trailing ? ';' : '');
          const parsed = parseJsAssignments(text, 'prop');
          expect(parsed).toEqual(Object.fromEntries(assignments));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

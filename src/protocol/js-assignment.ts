/**
 * The `window.x = …` replies of jslogin, the login poll and synccheck (PROTOCOL.md §2.1, §2.3, §4.5),
 * read by a small hand-written tokenizer. Nothing is ever evaluated.
 *
 * Grammar (whitespace allowed between tokens):
 *   program    := (assignment | ';')*           assignments separated by ';' or a line break
 *   assignment := path '=' value
 *   path       := ident ('.' ident)*
 *   value      := string | number | object
 *   object     := '{' (key ':' scalar (',' key ':' scalar)* ','?)? '}'
 *   key        := ident | string
 *   scalar     := string | number
 * Strings are single- or double-quoted with JavaScript escapes; numbers are decimal.
 */
import { ParseError } from '../errors.js';

/** A value on the right of a `window.x = …` assignment: a string, a number, or a flat object of them. */
export type JsValue = string | number | { [k: string]: string | number };

/** Replies longer than this (in UTF-16 code units) are rejected unread. */
export const MAX_JS_REPLY_LENGTH = 1024 * 1024;

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const HEX = /^[0-9A-Fa-f]+$/;

function isLineBreak(ch: string): boolean {
  return ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029';
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\v' || ch === '\f' || ch === '\u00A0' || ch === '\uFEFF';
}

/** Define an own data property, so keys such as `__proto__` never touch a prototype. */
function setOwn<V>(target: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

class JsAssignmentReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly endpoint: string,
  ) {}

  read(): Record<string, JsValue> {
    const out: Record<string, JsValue> = {};
    let assignments = 0;
    this.skipSpace();
    while (this.pos < this.text.length) {
      if (this.peek() === ';') {
        this.pos++;
        this.skipSpace();
        continue;
      }
      const path = this.readPath();
      this.skipSpace();
      this.expect('=');
      if (this.peek() === '=') this.fail("expected a value after '=', found '=='");
      this.skipSpace();
      setOwn(out, path, this.readValue());
      assignments++;
      const sawLineBreak = this.skipSpace();
      if (this.pos < this.text.length && this.peek() !== ';' && !sawLineBreak) {
        this.fail("expected ';' after the assignment");
      }
    }
    if (assignments === 0) this.fail('no assignment found');
    return out;
  }

  private peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  private fail(message: string): never {
    const at = this.pos;
    const near = this.text.slice(Math.max(0, at - 20), at + 20);
    throw new ParseError(this.endpoint, `${message} at offset ${at}`, near);
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  /** Skips whitespace; returns true when a line break was crossed (a statement separator in JS). */
  private skipSpace(): boolean {
    let sawLineBreak = false;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (isLineBreak(ch)) sawLineBreak = true;
      else if (!isSpace(ch)) break;
      this.pos++;
    }
    return sawLineBreak;
  }

  private readIdent(): string {
    const start = this.pos;
    if (!IDENT_START.test(this.peek())) this.fail('expected an identifier');
    this.pos++;
    while (this.pos < this.text.length && IDENT_PART.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private readPath(): string {
    const parts = [this.readIdent()];
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.peek() !== '.') {
        this.pos = save;
        break;
      }
      this.pos++;
      this.skipSpace();
      parts.push(this.readIdent());
    }
    return parts.join('.');
  }

  private readValue(): JsValue {
    const ch = this.peek();
    if (ch === '{') return this.readObject();
    return this.readScalar();
  }

  private readScalar(): string | number {
    const ch = this.peek();
    if (ch === '"' || ch === "'") return this.readString(ch);
    if (ch === '-' || ch === '.' || (ch >= '0' && ch <= '9')) return this.readNumber();
    if (ch === '') this.fail('unexpected end of text, expected a value');
    return this.fail(`unexpected '${ch}', expected a string, a number or an object`);
  }

  private readNumber(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('malformed number');
    this.pos += match[0].length;
    if (IDENT_PART.test(this.peek()) || this.peek() === '.') this.fail('malformed number');
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.fail('number out of range');
    return value;
  }

  private readString(quote: string): string {
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      const ch = this.text[this.pos]!;
      if (ch === quote) {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (ch === '\n' || ch === '\r') this.fail('line break inside a string');
      if (ch === '\\') {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        out += this.readEscape();
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private readHex(length: number): number {
    const digits = this.text.slice(this.pos, this.pos + length);
    if (digits.length !== length || !HEX.test(digits)) this.fail('malformed escape sequence');
    this.pos += length;
    return Number.parseInt(digits, 16);
  }

  private readEscape(): string {
    if (this.pos >= this.text.length) this.fail('unterminated string');
    const ch = this.text[this.pos]!;
    this.pos++;
    switch (ch) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '0':
        if (this.peek() >= '0' && this.peek() <= '9') this.fail('octal escape sequences are not allowed');
        return '\0';
      case 'x':
        return String.fromCharCode(this.readHex(2));
      case 'u': {
        if (this.peek() !== '{') return String.fromCharCode(this.readHex(4));
        this.pos++;
        const close = this.text.indexOf('}', this.pos);
        if (close < 0 || close - this.pos > 8) this.fail('malformed escape sequence');
        const cp = this.readHex(close - this.pos);
        if (cp > 0x10ffff) this.fail('code point out of range');
        this.pos++; // '}'
        return String.fromCodePoint(cp);
      }
      case '\r':
        if (this.peek() === '\n') this.pos++;
        return '';
      case '\n':
      case '\u2028':
      case '\u2029':
        return ''; // line continuation
      default:
        if (ch >= '1' && ch <= '9') this.fail('octal escape sequences are not allowed');
        return ch;
    }
  }

  private readObject(): { [k: string]: string | number } {
    this.pos++; // '{'
    const out: { [k: string]: string | number } = {};
    this.skipSpace();
    while (this.peek() !== '}') {
      const q = this.peek();
      const key = q === '"' || q === "'" ? this.readString(q) : this.readIdent();
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      if (this.peek() === '{') this.fail('nested objects are not supported');
      setOwn(out, key, this.readScalar());
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
      } else if (this.peek() !== '}') {
        this.fail("expected ',' or '}' in the object");
      }
    }
    this.pos++; // '}'
    return out;
  }
}

/**
 * Parse a reply made of `path = value` assignments into a record keyed by the full dotted path
 * (`'window.QRLogin.code'`). Later assignments to the same path win. Throws ParseError on anything
 * else, and on text longer than MAX_JS_REPLY_LENGTH.
 */
export function parseJsAssignments(text: string, endpoint: string): Record<string, JsValue> {
  if (typeof text !== 'string') throw new ParseError(endpoint, 'reply is not text');
  if (text.length > MAX_JS_REPLY_LENGTH) {
    throw new ParseError(endpoint, `reply too large (${text.length} characters)`, text.slice(0, 200));
  }
  return new JsAssignmentReader(text, endpoint).read();
}

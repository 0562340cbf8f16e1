import { describe, expect, it } from 'vitest';
import { parseLineCommand } from '../../src/cli/line-commands.js';

describe('parseLineCommand', () => {
  it('parses ->NAME:TEXT', () => {
    expect(parseLineCommand('->Alice:hello')).toEqual({ kind: 'send', name: 'Alice', text: 'hello' });
  });

  it('keeps every further ":" in the text', () => {
    expect(parseLineCommand('->Bob:see you at 10:30: ok?')).toEqual({
      kind: 'send',
      name: 'Bob',
      text: 'see you at 10:30: ok?',
    });
  });

  it('accepts names with spaces, Chinese and emoji, trimmed', () => {
    expect(parseLineCommand('->  张三 🐱 :你好')).toEqual({ kind: 'send', name: '张三 🐱', text: '你好' });
  });

  it('recognises quit, help and empty lines', () => {
    expect(parseLineCommand('quit')).toEqual({ kind: 'quit' });
    expect(parseLineCommand('  quit \n')).toEqual({ kind: 'quit' });
    expect(parseLineCommand('help')).toEqual({ kind: 'help' });
    expect(parseLineCommand('   ')).toEqual({ kind: 'empty' });
  });

  it('explains malformed commands', () => {
    expect(parseLineCommand('->Alice hello')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('":"'),
    });
    expect(parseLineCommand('->:hello')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('NAME'),
    });
    expect(parseLineCommand('->Alice:   ')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('TEXT'),
    });
    expect(parseLineCommand('hello there')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('unknown'),
    });
  });
});

import { describe, expect, it } from 'vitest';
import { isYes, linesToSend, parseLineCommand } from '../../src/cli/line-commands.js';

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

  it('parses the seed\'s m->, i->, f-> and e-> with paths that may contain ":"', () => {
    expect(parseLineCommand('m->老张:./notes.txt')).toEqual({
      kind: 'send-lines',
      name: '老张',
      path: './notes.txt',
    });
    expect(parseLineCommand('i->Alice: /tmp/cat.jpg ')).toEqual({
      kind: 'send-media',
      media: 'image',
      name: 'Alice',
      path: '/tmp/cat.jpg',
    });
    expect(parseLineCommand('f->Bob:C:\\reports\\q3.pdf')).toEqual({
      kind: 'send-media',
      media: 'file',
      name: 'Bob',
      path: 'C:\\reports\\q3.pdf',
    });
    expect(parseLineCommand('e->项目组-工作群:dance.gif')).toEqual({
      kind: 'send-media',
      media: 'emoticon',
      name: '项目组-工作群',
      path: 'dance.gif',
    });
    expect(parseLineCommand('i->Alice')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('i->NAME:PATH'),
    });
    expect(parseLineCommand('f->Alice:  ')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('PATH'),
    });
  });

  it('parses ->all:TEXT as a broadcast, with ":" in the text', () => {
    expect(parseLineCommand('->all:Happy new year: 2027!')).toEqual({
      kind: 'broadcast',
      text: 'Happy new year: 2027!',
    });
    expect(parseLineCommand('->ALL:hi')).toEqual({ kind: 'broadcast', text: 'hi' });
    expect(parseLineCommand('->allen:hi')).toEqual({ kind: 'send', name: 'allen', text: 'hi' });
  });

  it('takes only y or yes as a yes', () => {
    expect(isYes('y')).toBe(true);
    expect(isYes(' YES ')).toBe(true);
    for (const no of ['', 'n', 'no', 'yep', 'y y']) expect(isYes(no)).toBe(false);
  });

  it('sends the non-blank lines of a file, trimmed at the end', () => {
    expect(linesToSend('one\r\n\n  two  \nthree: 3\n')).toEqual(['one', '  two', 'three: 3']);
  });
});

import { describe, expect, it } from 'vitest';
import { parseCompose, unquotePath } from '../../../src/cli/tui/compose-commands.js';

describe('parseCompose', () => {
  it('sends plain text as is, several lines and ":" included', () => {
    expect(parseCompose('hello: 10:30')).toEqual({ kind: 'text', text: 'hello: 10:30' });
    expect(parseCompose('line 1\nline 2')).toEqual({ kind: 'text', text: 'line 1\nline 2' });
    expect(parseCompose('  \n ')).toEqual({ kind: 'empty' });
  });

  it('sends "//text" as "/text"', () => {
    expect(parseCompose('//shrug')).toEqual({ kind: 'text', text: '/shrug' });
  });

  it('parses the media commands with paths, quotes and ~', () => {
    expect(parseCompose('/image ~/pics/cat.jpg', { home: '/home/me' })).toEqual({
      kind: 'send-media',
      media: 'image',
      path: '/home/me/pics/cat.jpg',
    });
    expect(parseCompose('/file "My Report.pdf"')).toEqual({
      kind: 'send-media',
      media: 'file',
      path: 'My Report.pdf',
    });
    expect(parseCompose('/emoticon ./dance.gif')).toMatchObject({ media: 'emoticon', path: './dance.gif' });
    expect(parseCompose('/video clip.mp4')).toMatchObject({ media: 'video', path: 'clip.mp4' });
    expect(parseCompose('/IMAGE a.png')).toMatchObject({ media: 'image', path: 'a.png' });
  });

  it('parses revoke, forward, save, open, help and quit', () => {
    expect(parseCompose('/revoke')).toEqual({ kind: 'revoke' });
    expect(parseCompose('/forward 老张')).toEqual({ kind: 'forward', to: '老张' });
    expect(parseCompose('/forward Alice Smith')).toEqual({ kind: 'forward', to: 'Alice Smith' });
    expect(parseCompose('/save')).toEqual({ kind: 'save', dir: undefined });
    expect(parseCompose('/save ~/Downloads', { home: '/h' })).toEqual({ kind: 'save', dir: '/h/Downloads' });
    expect(parseCompose('/open')).toEqual({ kind: 'open' });
    expect(parseCompose('/help')).toEqual({ kind: 'help' });
    expect(parseCompose('/quit')).toEqual({ kind: 'quit' });
  });

  it('explains what is wrong', () => {
    expect(parseCompose('/image')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('PATH'),
    });
    expect(parseCompose('/forward')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('NAME'),
    });
    expect(parseCompose('/dance')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('/help'),
    });
    expect(parseCompose('/ä')).toMatchObject({ kind: 'invalid' });
  });

  it('unquotes paths', () => {
    expect(unquotePath("'a b'")).toBe('a b');
    expect(unquotePath('~', '/home/x')).toBe('/home/x');
    expect(unquotePath('~user/x', '/home/x')).toBe('~user/x');
  });
});

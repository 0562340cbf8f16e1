import { describe, expect, it } from 'vitest';
import { parseConsoleLine, splitArguments } from '../../../src/bot/console/console-syntax.js';

describe('parseConsoleLine', () => {
  it('takes /name args, lower-cased, with the full-width slash too', () => {
    expect(parseConsoleLine('/ping')).toEqual({ name: 'ping', argText: '' });
    expect(parseConsoleLine('  /DF  -h   /var ')).toEqual({ name: 'df', argText: '-h   /var' });
    expect(parseConsoleLine('／status')).toEqual({ name: 'status', argText: '' });
    expect(parseConsoleLine('/logs\u2005nginx')).toEqual({ name: 'logs', argText: 'nginx' });
  });

  it('leaves notes alone: no slash, or a lone slash', () => {
    expect(parseConsoleLine('ping')).toBeUndefined();
    expect(parseConsoleLine('buy milk')).toBeUndefined();
    expect(parseConsoleLine('/')).toBeUndefined();
    expect(parseConsoleLine('')).toBeUndefined();
  });

  it('takes a bare word only when allowed and the word is a known command', () => {
    const knownNames = new Set(['ping', 'df']);
    expect(parseConsoleLine('ping', { bare: true, knownNames })).toEqual({ name: 'ping', argText: '' });
    expect(parseConsoleLine('Df -h', { bare: true, knownNames })).toEqual({ name: 'df', argText: '-h' });
    expect(parseConsoleLine('pong', { bare: true, knownNames })).toBeUndefined();
    expect(parseConsoleLine('ping', { bare: false, knownNames })).toBeUndefined();
    expect(parseConsoleLine('/other', { bare: true, knownNames })).toEqual({ name: 'other', argText: '' });
  });
});

describe('splitArguments', () => {
  it('splits on whitespace; quotes (also the phone’s curly ones) group words', () => {
    expect(splitArguments('a  b\tc')).toEqual(['a', 'b', 'c']);
    expect(splitArguments('"two words" \'and more\' x')).toEqual(['two words', 'and more', 'x']);
    expect(splitArguments('“curly quoted” ‘single’')).toEqual(['curly quoted', 'single']);
    expect(splitArguments('""')).toEqual(['']);
    expect(splitArguments('pre"fix mid"post')).toEqual(['prefix midpost']);
    expect(splitArguments('"unclosed rest')).toEqual(['unclosed rest']);
    expect(splitArguments('   ')).toEqual([]);
  });

  it('passes shell syntax through as plain words', () => {
    expect(splitArguments('$(reboot) ; rm -rf / `id` | x > y')).toEqual([
      '$(reboot)',
      ';',
      'rm',
      '-rf',
      '/',
      '`id`',
      '|',
      'x',
      '>',
      'y',
    ]);
  });
});

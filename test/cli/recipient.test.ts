import { describe, expect, it } from 'vitest';
import { type Addressable, resolveRecipient } from '../../src/cli/recipient.js';

const people: Addressable[] = [
  { userName: '@a', names: ['Ali', 'Alice Wang', 'alice88'], label: 'Ali (Alice Wang)' },
  { userName: '@b', names: ['', 'Bob', ''], label: 'Bob' },
  { userName: '@c', names: ['', '张伟', ''], label: '张伟' },
  { userName: '@d', names: ['', 'Bobby', ''], label: 'Bobby' },
  { userName: '@@f', names: ['Family'], label: '[group] Family' },
  { userName: '@e1', names: ['', 'Eve', ''], label: 'Eve' },
  { userName: '@e2', names: ['', 'eve', ''], label: 'eve' },
];

describe('resolveRecipient', () => {
  it('finds by remark name, nickname, alias and topic, case-insensitively', () => {
    expect(resolveRecipient('ali', people)).toMatchObject({ kind: 'found', target: { userName: '@a' } });
    expect(resolveRecipient('Alice Wang', people)).toMatchObject({
      kind: 'found',
      target: { userName: '@a' },
    });
    expect(resolveRecipient('ALICE88', people)).toMatchObject({ kind: 'found', target: { userName: '@a' } });
    expect(resolveRecipient('张伟', people)).toMatchObject({ kind: 'found', target: { userName: '@c' } });
    expect(resolveRecipient('family', people)).toMatchObject({ kind: 'found', target: { userName: '@@f' } });
  });

  it('prefers an exact match over a longer name that contains it', () => {
    expect(resolveRecipient('Bob', people)).toMatchObject({ kind: 'found', target: { userName: '@b' } });
  });

  it('reports ambiguity instead of guessing', () => {
    const r = resolveRecipient('EVE', people);
    expect(r.kind).toBe('ambiguous');
    if (r.kind === 'ambiguous') expect(r.matches.map((m) => m.userName).sort()).toEqual(['@e1', '@e2']);
  });

  it('lists the close matches for an unknown name', () => {
    const r = resolveRecipient('Bobb', people);
    expect(r.kind).toBe('not-found');
    if (r.kind === 'not-found')
      expect(r.suggestions.map((s) => s.userName)).toEqual(expect.arrayContaining(['@b', '@d']));
    const none = resolveRecipient('Zzyzx Qwerty', people);
    expect(none).toEqual({ kind: 'not-found', suggestions: [] });
  });
});

/**
 * Resolving the NAME of `->NAME:TEXT` to one chat: exact remark name, nickname or topic first
 * (case-insensitive), and when nothing matches, the closest names so the user can retry.
 */

export interface Addressable {
  userName: string;
  /** What the user may type: remark name, nickname, alias, group topic. Empty strings are ignored. */
  names: string[];
  /** How to show it in lists. */
  label: string;
}

export type Resolution =
  | { kind: 'found'; target: Addressable }
  | { kind: 'ambiguous'; matches: Addressable[] }
  | { kind: 'not-found'; suggestions: Addressable[] };

const fold = (s: string): string => s.normalize('NFKC').toLocaleLowerCase();

export function resolveRecipient(query: string, candidates: readonly Addressable[], limit = 5): Resolution {
  const q = fold(query.trim());
  if (q === '') return { kind: 'not-found', suggestions: [] };
  const exact = candidates.filter((c) => c.names.some((n) => n !== '' && fold(n) === q));
  if (exact.length === 1) return { kind: 'found', target: exact[0]! };
  if (exact.length > 1) return { kind: 'ambiguous', matches: exact.slice(0, limit) };

  const scored = candidates
    .map((c) => ({ c, score: Math.min(...c.names.filter((n) => n !== '').map((n) => distance(q, fold(n)))) }))
    .filter((x) => Number.isFinite(x.score) && x.score <= Math.max(2, Math.ceil(q.length / 2)))
    .sort((a, b) => a.score - b.score || a.c.label.localeCompare(b.c.label));
  return { kind: 'not-found', suggestions: scored.slice(0, limit).map((x) => x.c) };
}

/** Edit distance, with a substring counted as a near match. */
function distance(query: string, name: string): number {
  if (name.includes(query) || query.includes(name)) return Math.abs(name.length - query.length) > 0 ? 1 : 0;
  const a = [...query];
  const b = [...name];
  if (Math.abs(a.length - b.length) > 8) return Number.POSITIVE_INFINITY;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

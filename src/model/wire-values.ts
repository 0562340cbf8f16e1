/** Defensive readers for wire values: the model never trusts a field's type. Internal to src/model. */

/** A string field; finite numbers are stringified, anything else is ''. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** A numeric field; numeric strings are parsed, anything else is 0. */
export function num(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

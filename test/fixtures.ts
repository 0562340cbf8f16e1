/** Paths and loaders for the real captured samples in ../shared/fixtures/real (read-only). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..');
export const FIXTURES_DIR = resolve(REPO_ROOT, '../shared/fixtures/real');

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES_DIR, ...parts);
}

export function readFixtureText(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8');
}

export function readFixtureJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFixtureText(...parts)) as T;
}

/** Every message sample file name, e.g. '00001-text--wechat4u-1.json'. */
export function messageFixtureNames(): string[] {
  return readdirSync(fixturePath('messages'))
    .filter((n) => n.endsWith('.json'))
    .sort();
}

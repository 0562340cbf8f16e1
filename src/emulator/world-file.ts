/**
 * World files (docs/emulator.md "Worlds" and "Several accounts"): JSON, one account's world or several
 * accounts', read and validated.
 */
import { readFileSync } from 'node:fs';
import { WorldValidationError } from './world.js';
import { type AnyWorldSpec, buildWorlds } from './world-accounts.js';

/**
 * Read and validate a world file (a single-account WorldSpec or a MultiWorldSpec with `accounts`).
 * Throws WorldValidationError.
 */
export function loadWorldFile(path: string): AnyWorldSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WorldValidationError('(file)', `cannot read ${path}: ${(err as Error).message}`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (err) {
    throw new WorldValidationError('(file)', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  buildWorlds(spec);
  return spec as AnyWorldSpec;
}

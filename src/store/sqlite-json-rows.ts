/**
 * The tables of a SqliteStore that hold one JSON document a row (sqlite-store.ts): the contact cache
 * and the stable-id records. Read all, read the rows of some names, replace all; the page cache a
 * bulk read or write filled is given back afterwards.
 */
import type Database from 'better-sqlite3';
import { type StatementName, type Statements, sqliteCall } from './sqlite-database.js';

/** A stored JSON object; `{}` for text that is not one (a row written by hand, or damaged). */
export function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A bulk write counts one commit per this many rows in the store's writeCount (for checkpoints). */
const BULK_ROWS_PER_WRITE = 10;

export class JsonRows {
  readonly #db: Database.Database;
  readonly #statements: Statements;
  readonly #path: string;

  constructor(db: Database.Database, statements: Statements, path: string) {
    this.#db = db;
    this.#statements = statements;
    this.#path = path;
  }

  /** Every row `statement` yields, parsed. */
  all(what: string, statement: StatementName): Record<string, unknown>[] {
    const rows = sqliteCall(what, this.#path, () => this.#statements.of(statement).all()) as {
      data: string;
    }[];
    this.#releaseCache();
    return rows.map((r) => parseJsonObject(r.data));
  }

  /**
   * The rows `statement` yields for each of `names` (each asked once), parsed: one indexed lookup a
   * name, for the handful of names a resume's first replies bring.
   */
  named(what: string, statement: StatementName, names: readonly string[]): Record<string, unknown>[] {
    const unique = [...new Set(names)].filter((n) => typeof n === 'string' && n !== '');
    if (unique.length === 0) return [];
    const rows = sqliteCall(what, this.#path, () => {
      const named = this.#statements.of(statement);
      return unique.flatMap((name) => named.all(name) as { data: string }[]);
    });
    return rows.map((r) => parseJsonObject(r.data));
  }

  /**
   * Replaces a table's rows in one transaction: `clear`, then `insert` with each (key, JSON). Returns
   * what it counts as commits in the store's writeCount.
   */
  replace<T>(
    what: string,
    clear: StatementName,
    insert: StatementName,
    rows: readonly T[],
    keyOf: (row: T) => string,
  ): number {
    const s = this.#statements;
    sqliteCall(what, this.#path, () =>
      this.#db.transaction(() => {
        s.of(clear).run();
        for (const row of rows) s.of(insert).run(keyOf(row), JSON.stringify(row));
      })(),
    );
    this.#releaseCache();
    return Math.ceil(rows.length / BULK_ROWS_PER_WRITE);
  }

  /**
   * Gives back the page cache a bulk read or write filled (the contact cache and the stable ids: a
   * few hundred KB at each login, not read again until the next). The cache refills with what the
   * message log needs. A host of many accounts keeps one connection each (docs/host.md).
   */
  #releaseCache(): void {
    try {
      this.#db.exec('PRAGMA shrink_memory');
    } catch {
      // Only memory: nothing to report.
    }
  }
}

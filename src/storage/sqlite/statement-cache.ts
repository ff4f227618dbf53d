import type Database from 'better-sqlite3';

/**
 * Prepared statements keyed by SQL text. Compiled QIDO queries repeat (the
 * same filters with other values), so preparing each shape once pays off;
 * the bound keeps shapes with long UID lists from growing it without end.
 */
export class StatementCache {
  readonly #db: Database.Database;
  readonly #max: number;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database, max = 256) {
    this.#db = db;
    this.#max = max;
  }

  get(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement) {
      // Re-insert: Map order doubles as least-recently-used order.
      this.#statements.delete(sql);
    } else {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= this.#max) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
    }
    this.#statements.set(sql, statement);
    return statement;
  }
}

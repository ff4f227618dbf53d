import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditEvent, AuditFilter, AuditRecord, AuditStore } from '../audit-store.js';
import type { TenantId } from '../ids.js';

const GENESIS = '0'.repeat(64);

/** The hash of a record: its predecessor's hash and its own fields, in a fixed order. */
function chainHash(prevHash: string, seq: number, e: AuditEvent): string {
  const fields = [seq, e.time, e.tenant, e.principal, e.client, e.action, e.studies, e.outcome, e.detail];
  return createHash('sha256').update(prevHash).update(JSON.stringify(fields)).digest('hex');
}

interface Row {
  seq: number;
  time: string;
  tenant: string;
  principal: string | null;
  client: string | null;
  action: AuditEvent['action'];
  studies: string;
  outcome: number;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

const toRecord = (r: Row): AuditRecord => ({
  seq: r.seq,
  time: r.time,
  tenant: r.tenant as TenantId,
  principal: r.principal,
  client: r.client,
  action: r.action,
  studies: JSON.parse(r.studies) as string[],
  outcome: r.outcome,
  detail: r.detail,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export class SqliteAuditStore implements AuditStore {
  readonly #db: Database.Database;
  readonly #last: Database.Statement;
  readonly #insert: Database.Statement;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#last = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    this.#insert = db.prepare(
      'INSERT INTO audit_events (seq, time, tenant, principal, client, action, studies, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  append(events: readonly AuditEvent[]): void {
    if (events.length === 0) return;
    // One immediate transaction: concurrent processes extend the chain one at a time.
    this.#db
      .transaction(() => {
        const last = this.#last.get() as { seq: number; hash: string } | undefined;
        let seq = last?.seq ?? 0;
        let prev = last?.hash ?? GENESIS;
        for (const e of events) {
          seq++;
          const hash = chainHash(prev, seq, e);
          this.#insert.run(seq, e.time, e.tenant, e.principal, e.client, e.action, JSON.stringify(e.studies), e.outcome, e.detail, prev, hash);
          prev = hash;
        }
      })
      .immediate();
  }

  query(filter: AuditFilter): AuditRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    add('tenant = ?', filter.tenant);
    add('time >= ?', filter.since);
    add('time <= ?', filter.until);
    add('principal = ?', filter.principal);
    add('EXISTS (SELECT 1 FROM json_each(studies) WHERE value = ?)', filter.study);
    const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
    return (this.#db.prepare(sql).all(...params) as Row[]).map(toRecord);
  }

  verify(): { seq: number; reason: string } | null {
    let prev = GENESIS;
    let expectedSeq = 1;
    for (const row of this.#db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as Iterable<Row>) {
      const record = toRecord(row);
      if (record.seq !== expectedSeq) return { seq: expectedSeq, reason: 'a record is missing' };
      if (record.prevHash !== prev) return { seq: record.seq, reason: 'the link to the previous record is broken' };
      if (chainHash(prev, record.seq, record) !== record.hash) return { seq: record.seq, reason: 'the record was changed' };
      prev = record.hash;
      expectedSeq++;
    }
    return null;
  }
}

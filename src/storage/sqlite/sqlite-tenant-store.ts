import type Database from 'better-sqlite3';
import { TenantId } from '../ids.js';
import { TenantNotEmptyError, type TenantQuota, type TenantStore, type TenantSummary } from '../tenant-store.js';

/** Tenants in the index database, next to the rows they scope. */
export class SqliteTenantStore implements TenantStore {
  readonly #exists: Database.Statement;
  readonly #list: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #count: Database.Statement;
  readonly #deleteStudies: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #db: Database.Database;
  readonly #setQuota: Database.Statement;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#exists = db.prepare('SELECT 1 FROM tenants WHERE id = ?').pluck();
    this.#list = db.prepare(`
      SELECT id, created_at AS createdAt, used_instances AS instances, used_bytes AS bytes,
             max_bytes AS maxBytes, max_instances AS maxInstances
      FROM tenants ORDER BY id`);
    this.#setQuota = db.prepare('UPDATE tenants SET max_bytes = ?, max_instances = ? WHERE id = ?');
    this.#insert = db.prepare("INSERT OR IGNORE INTO tenants (id, created_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
    this.#count = db.prepare('SELECT count(*) FROM instances WHERE tenant = ?').pluck();
    // Series and instances go with their study (ON DELETE CASCADE).
    this.#deleteStudies = db.prepare('DELETE FROM studies WHERE tenant = ?');
    this.#delete = db.prepare('DELETE FROM tenants WHERE id = ?');
  }

  exists(tenant: TenantId): boolean {
    return this.#exists.get(tenant) !== undefined;
  }

  list(): TenantSummary[] {
    return this.#list.all() as TenantSummary[];
  }

  add(tenant: TenantId): boolean {
    return this.#insert.run(tenant).changes === 1;
  }

  setQuota(tenant: TenantId, quota: TenantQuota): boolean {
    return this.#setQuota.run(quota.maxBytes, quota.maxInstances, tenant).changes === 1;
  }

  remove(tenant: TenantId, { force }: { force: boolean }): boolean {
    if (tenant === TenantId.DEFAULT) throw new RangeError('the default tenant cannot be removed');
    return this.#db
      .transaction(() => {
        if (!this.exists(tenant)) return false;
        const instances = this.#count.get(tenant) as number;
        if (instances > 0 && !force) throw new TenantNotEmptyError(tenant, instances);
        this.#deleteStudies.run(tenant);
        this.#delete.run(tenant);
        return true;
      })
      .immediate();
  }
}

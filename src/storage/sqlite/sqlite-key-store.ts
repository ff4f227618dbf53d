import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { TenantId } from '../ids.js';
import type { ApiKeyGrant, ApiKeySummary, KeyStore, Role } from '../key-store.js';

/** `atr_<key id>_<secret>`: the id finds the row, the secret is checked against its hash. */
const KEY_FORMAT = /^atr_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

interface KeyRow {
  id: string;
  tenant: string;
  role: Role;
  secret_sha256: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export class SqliteKeyStore implements KeyStore {
  readonly #insert: Database.Statement;
  readonly #revoke: Database.Statement;
  readonly #find: Database.Statement;
  readonly #list: Database.Statement;

  constructor(db: Database.Database) {
    this.#insert = db.prepare(
      "INSERT INTO api_keys (id, tenant, role, secret_sha256, created_at, expires_at) VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)",
    );
    this.#revoke = db.prepare(
      "UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND revoked_at IS NULL",
    );
    this.#find = db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.#list = db.prepare(
      'SELECT id AS keyId, tenant, role, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt FROM api_keys ORDER BY tenant, created_at',
    );
  }

  add({ tenant, role, expiresAt }: { tenant: TenantId; role: Role; expiresAt?: Date }) {
    const keyId = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    this.#insert.run(keyId, tenant, role, sha256(secret).toString('hex'), expiresAt?.toISOString() ?? null);
    return { keyId, key: `atr_${keyId}_${secret}` };
  }

  revoke(keyId: string): boolean {
    return this.#revoke.run(keyId).changes === 1;
  }

  verify(key: string): ApiKeyGrant | null {
    const match = KEY_FORMAT.exec(key);
    if (!match) return null;
    const row = this.#find.get(match[1]) as KeyRow | undefined;
    if (!row || row.revoked_at !== null) return null;
    if (row.expires_at !== null && Date.parse(row.expires_at) <= Date.now()) return null;
    if (!timingSafeEqual(sha256(match[2]!), Buffer.from(row.secret_sha256, 'hex'))) return null;
    return { keyId: row.id, tenant: row.tenant as TenantId, role: row.role };
  }

  list(): ApiKeySummary[] {
    return this.#list.all() as ApiKeySummary[];
  }
}

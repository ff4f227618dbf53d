import type { TenantId } from './ids.js';

/** reader: QIDO and WADO; writer: STOW too; admin: everything, delete and management included. */
export type Role = 'reader' | 'writer' | 'admin';

export const ROLES: readonly Role[] = ['reader', 'writer', 'admin'];

export interface ApiKeyGrant {
  keyId: string;
  tenant: TenantId;
  role: Role;
}

export interface ApiKeySummary extends ApiKeyGrant {
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** API keys, stored as hashes. A key is shown once, when it is made. */
export interface KeyStore {
  /** Makes a key; `key` is the secret to hand out (it is not kept). */
  add(grant: { tenant: TenantId; role: Role; expiresAt?: Date }): { keyId: string; key: string };
  /** Revokes at once (every process reads the store on each request). False if unknown. */
  revoke(keyId: string): boolean;
  /** The grant of a presented key, or null when it is unknown, revoked or expired. */
  verify(key: string): ApiKeyGrant | null;
  list(): ApiKeySummary[];
}

import type { TenantId } from './ids.js';

export interface TenantQuota {
  /** null: no limit. */
  maxBytes: number | null;
  maxInstances: number | null;
}

export interface TenantSummary extends TenantQuota {
  id: TenantId;
  createdAt: string;
  instances: number;
  bytes: number;
}

/** A tenant still holding instances was asked to be removed without force. */
export class TenantNotEmptyError extends Error {
  constructor(readonly tenant: TenantId, readonly instances: number) {
    super(`tenant ${tenant} holds ${instances} instance(s); remove it with --force to delete them`);
    this.name = 'TenantNotEmptyError';
  }
}

/** Which tenants exist. The default tenant always does and cannot be removed. */
export interface TenantStore {
  exists(tenant: TenantId): boolean;
  list(): TenantSummary[];
  /** False when it already existed. */
  add(tenant: TenantId): boolean;
  /**
   * Deletes the tenant and, with `force`, its index rows; throws
   * TenantNotEmptyError when it holds instances and `force` is not set.
   * Returns false when it did not exist. The caller removes its blobs.
   */
  remove(tenant: TenantId, options: { force: boolean }): boolean;
  /** Sets the limits a STOW is checked against (A700 past them). False if no such tenant. */
  setQuota(tenant: TenantId, quota: TenantQuota): boolean;
}

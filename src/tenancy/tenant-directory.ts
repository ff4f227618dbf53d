import type { TenantId } from '../storage/ids.js';

/** Which tenants exist (the storage layer's TenantStore is one). */
export interface TenantDirectory {
  exists(tenant: TenantId): boolean;
}

import { TenantId } from '../storage/ids.js';

/** Which tenants exist. Only the default tenant until tenant management lands. */
export interface TenantDirectory {
  exists(tenant: TenantId): boolean;
}

export const singleTenantDirectory: TenantDirectory = {
  exists: (tenant) => tenant === TenantId.DEFAULT,
};

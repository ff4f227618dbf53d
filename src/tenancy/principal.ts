import type { TenantId } from '../storage/ids.js';
import type { ApiKeyGrant, Role } from '../storage/key-store.js';

/**
 * Who is asking, with the role they hold on each tenant they may use. An API
 * key grants one tenant; an identity provider's token may grant several (a
 * radiologist covering several sites). Each request still names one tenant.
 */
export interface Principal {
  /** The key id, or the token's issuer and subject. */
  readonly id: string;
  readonly grants: ReadonlyMap<TenantId, Role>;
}

export function principalOfKey(grant: ApiKeyGrant): Principal {
  return { id: grant.keyId, grants: new Map([[grant.tenant, grant.role]]) };
}

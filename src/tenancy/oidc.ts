import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { TenantId } from '../storage/ids.js';
import { ROLES, type Role } from '../storage/key-store.js';
import type { Principal } from './principal.js';

export interface OidcConfig {
  issuer: string;
  audience: string;
  /** Where the issuer publishes its signing keys (JWKS). */
  jwksUrl: string;
  /**
   * The claim holding grants: an object {"tenant": "role"} or a list of
   * "tenant:role" strings. Default "atrium_tenants".
   */
  tenantsClaim: string;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

function grantsOf(claim: unknown): Map<TenantId, Role> {
  const entries: Array<[string, unknown]> = Array.isArray(claim)
    ? claim.filter((v): v is string => typeof v === 'string').map((v) => v.split(':', 2) as [string, string])
    : claim !== null && typeof claim === 'object'
      ? Object.entries(claim)
      : [];
  const grants = new Map<TenantId, Role>();
  for (const [tenant, role] of entries) {
    if (TenantId.is(tenant) && ROLES.includes(role as Role)) grants.set(tenant, role as Role);
  }
  return grants;
}

/**
 * Verifies tokens from an external identity provider: signature against its
 * JWKS (fetched and cached by jose), issuer, audience, expiry and not-before.
 */
export class OidcVerifier {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: OidcConfig) {
    this.#jwks = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  /** The principal of a valid token, or null for an invalid, expired or foreign one. */
  async verify(token: string): Promise<Principal | null> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, { issuer: this.config.issuer, audience: this.config.audience }));
    } catch {
      return null;
    }
    return { id: `${payload.iss}#${payload.sub ?? '?'}`, grants: grantsOf(payload[this.config.tenantsClaim]) };
  }
}

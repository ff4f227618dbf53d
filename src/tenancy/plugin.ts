import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TenantId } from '../storage/ids.js';
import type { KeyStore, Role } from '../storage/key-store.js';
import { presentedKey } from './credentials.js';
import type { FailureLimiter } from './failure-limiter.js';
import { looksLikeJwt, type OidcVerifier } from './oidc.js';
import { principalOfKey, type Principal } from './principal.js';
import type { TenantDirectory } from './tenant-directory.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant this request is scoped to; every storage call takes it. */
    tenant: TenantId;
    /** Who is asking, or null when anonymous access is allowed. */
    principal: Principal | null;
  }
}

/** A tenant path segment that is malformed (400) or names no tenant (404); fastify maps statusCode. */
export class TenantError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 429,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TenantError';
  }
}

export interface TenantAccessOptions {
  tenants: TenantDirectory;
  keys: KeyStore;
  /** Whether requests without credentials are refused (see credentialsRequired). */
  credentialsRequired: boolean;
  failures: FailureLimiter;
  /** Verifies identity-provider tokens, when configured. */
  oidc: OidcVerifier | null;
}

const RANK: Record<Role, number> = { reader: 0, writer: 1, admin: 2 };

/** The least role a method needs: reads for readers, STOW for writers, DELETE for admins. */
function requiredRole(method: string): Role {
  if (method === 'GET' || method === 'HEAD') return 'reader';
  return method === 'DELETE' ? 'admin' : 'writer';
}

const CHALLENGE = 'Bearer realm="atrium", Basic realm="atrium"';

/**
 * Who may do what under a DICOMweb root: `/dicom-web` is the default tenant,
 * `/tenants/:tenant/dicom-web` names one. A key grants one role on one tenant;
 * another tenant's resources, and unknown tenants, answer exactly as missing
 * ones (404), so neither tenant names nor UIDs leak.
 */
export function registerTenantAccess(app: FastifyInstance, options: TenantAccessOptions): void {
  app.decorateRequest('tenant', TenantId.DEFAULT);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const raw = (request.params as { tenant?: string }).tenant ?? TenantId.DEFAULT;
    if (!TenantId.is(raw)) throw new TenantError(400, 'ATRIUM_ERR_BAD_TENANT', 'Bad request: invalid tenant id in path');
    request.tenant = raw;
    request.principal = await authenticate(request, options);
    const notFound = new TenantError(404, 'ATRIUM_ERR_NOT_FOUND', 'Not found');
    if (request.principal) {
      const role = request.principal.grants.get(raw);
      if (role === undefined) throw notFound;
      if (RANK[role] < RANK[requiredRole(request.method)]) {
        throw new TenantError(403, 'ATRIUM_ERR_FORBIDDEN', `Forbidden: the ${role} role cannot ${request.method} here`);
      }
    }
    if (!options.tenants.exists(raw)) throw notFound;
  });
}

/** The principal of the presented key or token; null for anonymous access where allowed; throws 401/429 otherwise. */
async function authenticate(request: FastifyRequest, options: TenantAccessOptions): Promise<Principal | null> {
  const key = presentedKey(request.headers.authorization);
  if (key === undefined) {
    if (!options.credentialsRequired) return null;
    throw new TenantError(401, 'ATRIUM_ERR_UNAUTHORIZED', 'Unauthorized: credentials required', { 'WWW-Authenticate': CHALLENGE });
  }
  const wait = options.failures.blockedFor(request.ip);
  if (wait > 0) {
    throw new TenantError(429, 'ATRIUM_ERR_TOO_MANY_FAILURES', 'Too many failed authentications', { 'Retry-After': String(wait) });
  }
  const principal = key === null ? null : await identify(key, options);
  if (!principal) {
    options.failures.fail(request.ip);
    request.log.warn({ remoteAddress: request.ip }, 'authentication failed');
    throw new TenantError(401, 'ATRIUM_ERR_UNAUTHORIZED', 'Unauthorized: unknown, revoked or expired key', {
      'WWW-Authenticate': `Bearer realm="atrium", error="invalid_token", Basic realm="atrium"`,
    });
  }
  return principal;
}

async function identify(token: string, options: TenantAccessOptions): Promise<Principal | null> {
  if (options.oidc && looksLikeJwt(token)) return options.oidc.verify(token);
  const grant = options.keys.verify(token);
  return grant ? principalOfKey(grant) : null;
}

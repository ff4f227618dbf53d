import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditAction, AuditStore } from '../../storage/audit-store.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { FrameCache } from '../../storage/frame-cache.js';
import { TenantId } from '../../storage/ids.js';
import { ROLES, type ApiKeyGrant, type KeyStore, type Role } from '../../storage/key-store.js';
import { TenantNotEmptyError, type TenantStore } from '../../storage/tenant-store.js';
import type { AuditRecorder } from '../../tenancy/audit-recorder.js';
import { toAuditMessage } from '../../tenancy/audit-message.js';
import { presentedKey } from '../../tenancy/credentials.js';
import { AtriumHttpError, errors } from '../errors.js';

export interface AdminDeps {
  tenants: TenantStore;
  keys: KeyStore;
  blobs: BlobStore;
  frameCache: FrameCache;
  audit: AuditStore;
  recorder: AuditRecorder;
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="atrium-admin"' };

/**
 * The admin API: the CLI's tenant, key and audit operations over HTTP. It
 * always demands an admin key: an admin of the default tenant is the
 * operator (every tenant); an admin of tenant T manages T's keys and reads
 * T's audit trail.
 */
export async function adminPlugin(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const admin = (request: FastifyRequest): ApiKeyGrant => {
    const key = presentedKey(request.headers.authorization);
    const grant = key ? deps.keys.verify(key) : null;
    if (!grant) throw new AtriumHttpError('ATRIUM_ERR_UNAUTHORIZED', 401, 'Unauthorized: an admin key is required', CHALLENGE);
    if (grant.role !== 'admin') throw new AtriumHttpError('ATRIUM_ERR_FORBIDDEN', 403, 'Forbidden: the admin role is required');
    return grant;
  };
  const operator = (request: FastifyRequest) => {
    const grant = admin(request);
    if (grant.tenant !== TenantId.DEFAULT) throw new AtriumHttpError('ATRIUM_ERR_FORBIDDEN', 403, 'Forbidden: only an admin of the default tenant manages tenants');
    return grant;
  };
  /** The tenant an admin may act on: their own, or any for the operator. */
  const scoped = (request: FastifyRequest, tenant: string): TenantId => {
    const grant = admin(request);
    if (!TenantId.is(tenant) || !deps.tenants.exists(tenant) || (grant.tenant !== TenantId.DEFAULT && grant.tenant !== tenant)) {
      throw errors.notFound('no such tenant');
    }
    return tenant;
  };
  const audit = (request: FastifyRequest, grant: ApiKeyGrant, tenant: TenantId, action: AuditAction, detail: string) =>
    deps.recorder.record({ time: new Date().toISOString(), tenant, principal: grant.keyId, client: request.ip, action, studies: [], outcome: 0, detail });

  app.get('/tenants', async (request) => {
    operator(request);
    return deps.tenants.list();
  });

  app.post<{ Body: { id?: string } }>('/tenants', async (request, reply) => {
    const grant = operator(request);
    const id = request.body?.id ?? '';
    if (!TenantId.is(id)) throw errors.badRequest('id must be 1-63 lower-case letters, digits or "-"');
    const created = deps.tenants.add(id);
    if (created) audit(request, grant, id, 'tenant-change', `tenant ${id} added`);
    return reply.code(created ? 201 : 200).send({ id, created });
  });

  app.delete<{ Params: { tenant: string }; Querystring: { force?: string } }>('/tenants/:tenant', async (request, reply) => {
    const grant = operator(request);
    const tenant = scoped(request, request.params.tenant);
    if (tenant === TenantId.DEFAULT) throw errors.badRequest('the default tenant cannot be removed');
    const force = request.query.force === 'true';
    try {
      deps.tenants.remove(tenant, { force });
    } catch (err) {
      if (err instanceof TenantNotEmptyError) throw errors.conflict(err.message);
      throw err;
    }
    await Promise.all([deps.blobs.removeTenant(tenant), deps.frameCache.removeTenant(tenant)]);
    audit(request, grant, tenant, 'tenant-change', `tenant ${tenant} removed${force ? ' with its data' : ''}`);
    return reply.code(204).send();
  });

  app.put<{ Params: { tenant: string }; Body: { maxBytes?: unknown; maxInstances?: unknown } }>(
    '/tenants/:tenant/quota',
    async (request) => {
      const grant = operator(request);
      const tenant = scoped(request, request.params.tenant);
      const limit = (value: unknown): number | null => {
        if (value === null || value === undefined) return null;
        if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
        throw errors.badRequest('a limit is a non-negative integer or null');
      };
      const quota = { maxBytes: limit(request.body?.maxBytes), maxInstances: limit(request.body?.maxInstances) };
      deps.tenants.setQuota(tenant, quota);
      audit(request, grant, tenant, 'tenant-change', `quota of ${tenant}: ${quota.maxInstances ?? 'unlimited'} instances, ${quota.maxBytes ?? 'unlimited'} bytes`);
      return { tenant, ...quota };
    },
  );

  app.get<{ Params: { tenant: string } }>('/tenants/:tenant/keys', async (request) => {
    const tenant = scoped(request, request.params.tenant);
    return deps.keys.list().filter((k) => k.tenant === tenant);
  });

  app.post<{ Params: { tenant: string }; Body: { role?: string; expiresInDays?: number } }>(
    '/tenants/:tenant/keys',
    async (request, reply) => {
      const tenant = scoped(request, request.params.tenant);
      const grant = admin(request);
      const role = request.body?.role as Role;
      if (!ROLES.includes(role)) throw errors.badRequest(`role must be one of ${ROLES.join(', ')}`);
      const days = request.body?.expiresInDays;
      if (days !== undefined && !(typeof days === 'number' && days > 0)) throw errors.badRequest('expiresInDays must be a positive number');
      const expiresAt = days === undefined ? undefined : new Date(Date.now() + days * 86_400_000);
      const made = deps.keys.add({ tenant, role, expiresAt });
      audit(request, grant, tenant, 'key-change', `key ${made.keyId} added: ${role}`);
      return reply.code(201).send({ ...made, tenant, role, expiresAt: expiresAt?.toISOString() ?? null });
    },
  );

  app.delete<{ Params: { keyId: string } }>('/keys/:keyId', async (request, reply) => {
    const grant = admin(request);
    const key = deps.keys.list().find((k) => k.keyId === request.params.keyId);
    if (!key || (grant.tenant !== TenantId.DEFAULT && grant.tenant !== key.tenant)) throw errors.notFound('no such key');
    if (!deps.keys.revoke(key.keyId)) throw errors.notFound('the key is already revoked');
    audit(request, grant, key.tenant, 'key-change', `key ${key.keyId} revoked`);
    return reply.code(204).send();
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit', async (request, reply: FastifyReply) => {
    const grant = admin(request);
    const { tenant, since, until, principal, study, format } = request.query;
    const own = grant.tenant === TenantId.DEFAULT ? undefined : grant.tenant;
    if (own && tenant && tenant !== own) throw errors.notFound('no such tenant');
    const records = deps.audit.query({ tenant: (own ?? tenant) as TenantId | undefined, since, until, principal, study });
    if (format === 'dicom') return reply.type('application/xml').send(records.map(toAuditMessage).join('\n'));
    return reply.type('application/x-ndjson').send(records.map((r) => JSON.stringify(r)).join('\n'));
  });

  app.get('/audit/verify', async (request) => {
    operator(request);
    const broken = deps.audit.verify();
    return broken ? { verified: false, ...broken } : { verified: true };
  });
}

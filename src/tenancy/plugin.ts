import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TenantId } from '../storage/ids.js';
import { errors } from '../dicomweb/errors.js';
import type { TenantDirectory } from './tenant-directory.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant this request is scoped to; every storage call takes it. */
    tenant: TenantId;
  }
}

/**
 * Resolves the tenant of a DICOMweb root: `/dicom-web` is the default tenant,
 * `/tenants/:tenant/dicom-web` names one. An unknown tenant answers exactly as
 * a missing resource would, so tenant names do not leak.
 */
export function registerTenantResolution(app: FastifyInstance, directory: TenantDirectory): void {
  app.decorateRequest('tenant', TenantId.DEFAULT);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const raw = (request.params as { tenant?: string }).tenant;
    if (raw === undefined) {
      request.tenant = TenantId.DEFAULT;
      return;
    }
    if (!TenantId.is(raw)) throw errors.badRequest(`invalid tenant id in path`);
    if (!directory.exists(raw)) throw errors.notFound('no such tenant');
    request.tenant = raw;
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TenantId } from '../storage/ids.js';
import type { TenantDirectory } from './tenant-directory.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant this request is scoped to; every storage call takes it. */
    tenant: TenantId;
  }
}

/** A tenant path segment that is malformed (400) or names no tenant (404); fastify maps statusCode. */
export class TenantError extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TenantError';
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
    if (!TenantId.is(raw)) throw new TenantError(400, 'ATRIUM_ERR_BAD_TENANT', 'Bad request: invalid tenant id in path');
    if (!directory.exists(raw)) throw new TenantError(404, 'ATRIUM_ERR_NOT_FOUND', 'Not found: no such tenant');
    request.tenant = raw;
  });
}

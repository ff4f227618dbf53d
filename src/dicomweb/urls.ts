import type { FastifyRequest } from 'fastify';
import type { AtriumConfig } from '../config.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  // Proxies may append: "X-Forwarded-Host: outer, inner" — the first is the client's.
  return first?.split(',')[0]?.trim() || undefined;
}

/**
 * The absolute origin (and path prefix) clients reach us by. A configured
 * public URL wins; otherwise X-Forwarded-Proto/Host/Prefix (reverse proxies),
 * then the request's own Host. BulkDataURIs built from a bare Host header break
 * behind proxies, hence this order.
 */
export function publicBase(request: FastifyRequest, config: AtriumConfig): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const proto = header(request, 'x-forwarded-proto') ?? request.protocol;
  const host = header(request, 'x-forwarded-host') ?? request.host;
  const prefix = (header(request, 'x-forwarded-prefix') ?? '').replace(/\/+$/, '');
  return `${proto}://${host}${prefix}`;
}

/** The tenant's DICOMweb root path, e.g. `/dicom-web` or `/tenants/a/dicom-web`. */
export function rootPath(tenantParam: string | undefined): string {
  return tenantParam === undefined ? '/dicom-web' : `/tenants/${tenantParam}/dicom-web`;
}

/** Absolute DICOMweb root URL of the request's tenant. */
export function dicomwebRoot(request: FastifyRequest, config: AtriumConfig): string {
  return publicBase(request, config) + rootPath((request.params as { tenant?: string }).tenant);
}

export function studyUrl(root: string, study: string): string {
  return `${root}/studies/${study}`;
}

export function seriesUrl(root: string, study: string, series: string): string {
  return `${root}/studies/${study}/series/${series}`;
}

export function instanceUrl(root: string, study: string, series: string, instance: string): string {
  return `${root}/studies/${study}/series/${series}/instances/${instance}`;
}

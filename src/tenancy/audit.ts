import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditAction } from '../storage/audit-store.js';
import { TenantId } from '../storage/ids.js';
import type { AuditRecorder } from './audit-recorder.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Studies a request touched that its path does not name (STOW sets them). */
    auditStudies: string[] | null;
  }
  interface FastifyContextConfig {
    /** How requests of a route are recorded in the audit trail. */
    audit?: Extract<AuditAction, 'store' | 'query' | 'retrieve' | 'delete'>;
  }
}

const SECURITY_OUTCOMES = new Set([401, 403, 429]);

function decoded(query: string): string {
  try {
    return decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    return query; // malformed percent-encoding: keep it as sent
  }
}

/**
 * Records every access to patient data (store, query, retrieve, delete) and
 * every refused credential, with time, tenant, principal, client, studies and
 * outcome. Query strings (which may hold patient names) go here, never into
 * the application log.
 */
export function registerAuditing(app: FastifyInstance, recorder: AuditRecorder): void {
  app.decorateRequest('auditStudies', null);
  // onSend: recorded before the client learns the outcome, so no access goes unrecorded.
  app.addHook('onSend', async (request: FastifyRequest, reply) => {
    const routeAction = request.routeOptions.config.audit;
    const action: AuditAction | undefined = SECURITY_OUTCOMES.has(reply.statusCode) ? 'auth-failure' : routeAction;
    if (!action) return;
    const params = request.params as { tenant?: string; study?: string };
    const tenant = params.tenant ?? TenantId.DEFAULT;
    if (!TenantId.is(tenant)) return;
    const [path, query] = request.url.split('?', 2);
    recorder.record({
      time: new Date().toISOString(),
      tenant,
      principal: request.principal?.id ?? (action === 'auth-failure' ? null : 'anonymous'),
      client: request.ip,
      action,
      studies: request.auditStudies ?? (params.study ? [params.study] : []),
      outcome: reply.statusCode,
      detail: routeAction === 'query' ? decoded(query ?? '') : (path ?? null),
    });
  });
}

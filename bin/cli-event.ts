import { userInfo } from 'node:os';
import type { AuditAction, AuditEvent } from '../src/storage/audit-store.js';
import type { TenantId } from '../src/storage/ids.js';

/** An audit event for a change made from the command line, attributed to the OS user. */
export function cliEvent(tenant: TenantId, action: AuditAction, detail: string): AuditEvent {
  return { time: new Date().toISOString(), tenant, principal: `cli:${userInfo().username}`, client: null, action, studies: [], outcome: 0, detail };
}

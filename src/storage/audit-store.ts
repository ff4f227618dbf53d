import type { TenantId } from './ids.js';

/** What happened, in the terms of PS3.15 A.5 event types. */
export type AuditAction =
  | 'store' // STOW-RS: DICOM Instances Transferred (110104)
  | 'query' // QIDO-RS: Query (110112)
  | 'retrieve' // WADO-RS: DICOM Instances Accessed (110103)
  | 'delete' // DICOM Study Deleted (110105)
  | 'auth-failure' // Security Alert (110113)
  | 'tenant-change' // Security Alert (110113)
  | 'key-change'; // Security Alert (110113)

export interface AuditEvent {
  time: string;
  tenant: TenantId;
  /** The key id (or 'anonymous', or 'cli'). */
  principal: string | null;
  /** Client address. */
  client: string | null;
  action: AuditAction;
  studies: string[];
  /** The HTTP status (0 for CLI events that succeeded). */
  outcome: number;
  /** Free detail: the query string of a QIDO, the path of a retrieve. */
  detail: string | null;
}

export interface AuditRecord extends AuditEvent {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  tenant?: TenantId;
  since?: string;
  until?: string;
  principal?: string;
  study?: string;
}

/** The append-only, hash-chained audit trail. */
export interface AuditStore {
  append(events: readonly AuditEvent[]): void;
  query(filter: AuditFilter): AuditRecord[];
  /** Walks the whole chain; the first record whose hash or link does not match, or null. */
  verify(): { seq: number; reason: string } | null;
}

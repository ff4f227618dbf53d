import type { AuditAction, AuditRecord } from '../storage/audit-store.js';

/** PS3.15 A.5.3 event IDs (DCM codes) and EventActionCode per action. */
const EVENTS: Record<AuditAction, { code: string; text: string; action: 'C' | 'R' | 'D' | 'E' }> = {
  store: { code: '110104', text: 'DICOM Instances Transferred', action: 'C' },
  query: { code: '110112', text: 'Query', action: 'E' },
  retrieve: { code: '110103', text: 'DICOM Instances Accessed', action: 'R' },
  delete: { code: '110105', text: 'DICOM Study Deleted', action: 'D' },
  'auth-failure': { code: '110113', text: 'Security Alert', action: 'E' },
  'tenant-change': { code: '110113', text: 'Security Alert', action: 'E' },
  'key-change': { code: '110113', text: 'Security Alert', action: 'E' },
};

const escape = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** EventOutcomeIndicator (RFC 3881): 0 success, 4 minor failure (4xx), 8 serious failure (5xx). */
function outcomeIndicator(status: number): number {
  if (status >= 500) return 8;
  return status >= 400 ? 4 : 0;
}

/** One record as a DICOM audit message (PS3.15 A.5, the RFC 3881 schema). */
export function toAuditMessage(record: AuditRecord): string {
  const event = EVENTS[record.action];
  const studies = record.studies
    .map(
      (uid) =>
        `<ParticipantObjectIdentification ParticipantObjectID="${escape(uid)}" ParticipantObjectTypeCode="2" ParticipantObjectTypeCodeRole="3">` +
        `<ParticipantObjectIDTypeCode csd-code="110180" codeSystemName="DCM" originalText="Study Instance UID"/></ParticipantObjectIdentification>`,
    )
    .join('');
  const query =
    record.action === 'query' && record.detail
      ? `<ParticipantObjectIdentification ParticipantObjectID="${escape(record.tenant)}" ParticipantObjectTypeCode="2" ParticipantObjectTypeCodeRole="24">` +
        `<ParticipantObjectIDTypeCode csd-code="ITI-QIDO" codeSystemName="atrium" originalText="QIDO-RS query"/>` +
        `<ParticipantObjectQuery>${Buffer.from(record.detail).toString('base64')}</ParticipantObjectQuery></ParticipantObjectIdentification>`
      : '';
  return (
    `<AuditMessage>` +
    `<EventIdentification EventActionCode="${event.action}" EventDateTime="${record.time}" EventOutcomeIndicator="${outcomeIndicator(record.outcome)}">` +
    `<EventID csd-code="${event.code}" codeSystemName="DCM" originalText="${event.text}"/></EventIdentification>` +
    `<ActiveParticipant UserID="${escape(record.principal ?? 'unknown')}" UserIsRequestor="true"` +
    (record.client ? ` NetworkAccessPointID="${escape(record.client)}" NetworkAccessPointTypeCode="2"` : '') +
    `/>` +
    `<AuditSourceIdentification AuditSourceID="atrium" AuditEnterpriseSiteID="${escape(record.tenant)}"/>` +
    studies +
    query +
    `</AuditMessage>`
  );
}

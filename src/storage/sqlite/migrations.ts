import type Database from 'better-sqlite3';

/**
 * The index schema, one entry per version (PRAGMA user_version counts them).
 * Append only: a released migration is never edited.
 *
 * Tenancy is enforced here, not by callers: every row carries `tenant`, and
 * every unique key and index starts with it, so the same UIDs can live in two
 * tenants without ever meeting.
 *
 * Person names are stored as their three component groups (PS3.5 6.2.1):
 * the Alphabetic group in the column named after the attribute, the others in
 * `_ideographic` / `_phonetic`, all COLLATE NOCASE because PS3.4 C.2.2.2.1
 * lets PN matching ignore case; `_fuzzy` holds the normalised form used for
 * fuzzymatching=true (PS3.18 8.3.4.2). TM columns have a `_key` twin holding
 * the value padded to HHMMSS.FFFFFF so ranges compare as strings (C.2.2.2.5).
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE studies (
    pk INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    study_uid TEXT NOT NULL,
    study_date TEXT,
    study_time TEXT,
    study_time_key TEXT,
    accession_number TEXT,
    referring_physician_name TEXT COLLATE NOCASE,
    referring_physician_name_ideographic TEXT COLLATE NOCASE,
    referring_physician_name_phonetic TEXT COLLATE NOCASE,
    referring_physician_name_fuzzy TEXT,
    patient_name TEXT COLLATE NOCASE,
    patient_name_ideographic TEXT COLLATE NOCASE,
    patient_name_phonetic TEXT COLLATE NOCASE,
    patient_name_fuzzy TEXT,
    patient_id TEXT,
    patient_birth_date TEXT,
    patient_sex TEXT,
    study_id TEXT,
    study_description TEXT,
    num_series INTEGER NOT NULL DEFAULT 0,
    num_instances INTEGER NOT NULL DEFAULT 0,
    modalities TEXT NOT NULL DEFAULT '',
    sop_classes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX studies_uid ON studies (tenant, study_uid);
  -- The study list index: walked newest first, and wide enough that the keys a
  -- study list filters on (OHIF sends *value* on names, IDs, accession numbers and
  -- descriptions, which no B-tree can seek) are tested in the index itself; the
  -- table row is read only for matches. A filter matching nothing scans 50,000
  -- entries in a few milliseconds instead of 50,000 table rows in tens.
  CREATE INDEX studies_list ON studies (
    tenant, study_date, study_time,
    patient_name, patient_name_ideographic, patient_name_phonetic, patient_name_fuzzy,
    patient_id, accession_number, study_description, modalities
  );
  CREATE INDEX studies_patient_id ON studies (tenant, patient_id);
  CREATE INDEX studies_accession ON studies (tenant, accession_number);
  CREATE INDEX studies_patient_name ON studies (tenant, patient_name);

  CREATE TABLE series (
    pk INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    study_pk INTEGER NOT NULL REFERENCES studies (pk) ON DELETE CASCADE,
    series_uid TEXT NOT NULL,
    modality TEXT,
    series_number INTEGER,
    series_description TEXT,
    series_date TEXT,
    series_time TEXT,
    series_time_key TEXT,
    pps_start_date TEXT,
    pps_start_time TEXT,
    pps_start_time_key TEXT,
    body_part_examined TEXT,
    institution_name TEXT,
    request_attributes TEXT,
    num_instances INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX series_uid ON series (tenant, series_uid);
  CREATE INDEX series_study ON series (tenant, study_pk, series_number);
  CREATE INDEX series_modality ON series (tenant, modality);

  CREATE TABLE instances (
    pk INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    study_pk INTEGER NOT NULL REFERENCES studies (pk) ON DELETE CASCADE,
    series_pk INTEGER NOT NULL REFERENCES series (pk) ON DELETE CASCADE,
    sop_instance_uid TEXT NOT NULL,
    sop_class_uid TEXT NOT NULL,
    instance_number INTEGER,
    "rows" INTEGER,
    "columns" INTEGER,
    bits_allocated INTEGER,
    number_of_frames INTEGER,
    transfer_syntax_uid TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    pixel_layout TEXT,
    bulk_data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX instances_uid ON instances (tenant, sop_instance_uid);
  CREATE INDEX instances_series ON instances (tenant, series_pk, instance_number);
  CREATE INDEX instances_study_class ON instances (tenant, study_pk, sop_class_uid);
  `,
  // Files stored without preamble or File Meta Information get these bytes
  // prepended when retrieved, so clients always receive valid Part 10.
  `ALTER TABLE instances ADD COLUMN part10_prefix BLOB;`,
  // The tenants that exist; the default tenant always does.
  `
  CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  );
  INSERT INTO tenants (id, created_at) VALUES ('default', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  `,
  // API keys: only the SHA-256 of the secret is kept (the secret is 256 random bits).
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
    secret_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
  );
  CREATE INDEX api_keys_tenant ON api_keys (tenant);
  `,
  // The audit trail: append-only (triggers refuse changes), each record chained to
  // the previous one by hash, so a changed or removed record breaks verification.
  `
  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    tenant TEXT NOT NULL,
    principal TEXT,
    client TEXT,
    action TEXT NOT NULL,
    studies TEXT NOT NULL,
    outcome INTEGER NOT NULL,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_tenant_time ON audit_events (tenant, time);
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  `,
  // Quotas: limits (NULL = none) and usage counters kept with every put and delete,
  // so a STOW checks them without summing the tenant's instances.
  `
  ALTER TABLE tenants ADD COLUMN max_bytes INTEGER;
  ALTER TABLE tenants ADD COLUMN max_instances INTEGER;
  ALTER TABLE tenants ADD COLUMN used_bytes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tenants ADD COLUMN used_instances INTEGER NOT NULL DEFAULT 0;
  INSERT OR IGNORE INTO tenants (id, created_at) SELECT DISTINCT tenant, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM instances;
  UPDATE tenants SET
    used_bytes = (SELECT coalesce(sum(size), 0) FROM instances WHERE instances.tenant = tenants.id),
    used_instances = (SELECT count(*) FROM instances WHERE instances.tenant = tenants.id);
  `,
];

/** Brings the schema to the latest version, one transaction per step. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`index schema version ${current} is newer than this atrium (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

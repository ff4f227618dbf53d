/**
 * Why a stored file could not be read as a DICOM instance. STOW-RS turns the
 * reason into a per-instance failure (PS3.4 Annex B status, PS3.18 10.5.3).
 */
export type DicomReadErrorReason =
  /** No 128-byte preamble + "DICM" + File Meta Information (PS3.10 7.1). */
  | 'not-part10'
  /** A length points past the end of the file. */
  | 'truncated'
  /** The encoding breaks PS3.5 (bad lengths, stray delimiters, nesting too deep, ...). */
  | 'malformed'
  /** The Transfer Syntax UID is unknown, so the data set cannot be parsed. */
  | 'unsupported-syntax';

export class DicomReadError extends Error {
  override readonly name = 'DicomReadError';
  readonly reason: DicomReadErrorReason;

  constructor(reason: DicomReadErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

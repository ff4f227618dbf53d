/**
 * Why an instance was not stored, as PS3.18 Table I.2-2 failure reasons
 * (0008,1197), with a human message for the response and the log.
 */
export const FailureReason = Object.freeze({
  /** A7xx Refused: out of resources. */
  OutOfResources: 0xa700,
  /** A9xx Error: Data Set does not match SOP Class (missing or invalid required attributes). */
  DataSetMismatch: 0xa900,
  /** Cxxx Error: cannot understand (not Part 10, unparseable). */
  CannotUnderstand: 0xc000,
  /** C122 Referenced Transfer Syntax not supported. */
  TransferSyntaxNotSupported: 0xc122,
  /** 0110 Processing failure. */
  ProcessingFailure: 0x0110,
  /** 0111 Duplicate SOP Instance (PS3.7 C.4.2.1.5; "additional codes may be used", I.2.2). */
  DuplicateInstance: 0x0111,
  /** 0122 Referenced SOP Class not supported. */
  SopClassNotSupported: 0x0122,
});

export class StoreFailure extends Error {
  constructor(
    readonly reason: number,
    message: string,
    readonly sopClassUid?: string,
    readonly sopInstanceUid?: string,
  ) {
    super(message);
    this.name = 'StoreFailure';
  }
}

/**
 * The DICOM JSON model (PS3.18 Annex F.2): the shape atrium indexes, stores as
 * metadata and returns from QIDO-RS and WADO-RS metadata.
 */

/** Tag as 8 upper-case hex digits, group then element: "0020000D". */
export type Tag = string;

export type Vr =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FL' | 'FD' | 'IS' | 'LO' | 'LT'
  | 'OB' | 'OD' | 'OF' | 'OL' | 'OV' | 'OW' | 'PN' | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST'
  | 'SV' | 'TM' | 'UC' | 'UI' | 'UL' | 'UN' | 'UR' | 'US' | 'UT' | 'UV';

/** PS3.18 F.2.2: a PN value is an object of up to three component groups. */
export interface PersonNameJson {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

export type DicomJsonValue = string | number | PersonNameJson | DicomJsonDataset | null;

export interface DicomJsonElement {
  vr: Vr;
  Value?: DicomJsonValue[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

export type DicomJsonDataset = { [tag: Tag]: DicomJsonElement };

import type { DicomJsonDataset } from '../../dicom/json-model.js';

/** The first value of an element of a DICOM JSON answer (PS3.18 F.2) when it is a string: UIDs, codes, text. */
export function textValue(dataset: DicomJsonDataset, tag: string): string | undefined {
  const value = dataset[tag]?.Value?.[0];
  return typeof value === 'string' ? value : undefined;
}

/** The first value of an element when it is a number (US, UL, IS, DS...). */
export function numberValue(dataset: DicomJsonDataset, tag: string): number | undefined {
  const value = dataset[tag]?.Value?.[0];
  return typeof value === 'number' ? value : undefined;
}

/** The items of a sequence element. */
export function sequenceItems(dataset: DicomJsonDataset, tag: string): DicomJsonDataset[] {
  return (dataset[tag]?.Value ?? []).filter((v): v is DicomJsonDataset => v !== null && typeof v === 'object' && !('Alphabetic' in v));
}

import type { DicomJsonDataset, DicomJsonValue, PersonNameJson } from '../dicom/json-model.js';

/** Escapes text for XML character data and attribute values. */
function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PN_COMPONENTS = ['FamilyName', 'GivenName', 'MiddleName', 'NamePrefix', 'NameSuffix'] as const;

function personNameXml(pn: PersonNameJson, number: number): string {
  const groups = (['Alphabetic', 'Ideographic', 'Phonetic'] as const)
    .filter((group) => pn[group] !== undefined)
    .map((group) => {
      const parts = pn[group]!.split('^')
        .map((value, i) => (value && PN_COMPONENTS[i] ? `<${PN_COMPONENTS[i]}>${escapeXml(value)}</${PN_COMPONENTS[i]}>` : ''))
        .join('');
      return `<${group}>${parts}</${group}>`;
    });
  return `<PersonName number="${number}">${groups.join('')}</PersonName>`;
}

function valueXml(vr: string, value: DicomJsonValue, number: number): string {
  if (vr === 'SQ') return `<Item number="${number}">${datasetXml(value as DicomJsonDataset)}</Item>`;
  if (vr === 'PN') return personNameXml((value ?? {}) as PersonNameJson, number);
  return `<Value number="${number}">${value === null ? '' : escapeXml(String(value))}</Value>`;
}

function datasetXml(dataset: DicomJsonDataset): string {
  let xml = '';
  for (const [tag, element] of Object.entries(dataset)) {
    xml += `<DicomAttribute tag="${tag}" vr="${element.vr}">`;
    element.Value?.forEach((value, i) => (xml += valueXml(element.vr, value, i + 1)));
    if (element.InlineBinary !== undefined) xml += `<InlineBinary>${element.InlineBinary}</InlineBinary>`;
    if (element.BulkDataURI !== undefined) xml += `<BulkData uri="${escapeXml(element.BulkDataURI)}"/>`;
    xml += '</DicomAttribute>';
  }
  return xml;
}

/** A data set in the Native DICOM Model (PS3.19 A.1), for `application/dicom+xml`. */
export function toNativeDicomModel(dataset: DicomJsonDataset): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<NativeDicomModel xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM">${datasetXml(dataset)}</NativeDicomModel>\n`;
}

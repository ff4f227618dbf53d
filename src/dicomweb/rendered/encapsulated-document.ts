import { firstNumber, firstString } from '../../codecs/render/dataset-values.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { TenantId } from '../../storage/ids.js';
import { blobOf } from '../wado/params.js';
import type { RenderSource } from './targets.js';

const ENCAPSULATED_DOCUMENT = '00420011';
const MIME_TYPE_OF_ENCAPSULATED_DOCUMENT = '00420012';
const ENCAPSULATED_DOCUMENT_LENGTH = '00420015';

/** An Encapsulated PDF (PS3.3 A.45.1): its rendered form is the document itself. */
export function isEncapsulatedPdf(source: RenderSource): boolean {
  const { dataset } = source;
  return dataset[ENCAPSULATED_DOCUMENT] !== undefined && firstString(dataset[MIME_TYPE_OF_ENCAPSULATED_DOCUMENT])?.toLowerCase() === 'application/pdf';
}

/**
 * The encapsulated document's bytes: the value of (0042,0011), cut to
 * Encapsulated Document Length (0042,0015) when present; otherwise the one
 * NUL byte that pads an odd-length document to an even value length
 * (PS3.5 7.1.1) is dropped.
 */
export async function documentBytes(blobs: BlobStore, tenant: TenantId, source: RenderSource): Promise<Buffer> {
  const { record, dataset } = source;
  const element = dataset[ENCAPSULATED_DOCUMENT]!;
  const range = record.bulkData[ENCAPSULATED_DOCUMENT];
  let bytes: Buffer;
  if (element.InlineBinary !== undefined) bytes = Buffer.from(element.InlineBinary, 'base64');
  else if (range) bytes = await blobs.readRange(blobOf(tenant, record), range.offset, range.length);
  else bytes = Buffer.alloc(0);
  const length = firstNumber(dataset[ENCAPSULATED_DOCUMENT_LENGTH]);
  if (length !== undefined && length >= 0 && length <= bytes.length) return bytes.subarray(0, length);
  return bytes.length % 2 === 0 && bytes[bytes.length - 1] === 0 ? bytes.subarray(0, bytes.length - 1) : bytes;
}

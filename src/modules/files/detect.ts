// What a file is, decided from its bytes: magic numbers first (file-type); the name or the declared type only
// for text formats that have no magic number (CSV, JSON, plain text), and only when the bytes are text.
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { BlobStore, StoredBlob } from '../../platform/files/index.ts';

/** Enough of the start of a file for file-type's deeper probes (ZIP containers, MPEG frames, TAR). */
const HEAD_BYTES = 64 * 1024;
const TEXT_PROBE_BYTES = 1024;

// Text types a file may be recorded as when its bytes are text. Markup a browser would run (HTML, SVG) is not
// among them: such a file is recorded as text/plain.
const textTypes = new Set([
  'text/plain',
  'text/csv',
  'text/tab-separated-values',
  'text/markdown',
  'application/json',
  'application/geo+json',
  'application/x-ndjson',
  'application/xml',
  'text/xml',
  'application/yaml',
  'text/yaml',
]);

const textByExtension: Record<string, string> = {
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.tab': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
  '.xml': 'application/xml',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.mhd': 'text/plain',
  '.prj': 'text/plain',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 without control characters other than tab, line breaks and form feed; a cut multi-byte tail is fine. */
export function looksLikeText(bytes: Uint8Array): boolean {
  let probe = bytes.subarray(0, TEXT_PROBE_BYTES);
  for (const b of probe)
    if (b === 0 || (b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13)) return false;
  // The probe may end inside a multi-byte character: drop up to 3 bytes of an unfinished sequence.
  if (bytes.length > probe.length) {
    let cut = probe.length;
    while (cut > probe.length - 4 && cut > 0 && ((probe[cut - 1] ?? 0) & 0xc0) === 0x80) cut--;
    if (cut > 0 && (probe[cut - 1] ?? 0) >= 0xc0) cut--;
    probe = probe.subarray(0, cut);
  }
  try {
    utf8.decode(probe);
    return true;
  } catch {
    return false;
  }
}

/** The MIME type of a file whose first bytes are `head` (at most HEAD_BYTES of it). */
export async function detectMimeType(
  head: Uint8Array,
  name: string,
  declared: string | null,
): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  if (!looksLikeText(head)) return 'application/octet-stream';
  const given = declared?.split(';')[0]?.trim().toLowerCase();
  if (given && textTypes.has(given)) return given;
  return textByExtension[path.extname(name).toLowerCase()] ?? 'text/plain';
}

/** Streams `source` into the blob store, keeping the first bytes for type detection. */
export async function storeWithHead(
  blobs: BlobStore,
  source: Readable,
  maxBytes: number,
): Promise<{ blob: StoredBlob; head: Buffer }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (kept < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - kept);
        chunks.push(Buffer.from(part));
        kept += part.length;
      }
      done(null, chunk);
    },
  });
  // pipeline, not pipe: a source that failed before we got it (a multipart part cut short) still fails the
  // store, and a store that gives up (too large) stops the source.
  pipeline(source, tap).catch(() => {});
  const blob = await blobs.put(tap, { maxBytes });
  return { blob, head: Buffer.concat(chunks) };
}

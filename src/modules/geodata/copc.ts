// Point clouds: the LAS public header block (ASPRS LAS 1.4 R15) and the COPC info VLR (COPC 1.0) read from the
// file's first bytes. No converter to COPC exists in Debian's repository or on npm here, so only COPC files are
// accepted; LAS and LAZ answer 415 saying the conversion needs an external tool (PDAL). The CRS comes from the
// OGC WKT record (readCopcCrs), read by range without fetching the points.

import { AppError } from '../../platform/errors.ts';
import type { BlobStore } from '../../platform/files/blob-store.ts';

/** Bytes to read: the 375-byte LAS 1.4 header, the 54-byte VLR header and the 160-byte COPC info record. */
export const COPC_HEAD_BYTES = 375 + 54 + 160;

export interface CopcHeader {
  version: string;
  pointCount: number;
  /** [min_x, min_y, min_z, max_x, max_y, max_z] in the file's CRS. */
  bounds3d: number[];
}

/** The file's first COPC_HEAD_BYTES bytes (fewer when it is shorter). */
export async function headOf(blobs: BlobStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await blobs.get(key, { start: 0, end: COPC_HEAD_BYTES - 1 }))
    chunks.push(c as Buffer);
  return Buffer.concat(chunks).subarray(0, COPC_HEAD_BYTES);
}

/** The header of a COPC file, or an AppError: 422 for a file that is no LAS at all, 415 for LAS/LAZ. */
export function readCopcHeader(head: Buffer, name: string): CopcHeader {
  if (head.length < 227 || head.toString('latin1', 0, 4) !== 'LASF') {
    throw new AppError('unprocessable', `${name} is not a LAS, LAZ or COPC file (no LASF signature)`);
  }
  const major = head.readUInt8(24);
  const minor = head.readUInt8(25);
  const version = `${major}.${minor}`;
  const format = head.readUInt8(104) & 0x3f;
  const compressed = (head.readUInt8(104) & 0x80) !== 0;
  const isCopc =
    major === 1 &&
    minor === 4 &&
    head.length >= COPC_HEAD_BYTES &&
    head.readUInt16LE(94) === 375 &&
    head.toString('latin1', 377, 393).replace(/\0+$/, '') === 'copc' &&
    head.readUInt16LE(393) === 1;
  if (!isCopc) {
    throw new AppError(
      'unsupported_media_type',
      `${name} is ${compressed ? 'LAZ' : 'LAS'} ${version} (point format ${format}), not COPC: converting it needs ` +
        'an external tool (e.g. PDAL: pdal translate in.laz out.copc.laz), then upload the .copc.laz',
    );
  }
  const legacy = head.readUInt32LE(107);
  const count = Number(head.readBigUInt64LE(247));
  const d = (o: number) => head.readDoubleLE(o);
  return {
    version,
    pointCount: count || legacy,
    bounds3d: [d(187), d(203), d(219), d(179), d(195), d(211)],
  };
}

/** Where a LAS file keeps its CRS: an OGC WKT (V)LR of user LASF_Projection, record 2112 (LAS 1.4 R15 2.5). */
const WKT_USER = 'LASF_Projection';
const WKT_RECORD = 2112;
/** VLRs sit between the header and the points; more than this is no real file's VLR block. */
const MAX_VLR_BYTES = 1024 * 1024;
const MAX_EVLRS = 64;

export interface CopcCrs {
  /** 'EPSG:<code>' when the WKT names its EPSG code, else the WKT itself. */
  crs: string;
  epsg: number | null;
  wkt: string;
}

async function bytesOf(blobs: BlobStore, key: string, start: number, length: number): Promise<Buffer> {
  if (length <= 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of await blobs.get(key, { start, end: start + length - 1 })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).subarray(0, length);
}

const wktOf = (record: Buffer) =>
  record
    .toString('utf8')
    .replace(/\0[\s\S]*$/, '')
    .trim();

/**
 * The EPSG code of the WKT's outermost CRS: its AUTHORITY["EPSG","n"] (WKT1) or ID["EPSG",n] (WKT2) at the top
 * level, not one of an inner datum, unit or base CRS.
 */
export function epsgOfWkt(wkt: string): number | null {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < wkt.length; i++) {
    const ch = wkt[i];
    if (ch === '"') quoted = !quoted;
    if (quoted) continue;
    if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (depth === 1 && /[A-Za-z]/.test(ch!) && !/[A-Za-z_]/.test(wkt[i - 1] ?? '')) {
      const m = /^(?:AUTHORITY|ID)\s*[[(]\s*"EPSG"\s*,\s*"?(\d{1,9})"?/i.exec(wkt.slice(i));
      if (m) return Number(m[1]);
    }
  }
  return null;
}

/** The CRS a COPC file declares (null when it has no WKT record), read by range from the blob store. */
export async function readCopcCrs(blobs: BlobStore, key: string, head: Buffer): Promise<CopcCrs | null> {
  const headerSize = head.readUInt16LE(94);
  const vlrBytes = Math.min(head.readUInt32LE(96) - headerSize, MAX_VLR_BYTES);
  const vlrCount = head.readUInt32LE(100);
  let wkt: string | null = null;
  const block = await bytesOf(blobs, key, headerSize, vlrBytes);
  for (let i = 0, at = 0; i < vlrCount && at + 54 <= block.length; i++) {
    const user = block.toString('latin1', at + 2, at + 18).replace(/\0+$/, '');
    const length = block.readUInt16LE(at + 20);
    if (user === WKT_USER && block.readUInt16LE(at + 18) === WKT_RECORD) {
      wkt = wktOf(block.subarray(at + 54, at + 54 + length));
      break;
    }
    at += 54 + length;
  }
  // LAS 1.4 may keep the WKT in an extended VLR after the points instead.
  if (wkt === null && head.length >= 247) {
    let at = Number(head.readBigUInt64LE(235));
    const count = Math.min(head.readUInt32LE(243), MAX_EVLRS);
    for (let i = 0; i < count && at > 0; i++) {
      // An offset past the end (a damaged header) is no CRS, not a failed upload.
      const h = await bytesOf(blobs, key, at, 60).catch(() => Buffer.alloc(0));
      if (h.length < 60) break;
      const length = Number(h.readBigUInt64LE(20));
      if (h.toString('latin1', 2, 18).replace(/\0+$/, '') === WKT_USER && h.readUInt16LE(18) === WKT_RECORD) {
        wkt = wktOf(await bytesOf(blobs, key, at + 60, Math.min(length, MAX_VLR_BYTES)));
        break;
      }
      at += 60 + length;
    }
  }
  if (!wkt) return null;
  const epsg = epsgOfWkt(wkt);
  return { crs: epsg ? `EPSG:${epsg}` : wkt, epsg, wkt };
}

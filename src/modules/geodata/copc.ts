// Point clouds: the LAS public header block (ASPRS LAS 1.4 R15) and the COPC info VLR (COPC 1.0) read from the
// file's first bytes. No converter to COPC exists in Debian's repository or on npm here, so only COPC files are
// accepted; LAS and LAZ answer 415 saying the conversion needs an external tool (PDAL).

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

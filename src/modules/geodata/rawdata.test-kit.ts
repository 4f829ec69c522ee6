// ZIP archives for tests, written byte by byte (APPNOTE 6.3: local headers, stored data, central directory, end
// record), so a test can also write what no zip tool would: names that leave the folder, sizes that lie.
import { crc32, deflateRawSync } from 'node:zlib';
import { jpeg } from '../photos/demo-images.ts';

export interface ZipEntry {
  name: string;
  bytes: Buffer;
  /** The unpacked size the central directory declares (default: the real one). */
  declaredSize?: number;
  /** Deflate the bytes (method 8) instead of storing them. */
  deflate?: boolean;
}

export function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.bytes);
    const data = e.deflate ? deflateRawSync(e.bytes) : e.bytes;
    const method = e.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(e.bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(e.declaredSize ?? e.bytes.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** A flight's archive: two JPEGs with EXIF GPS and capture time, one without GPS, a text file, a fake .jpg. */
export async function flightImages() {
  const at = (i: number) => new Date(Date.UTC(2026, 5, 1, 10, 0, i * 2));
  return zipOf([
    {
      name: 'DJI_0001.JPG',
      bytes: await jpeg({
        capturedAt: at(0),
        latitude: 50.001,
        longitude: 10.002,
        altitude: 40,
        width: 32,
        height: 24,
      }),
    },
    {
      name: 'sub/DJI_0002.JPG',
      bytes: await jpeg({ capturedAt: at(1), latitude: 50.003, longitude: 10.001, width: 32, height: 24 }),
    },
    { name: 'no-gps.jpg', bytes: await jpeg({ width: 16, height: 16 }) },
    { name: 'notes.txt', bytes: Buffer.from('flight log: calm wind') },
    { name: 'fake.jpg', bytes: Buffer.from('not an image, whatever the name says') },
  ]);
}

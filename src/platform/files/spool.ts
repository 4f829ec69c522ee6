// Streams a source to a temporary file while hashing and counting it, so nothing is held in memory and a
// too-large upload is stopped at the limit with nothing kept.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.ts';

export interface Spooled {
  file: string;
  sha256: string;
  size: number;
  discard(): Promise<void>;
}

export async function spool(
  source: Readable,
  tmpDir: string,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Spooled> {
  await mkdir(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes)
        return done(new AppError('payload_too_large', `the file is larger than ${maxBytes} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
  return { file, sha256: hash.digest('hex'), size, discard: () => rm(file, { force: true }) };
}

/** SHA-256 and size of a file, read once. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    size += chunk.length;
    hash.update(chunk);
  }
  return { sha256: hash.digest('hex'), size };
}

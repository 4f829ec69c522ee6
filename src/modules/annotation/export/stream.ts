// Streaming plumbing shared by the converters: a text Readable that pulls its generator only as fast as the
// reader reads, and an append-only temporary file for the formats whose layout needs a second pass.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';

/** Output is handed over in chunks of about this many characters (and the Readable buffers as much). */
export const CHUNK = 16 * 1024;

async function* batched(source: AsyncIterable<string | Buffer>): AsyncGenerator<string | Buffer> {
  let buf = '';
  for await (const s of source) {
    if (typeof s !== 'string') {
      // Bytes (a spooled file read back) go out as they are, after the text before them.
      if (buf) yield buf;
      buf = '';
      yield s;
      continue;
    }
    buf += s;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/**
 * A byte stream over a generator of text (or of bytes, for a spooled file read back). Readable.from calls the
 * generator only when its buffer is below the high-water mark, so a slow reader holds back the task source;
 * destroying the stream returns the generator, whose `finally` blocks close the source and remove temporary
 * files.
 */
export function textStream(source: AsyncIterable<string | Buffer>): Readable {
  return Readable.from(batched(source), { objectMode: false, highWaterMark: CHUNK });
}

/** A temporary file written in order, then read back once; `remove()` deletes it (safe to call twice). */
export class Spool {
  private buf = '';
  private failure: Error | null = null;
  private readonly dir: string;
  private readonly out: WriteStream;
  readonly file: string;

  private constructor(dir: string, file: string, out: WriteStream) {
    this.dir = dir;
    this.file = file;
    this.out = out;
    out.on('error', (err) => {
      this.failure = err;
    });
  }

  static async create(tmpDir?: string): Promise<Spool> {
    const dir = await mkdtemp(path.join(tmpDir ?? tmpdir(), 'gt-export-'));
    const file = path.join(dir, 'spool');
    return new Spool(dir, file, createWriteStream(file, { mode: 0o600 }));
  }

  /** Appends text; resolves once the file stream can take more, so memory stays bounded. */
  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    this.buf += text;
    if (this.buf.length < CHUNK) return;
    const chunk = this.buf;
    this.buf = '';
    if (!this.out.write(chunk)) await this.drained();
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        this.out.off('drain', onDrain);
        this.out.off('error', done);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      this.out.on('drain', onDrain);
      this.out.on('error', done);
    });
  }

  /** Flushes and closes the file; after this it can be read. */
  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    const rest = this.buf;
    this.buf = '';
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(rest, () => resolve());
    });
  }

  /**
   * The file's bytes in chunks. Bytes, not text: decoding the file and encoding it again for the output
   * made two more copies of it for the garbage collector (COCO at 1M tasks: a 250 MB spool, and the peak RSS
   * rose by 40 MB while it was copied through).
   */
  async *bytes(): AsyncGenerator<Buffer> {
    const input = createReadStream(this.file, { highWaterMark: 64 * 1024 });
    try {
      for await (const chunk of input) yield chunk as Buffer;
    } finally {
      input.destroy();
    }
  }

  /** The file's lines (the writer must end each record with "\n" and escape newlines inside it). */
  async *lines(): AsyncGenerator<string> {
    const input = createReadStream(this.file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of reader) yield line;
    } finally {
      reader.close();
      input.destroy();
    }
  }

  async remove(): Promise<void> {
    this.out.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}

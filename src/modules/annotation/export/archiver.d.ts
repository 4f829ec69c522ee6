// archiver 8 ships no types (and @types/archiver describes the older default-export API); the zip writer
// uses this much of it.
declare module 'archiver' {
  import type { Readable, Transform } from 'node:stream';
  import type { ZlibOptions } from 'node:zlib';

  interface ZipOptions {
    store?: boolean;
    zlib?: ZlibOptions;
    forceZip64?: boolean;
    comment?: string;
  }
  interface EntryData {
    name: string;
    date?: Date | string;
    store?: boolean;
    mode?: number;
  }
  export class ZipArchive extends Transform {
    constructor(options?: ZipOptions);
    append(source: Buffer | Readable | string, data: EntryData): this;
    finalize(): Promise<void>;
    abort(): this;
    pointer(): number;
  }
}

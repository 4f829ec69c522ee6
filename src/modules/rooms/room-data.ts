// The files a room's questions run over: the datasets attached to the room, with their companion files, as
// local paths the DuckDB worker can read. Excel and shapefiles are converted once (by content hash) into CSV
// and JSON lines; volumes (.mhd with .raw/.zraw) are not tables and are answered by volume.ts.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Tx } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import { shapefileToJson, xlsxToCsv } from './engine/convert.ts';
import type { EngineFile } from './engine/engine.ts';
import { formatOf, tableNames } from './engine/engine.ts';

export interface LocalFile {
  id: number;
  name: string;
  sha256: string;
  path: string;
}

export interface RoomDataset extends LocalFile {
  companions: LocalFile[];
}

const ext = (name: string) => path.extname(name).toLowerCase();

export function createRoomData(deps: Pick<Deps, 'config' | 'blobs'>) {
  const { config, blobs } = deps;
  const cacheDir = path.resolve(config.DATA_DIR, 'room-cache');

  /** A local path DuckDB can read: the blob itself on local disk, else a cached copy named by its hash. */
  async function localPath(key: string, sha256: string): Promise<string> {
    if (blobs.kind === 'local') return path.resolve(config.DATA_DIR, 'blobs', key);
    const file = path.join(cacheDir, sha256);
    if (await stat(file).catch(() => null)) return file;
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.part`;
    await pipeline(await blobs.get(key), createWriteStream(tmp));
    await rename(tmp, file);
    return file;
  }

  /** One engine file per dataset; a file that cannot be converted is passed on with why (the bot says it). */
  async function engineFile(d: RoomDataset, table: string): Promise<EngineFile> {
    const base = { table, fileName: d.name };
    const e = ext(d.name);
    try {
      if (e === '.xlsx' || e === '.xlsm') {
        await mkdir(cacheDir, { recursive: true });
        const csv = await xlsxToCsv(d.path, path.join(cacheDir, `${d.sha256}.xlsx.csv`));
        return { ...base, path: csv, format: 'csv' };
      }
      if (e === '.shp') {
        const dbf = d.companions.find((c) => ext(c.name) === '.dbf');
        await mkdir(cacheDir, { recursive: true });
        const key = createHash('sha256')
          .update(`${d.sha256}:${dbf?.sha256 ?? ''}`)
          .digest('hex');
        const json = await shapefileToJson(
          d.path,
          dbf?.path ?? null,
          path.join(cacheDir, `${key}.shp.jsonl`),
        );
        return { ...base, path: json, format: 'json' };
      }
    } catch (err) {
      return { ...base, path: d.path, format: 'other', note: `could not be read: ${(err as Error).message}` };
    }
    if (e === '.mhd')
      return {
        ...base,
        path: d.path,
        format: 'other',
        note: 'a volume: ask "show slices" or "show slice N along z"',
      };
    return { ...base, path: d.path, format: formatOf(d.name) };
  }

  return {
    localPath,

    /** The room's datasets (main files in name order) with their companions, on local disk. */
    async datasets(tx: Tx, roomId: number): Promise<RoomDataset[]> {
      const rows = await tx
        .selectFrom('room_data_refs as d')
        .innerJoin('files as f', 'f.id', 'd.file_id')
        .select(['f.id', 'f.original_name', 'f.storage_key', 'f.sha256'])
        .where('d.room_id', '=', roomId)
        .where('f.status', '<>', 'deleted')
        .distinct()
        .orderBy('f.original_name')
        .orderBy('f.id')
        .execute();
      const ids = rows.map((r) => r.id);
      const companions = ids.length
        ? await tx
            .selectFrom('files')
            .select(['id', 'original_name', 'storage_key', 'sha256', 'parent_file_id'])
            .where('parent_file_id', 'in', ids)
            .where('status', '<>', 'deleted')
            .orderBy('id')
            .execute()
        : [];
      const out: RoomDataset[] = [];
      for (const r of rows) {
        const comp: LocalFile[] = [];
        for (const c of companions.filter((x) => x.parent_file_id === r.id))
          comp.push({
            id: c.id,
            name: c.original_name,
            sha256: c.sha256,
            path: await localPath(c.storage_key, c.sha256),
          });
        out.push({
          id: r.id,
          name: r.original_name,
          sha256: r.sha256,
          path: await localPath(r.storage_key, r.sha256),
          companions: comp,
        });
      }
      return out;
    },

    async engineFiles(datasets: RoomDataset[]): Promise<EngineFile[]> {
      const names = tableNames(datasets.map((d) => d.name));
      return Promise.all(datasets.map((d, i) => engineFile(d, names[i]!)));
    },

    /** Changes when any file the room's questions read changes (attached, detached, other bytes). */
    version(datasets: RoomDataset[]): string {
      const h = createHash('sha256');
      for (const d of datasets) {
        h.update(`${d.id}:${d.sha256};`);
        for (const c of d.companions) h.update(`${c.id}:${c.sha256},`);
      }
      return h.digest('hex').slice(0, 32);
    },
  };
}

export type RoomData = ReturnType<typeof createRoomData>;

// Small real GeoTIFFs for tests, written by GDAL itself (gdal_create, gdal_translate from an ASCII grid).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTool } from './gdal.ts';

async function inTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gt-test-tiff-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A single-band GeoTIFF with these values (rows north to south), lower-left corner and cell size. */
export function gridTiff(o: {
  values: number[][];
  xll: number;
  yll: number;
  cell: number;
  epsg: number;
  type?: string;
  nodata?: number;
}): Promise<Buffer> {
  return inTemp(async (dir) => {
    const text = [
      `ncols ${o.values[0]!.length}`,
      `nrows ${o.values.length}`,
      `xllcorner ${o.xll}`,
      `yllcorner ${o.yll}`,
      `cellsize ${o.cell}`,
      ...(o.nodata !== undefined ? [`NODATA_value ${o.nodata}`] : []),
      ...o.values.map((r) => r.join(' ')),
    ].join('\n');
    await writeFile(path.join(dir, 'in.asc'), `${text}\n`);
    await runTool(
      'gdal_translate',
      ['-q', '-of', 'GTiff', '-ot', o.type ?? 'Float32', '-a_srs', `EPSG:${o.epsg}`, 'in.asc', 'out.tif'],
      { cwd: dir },
    );
    return readFile(path.join(dir, 'out.tif'));
  });
}

/** A three-band Byte GeoTIFF of one colour over [minx, miny, maxx, maxy] in EPSG:epsg. */
export function rgbTiff(o: {
  size: number;
  epsg: number;
  bounds: [number, number, number, number];
  rgb: [number, number, number];
}): Promise<Buffer> {
  return inTemp(async (dir) => {
    const [minx, miny, maxx, maxy] = o.bounds;
    await runTool(
      'gdal_create',
      [
        '-of',
        'GTiff',
        '-outsize',
        String(o.size),
        String(o.size),
        '-bands',
        '3',
        '-ot',
        'Byte',
        ...o.rgb.flatMap((v) => ['-burn', String(v)]),
        '-a_srs',
        `EPSG:${o.epsg}`,
        '-a_ullr',
        String(minx),
        String(maxy),
        String(maxx),
        String(miny),
        '-co',
        'PHOTOMETRIC=RGB',
        'out.tif',
      ],
      { cwd: dir },
    );
    return readFile(path.join(dir, 'out.tif'));
  });
}

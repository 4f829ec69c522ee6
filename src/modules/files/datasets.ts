// A dataset is one main file and the companion files it cannot be read without: a MetaImage header (.mhd)
// with its voxel data (.raw, or zlib-compressed .zraw), an ESRI shapefile (.shp) with its attribute table
// (.dbf), index (.shx), projection (.prj) and code page (.cpg). Anything else (.csv, images, ...) stands alone.
import path from 'node:path';
import { AppError } from '../../platform/errors.ts';

const companionsOf: Record<string, readonly string[]> = {
  '.mhd': ['.raw', '.zraw'],
  '.shp': ['.dbf', '.shx', '.prj', '.cpg'],
};

const mainOf: Record<string, string> = {};
for (const [main, companions] of Object.entries(companionsOf)) for (const c of companions) mainOf[c] = main;

const extensionOf = (name: string) => path.extname(name).toLowerCase();

export interface DatasetPlan {
  /** Index of the main file among the uploaded files. */
  main: number;
  /** Indexes of its companions, in upload order. */
  companions: number[];
}

/** Which uploaded file is the dataset's main file and which are its companions; refuses what does not fit. */
export function planDataset(names: readonly string[]): DatasetPlan {
  if (names.length === 0)
    throw new AppError('validation_failed', 'no file: send one or more parts named "file"', [
      { in: 'body', field: 'file', message: 'is required' },
    ]);
  const main = names.findIndex((n) => !(extensionOf(n) in mainOf));
  if (main < 0) {
    const ext = extensionOf(names[0]!);
    throw new AppError(
      'validation_failed',
      `a ${ext} file is a companion: send it with its ${mainOf[ext]} file`,
      [{ in: 'body', field: 'file', message: `${ext} needs its ${mainOf[ext]} file` }],
    );
  }
  const mainExt = extensionOf(names[main]!);
  const allowed = companionsOf[mainExt] ?? [];
  const companions: number[] = [];
  names.forEach((name, i) => {
    if (i === main) return;
    const ext = extensionOf(name);
    if (!allowed.includes(ext)) {
      const why = ext in mainOf ? `${ext} belongs with a ${mainOf[ext]} file` : 'one dataset per request';
      throw new AppError(
        'validation_failed',
        `"${name}" cannot be sent with "${names[main]}": ${why}${allowed.length ? ` (companions of ${mainExt}: ${allowed.join(', ')})` : ` (${mainExt || 'this'} file has no companions)`}`,
        [{ in: 'body', field: 'file', message: `${name}: ${why}` }],
      );
    }
    companions.push(i);
  });
  return { main, companions };
}

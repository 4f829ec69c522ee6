// Streaming export converters in Label Studio's formats. Each takes the tasks as an async iterable (in Label
// Studio's export shape) and returns a Node Readable; none holds the task list in memory. Pure code: the
// caller queries the tasks, checks access and sends the stream.
import { exportCoco, exportCocoZip } from './coco.ts';
import { exportConll } from './conll.ts';
import { createDelimitedExport, exportCsv, exportTsv } from './csv.ts';
import { exportJson, exportJsonMin } from './json.ts';
import type { Exporter } from './types.ts';
import { exportVoc } from './voc.ts';
import { exportYolo } from './yolo.ts';

export type {
  ExportAnnotation,
  ExportContext,
  Exporter,
  ExportOptions,
  ExportTask,
  Region,
} from './types.ts';
export {
  createDelimitedExport,
  exportCoco,
  exportCocoZip,
  exportConll,
  exportCsv,
  exportJson,
  exportJsonMin,
  exportTsv,
  exportVoc,
  exportYolo,
};

export interface ExportConverter {
  convert: Exporter;
  contentType: string;
  /** The download's file extension. */
  extension: string;
}

/**
 * What `GET /api/projects/{id}/export?exportType=` answers, as Label Studio does: a single result file for
 * JSON, JSON_MIN, CSV, TSV and CONLL2003, a zip for COCO (result.json inside), YOLO and VOC.
 */
export const EXPORT_CONVERTERS = {
  JSON: { convert: exportJson, contentType: 'application/json', extension: 'json' },
  JSON_MIN: { convert: exportJsonMin, contentType: 'application/json', extension: 'json' },
  CSV: { convert: exportCsv, contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  TSV: { convert: exportTsv, contentType: 'text/tab-separated-values; charset=utf-8', extension: 'tsv' },
  COCO: { convert: exportCocoZip, contentType: 'application/zip', extension: 'zip' },
  YOLO: { convert: exportYolo, contentType: 'application/zip', extension: 'zip' },
  VOC: { convert: exportVoc, contentType: 'application/zip', extension: 'zip' },
  CONLL2003: { convert: exportConll, contentType: 'text/plain; charset=utf-8', extension: 'conll' },
} as const satisfies Record<string, ExportConverter>;

/** The formats we write. */
export type ConverterName = keyof typeof EXPORT_CONVERTERS;

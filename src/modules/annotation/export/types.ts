// Input and output shapes of the export converters. They take plain data so they depend on neither the
// database nor the label-config parser: the caller streams tasks in Label Studio's export shape and passes
// what it knows about the project's config.
import type { Readable } from 'node:stream';

export interface ExportContext {
  /**
   * COCO categories / YOLO classes: sorted names (id = index), or {id, name} entries in the converter's order
   * when labels carry explicit `category="N"` ids (what label-config's exportCategories returns).
   */
  categories: string[] | ExportCategory[];
  /** The task data key holding the image URL/path (for COCO/YOLO/VOC file names), e.g. "image". */
  imageKey: string | null;
  /** The task data key of the text a Labels control tags (CONLL2003), e.g. "text". */
  textKey?: string | null;
  /**
   * from_name -> control tag lowercased (e.g. { label: 'rectanglelabels', sentiment: 'choices' }). A name may
   * hold Repeater placeholders (`labels_{{idx}}`), which match any text there, as in Label Studio.
   */
  controls: Record<string, string>;
  /**
   * Not read. JSON_MIN/CSV follow Label Studio's own rule (prettify_result), which depends on the data: a
   * Choices or TextArea control with exactly one region holding exactly one value becomes a bare string,
   * whatever its `choice` attribute. Kept so callers that fill it still type-check.
   */
  singleValue?: Set<string>;
  /**
   * KeyPointLabels label values ordered by their `model_index` attribute (Label Studio's build_kp_order).
   * When given, COCO merges them into one "default" category and writes one keypoints annotation per item;
   * without it keypoint regions are left out of COCO. YOLO and VOC never export keypoints.
   */
  keypoints?: string[];
}

export interface ExportCategory {
  id: number;
  name: string;
}

/** One region of an annotation's `result`, as Label Studio stores it. */
export interface Region {
  id?: string;
  from_name?: string;
  to_name?: string;
  type?: string;
  value?: Record<string, unknown>;
  original_width?: number;
  original_height?: number;
  [key: string]: unknown;
}

export interface ExportAnnotation {
  id: number;
  result: Region[];
  completed_by: number | { id: number; email?: string };
  was_cancelled?: boolean;
  created_at: string;
  updated_at: string;
  lead_time?: number | null;
  ground_truth?: boolean;
  history?: unknown[] | null;
  [key: string]: unknown;
}

export interface ExportTask {
  id: number;
  data: Record<string, unknown>;
  annotations: ExportAnnotation[];
  predictions?: unknown[];
  drafts?: unknown[];
  created_at?: string;
  updated_at?: string;
  /** Label Studio adds it to JSON_MIN and CSV rows when the task carries it. */
  agreement?: number | null;
  [key: string]: unknown;
}

export interface ExportOptions {
  /** Where COCO and CSV spool to (default: the OS temp dir). The files are removed when the stream ends. */
  tmpDir?: string;
  /** The time written into COCO/YOLO `info` and zip entries (default: now); tests pin it. */
  now?: Date;
}

export type Exporter = (
  tasks: AsyncIterable<ExportTask>,
  ctx: ExportContext,
  options?: ExportOptions,
) => Readable;

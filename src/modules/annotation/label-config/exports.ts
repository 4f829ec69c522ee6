// Which export formats a config allows and the categories COCO/YOLO number, as label_studio_sdk's
// converter decides them (converter.py: `_FORMAT_INFO`, `_get_supported_formats`, `_get_labels`), for
// the formats Groundtruth writes. Label Studio lists formats in `_FORMAT_INFO` order, disabled ones last.
import type { LabelConfig } from './parse.ts';

export type ExportFormatName = 'JSON' | 'JSON_MIN' | 'CSV' | 'TSV' | 'CONLL2003' | 'COCO' | 'VOC' | 'YOLO';

export interface ExportFormat {
  name: ExportFormatName;
  title: string;
  description: string;
  link: string;
  tags?: string[];
  disabled: boolean;
}

const GUIDE = 'https://labelstud.io/guide/export.html';
const FORMATS: Omit<ExportFormat, 'disabled'>[] = [
  {
    name: 'JSON',
    title: 'JSON',
    description:
      'List of items in raw JSON format stored in one JSON file. Use to export both the data ' +
      "and the annotations for a dataset. It's Label Studio Common Format",
    link: `${GUIDE}#JSON`,
  },
  {
    name: 'JSON_MIN',
    title: 'JSON-MIN',
    description:
      'List of items where only "from_name", "to_name" values from the raw JSON format are ' +
      'exported. Use to export only the annotations for a dataset.',
    link: `${GUIDE}#JSON-MIN`,
  },
  {
    name: 'CSV',
    title: 'CSV',
    description:
      'Results are stored as comma-separated values with the column names specified by the ' +
      'values of the "from_name" and "to_name" fields.',
    link: `${GUIDE}#CSV`,
  },
  {
    name: 'TSV',
    title: 'TSV',
    description:
      'Results are stored in tab-separated tabular file with column names specified by "from_name" "to_name" values',
    link: `${GUIDE}#TSV`,
  },
  {
    name: 'CONLL2003',
    title: 'CONLL2003',
    description: 'Popular format used for the CoNLL-2003 named entity recognition challenge.',
    link: `${GUIDE}#CONLL2003`,
    tags: ['sequence labeling', 'text tagging', 'named entity recognition'],
  },
  {
    name: 'COCO',
    title: 'COCO',
    description:
      'Popular machine learning format used by the COCO dataset for object detection and image ' +
      'segmentation tasks with polygons and rectangles.',
    link: `${GUIDE}#COCO`,
    tags: ['image segmentation', 'object detection', 'keypoints'],
  },
  {
    name: 'VOC',
    title: 'Pascal VOC XML',
    description: 'Popular XML format used for object detection and polygon image segmentation tasks.',
    link: `${GUIDE}#Pascal-VOC-XML`,
    tags: ['image segmentation', 'object detection'],
  },
  {
    name: 'YOLO',
    title: 'YOLO',
    description:
      'Popular TXT format is created for each image file. Each txt file contains annotations for ' +
      'the corresponding image file, that is object class, object coordinates, height & width.',
    link: `${GUIDE}#YOLO`,
    tags: ['image segmentation', 'object detection', 'keypoints'],
  },
];

function supported(config: LabelConfig): Set<ExportFormatName> {
  const tabular: ExportFormatName[] = ['JSON', 'JSON_MIN', 'CSV', 'TSV'];
  const parsedInputs = Object.values(config.parsed).flatMap((info) => info.inputs);
  // The converter counts the data keys the controls read, not every `$variable` in the config.
  const dataKeys = new Set(parsedInputs.map((input) => input.value ?? input.valueList));
  if (dataKeys.size > 1) return new Set(tabular);

  const outputs = new Set(config.controls.map((c) => c.type));
  const inputs = new Set<string>();
  let multiImage = false;
  for (const control of config.controls) {
    for (const to of control.toName) {
      const object = config.objects.find((o) => o.name === to);
      if (!object) continue;
      if (object.valueList) multiImage = true;
      if (object.type === 'Text' && object.valueType === 'url') continue;
      inputs.add(object.type);
    }
  }
  const has = (t: string) => outputs.has(t);
  const image = inputs.has('Image');
  const all = new Set<ExportFormatName>([...tabular, 'CONLL2003', 'COCO', 'VOC', 'YOLO']);
  if (has('KeyPointLabels') && !has('RectangleLabels')) {
    all.delete('COCO');
    all.delete('YOLO');
  }
  if (!(inputs.has('Text') && has('Labels'))) all.delete('CONLL2003');
  if (multiImage || !(image && (has('RectangleLabels') || (has('Rectangle') && has('Labels')))))
    all.delete('VOC');
  const cocoLike =
    (image && (has('RectangleLabels') || has('PolygonLabels') || has('KeyPointLabels'))) ||
    (has('Labels') && (has('Rectangle') || has('PolygonLabels') || has('KeyPointLabels')));
  if (multiImage || !cocoLike) {
    all.delete('COCO');
    all.delete('YOLO');
  }
  return all;
}

/** Every format Groundtruth writes, with `disabled` set where the config can't express it; disabled last. */
export function supportedExportFormats(config: LabelConfig): ExportFormat[] {
  const allowed = supported(config);
  const formats = FORMATS.map((f) => ({ ...f, disabled: !allowed.has(f.name) }));
  return [...formats.filter((f) => !f.disabled), ...formats.filter((f) => f.disabled)];
}

export interface ExportCategory {
  id: number;
  name: string;
}

/**
 * COCO `categories` (and YOLO's classes.txt, in this order): every control's labels, those with a numeric
 * `category="N"` attribute first with that id, then the rest sorted, numbered from 0 skipping taken ids.
 * Like the converter this takes all controls' labels, Choices included. Keypoint-only configs regroup their
 * labels in the exporter (`update_categories_for_keypoints`), not here.
 */
export function exportCategories(config: LabelConfig): ExportCategory[] {
  const labels = new Set<string>();
  const categories: ExportCategory[] = [];
  const explicit = new Map<string, number>();
  for (const info of Object.values(config.parsed)) {
    for (const label of info.labels) labels.add(label);
    for (const [label, attrs] of Object.entries(info.labels_attrs)) {
      const raw = attrs.category;
      if (raw === undefined || !/^\s*[+-]?\d+\s*$/.test(raw)) continue;
      const id = Number.parseInt(raw, 10);
      categories.push({ id, name: label });
      explicit.set(label, id);
    }
  }
  const taken = new Set(explicit.values());
  // Python's sorted() on str compares code points; JS's default sort compares UTF-16 units, so compare explicitly.
  const rest = [...labels].filter((l) => !explicit.has(l)).sort(byCodePoint);
  let next = 0;
  for (const name of rest) {
    while (taken.has(next)) next++;
    categories.push({ id: next, name });
    next++;
  }
  return categories;
}

function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

// The Label Studio tags this module knows, by role. Lookups are by lowercased name because the Label Studio
// frontend resolves tags case-insensitively; `canonicalTag` gives back the casing its docs and results use.

/** Tags that show task data. Label Studio treats any tag with `name` and `value`/`valueList` as one. */
export const OBJECT_TAGS = [
  'Image',
  'Text',
  'HyperText',
  'Audio',
  'AudioPlus',
  'Video',
  'TimeSeries',
  'Table',
  'Paragraphs',
  'List',
  'Pdf',
  'Markdown',
  'Chat',
] as const;

/** Object tags whose `value` may be literal text shown on every task (Label Studio substitutes `$vars`). */
export const LITERAL_VALUE_OBJECTS = new Set(['text', 'hypertext', 'header', 'markdown']);

/** Control tags whose results carry labels from `<Label>`/`<Choice>` children (the key is the lowercased tag). */
export const LABELED_CONTROLS = [
  'RectangleLabels',
  'PolygonLabels',
  'KeyPointLabels',
  'BrushLabels',
  'EllipseLabels',
  'BitmaskLabels',
  'VectorLabels',
  'Labels',
  'HyperTextLabels',
  'ParagraphLabels',
  'TimeSeriesLabels',
  'TimelineLabels',
  'Choices',
  'Taxonomy',
] as const;

/** Control tags without label children. */
export const PLAIN_CONTROLS = [
  'TextArea',
  'Rating',
  'Number',
  'DateTime',
  'Ranker',
  'Pairwise',
  'Rectangle',
  'Polygon',
  'KeyPoint',
  'Brush',
  'Ellipse',
  'Bitmask',
  'Vector',
  'MagicWand',
  'VideoRectangle',
] as const;

/** Tags that only arrange or decorate; any other unknown tag is ignored the same way. */
export const VISUAL_TAGS = [
  'View',
  'Header',
  'Style',
  'Filter',
  'Collapse',
  'Repeater',
  'Shortcut',
  'Relations',
  'Relation',
  'Label',
  'Choice',
  'Channel',
] as const;

const ALL_TAGS = [...OBJECT_TAGS, ...LABELED_CONTROLS, ...PLAIN_CONTROLS, ...VISUAL_TAGS];
const CANONICAL = new Map<string, string>(ALL_TAGS.map((tag) => [tag.toLowerCase(), tag]));
const OBJECTS = new Set<string>(OBJECT_TAGS.map((t) => t.toLowerCase()));
const LABELED = new Set<string>(LABELED_CONTROLS.map((t) => t.toLowerCase()));
const CONTROLS = new Set<string>([...LABELED, ...PLAIN_CONTROLS.map((t) => t.toLowerCase())]);

export function canonicalTag(tag: string): string {
  return CANONICAL.get(tag.toLowerCase()) ?? tag;
}
export const isObjectTag = (tag: string): boolean => OBJECTS.has(tag.toLowerCase());
export const isKnownControl = (tag: string): boolean => CONTROLS.has(tag.toLowerCase());
export const isLabeledControl = (tag: string): boolean => LABELED.has(tag.toLowerCase());

/** `<Label>`, `<Choice>` and `<Relation>` give label values to the nearest named control above them. */
export const LABEL_CHILD_TAGS = new Set(['label', 'choice', 'relation']);

/** The key under `value` that holds a result's labels or answer, per control result type. */
export function valueKey(resultType: string): string {
  switch (resultType) {
    case 'textarea':
      return 'text';
    case 'videorectangle':
      return 'labels';
    default:
      return resultType;
  }
}

/** The geometry a result type carries, for the shape checks. */
export function geometryOf(resultType: string): string | null {
  const base = resultType.endsWith('labels') ? resultType.slice(0, -'labels'.length) : resultType;
  return GEOMETRIES.has(base) ? base : null;
}
export const GEOMETRIES = new Set(['rectangle', 'polygon', 'keypoint', 'ellipse', 'brush']);

/**
 * The task data types an object (or dynamic-labels control) accepts, as Label Studio's import checks them
 * (`_DATA_TYPES` in its task validation), with Python type names for the messages. Absent types take `str`.
 */
export const DATA_TYPES: Record<string, string[]> = {
  Text: ['str', 'int', 'float'],
  Header: ['str', 'int', 'float'],
  HyperText: ['str'],
  Image: ['str', 'list'],
  Paragraphs: ['list', 'str'],
  Table: ['dict', 'str'],
  TimeSeries: ['dict', 'list', 'str'],
  TimeSeriesChannel: ['dict', 'list', 'str'],
  List: ['list'],
  Choices: ['str', 'list'],
  PolygonLabels: ['str', 'list'],
  Labels: ['str', 'list'],
  BrushLabels: ['str', 'list'],
  EllipseLabels: ['str', 'list'],
  HyperTextLabels: ['str', 'list'],
  KeyPointLabels: ['str', 'list'],
  ParagraphLabels: ['str', 'list'],
  RectangleLabels: ['str', 'list'],
  TimeSeriesLabels: ['str', 'list'],
  Taxonomy: ['str', 'list'],
};

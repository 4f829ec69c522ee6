// Availability follows label_studio_sdk converter.py `_get_supported_formats`; categories its `_get_labels`
// (and tests/custom/converter/test_export_coco.py for explicit `category` ids). Expectations written by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportCategories, parseLabelConfig, supportedExportFormats } from './index.ts';

const view = (body: string) => parseLabelConfig(`<View>${body}</View>`);
const listing = (body: string) =>
  supportedExportFormats(view(body)).map((f) => `${f.name}${f.disabled ? ' (disabled)' : ''}`);
const enabled = (body: string) =>
  supportedExportFormats(view(body))
    .filter((f) => !f.disabled)
    .map((f) => f.name);

const image = '<Image name="image" value="$image"/>';
const rect =
  '<RectangleLabels name="label" toName="image"><Label value="parasites"/><Label value="white"/></RectangleLabels>';

test('bounding boxes: every image format, disabled ones listed last', () => {
  assert.deepEqual(listing(image + rect), [
    'JSON',
    'JSON_MIN',
    'CSV',
    'TSV',
    'COCO',
    'VOC',
    'YOLO',
    'CONLL2003 (disabled)',
  ]);
  const [json] = supportedExportFormats(view(image + rect));
  assert.deepEqual(json, {
    name: 'JSON',
    title: 'JSON',
    description:
      "List of items in raw JSON format stored in one JSON file. Use to export both the data and the annotations for a dataset. It's Label Studio Common Format",
    link: 'https://labelstud.io/guide/export.html#JSON',
    disabled: false,
  });
});

test('NER on Text gets CONLL2003, not the image formats', () => {
  assert.deepEqual(
    listing(
      '<Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="PER"/></Labels>',
    ),
    ['JSON', 'JSON_MIN', 'CSV', 'TSV', 'CONLL2003', 'COCO (disabled)', 'VOC (disabled)', 'YOLO (disabled)'],
  );
  // Text loaded from a URL is not counted as Text input.
  assert.deepEqual(
    enabled(
      '<Text name="text" value="$text" valueType="url"/><Labels name="ner" toName="text"><Label value="PER"/></Labels>',
    ),
    ['JSON', 'JSON_MIN', 'CSV', 'TSV'],
  );
});

test('polygons give COCO and YOLO but not VOC; keypoints alone give neither', () => {
  const polygons = '<PolygonLabels name="poly" toName="image"><Label value="Airplane"/></PolygonLabels>';
  assert.deepEqual(enabled(image + polygons), ['JSON', 'JSON_MIN', 'CSV', 'TSV', 'COCO', 'YOLO']);
  const keypoints = '<KeyPointLabels name="kp" toName="image"><Label value="nose"/></KeyPointLabels>';
  assert.deepEqual(enabled(image + keypoints), ['JSON', 'JSON_MIN', 'CSV', 'TSV']);
  assert.deepEqual(enabled(image + keypoints + rect), [
    'JSON',
    'JSON_MIN',
    'CSV',
    'TSV',
    'COCO',
    'VOC',
    'YOLO',
  ]);
});

test('a Rectangle tool with a Labels control counts as boxes', () => {
  const body = `${image}<Rectangle name="box" toName="image"/><Labels name="kind" toName="image"><Label value="Car"/></Labels>`;
  assert.deepEqual(enabled(body), ['JSON', 'JSON_MIN', 'CSV', 'TSV', 'COCO', 'VOC', 'YOLO']);
});

test('more than one data key read by the controls leaves only the tabular formats', () => {
  const body = `${image}<Text name="text" value="$text"/>${rect}<Choices name="c" toName="text"><Choice value="x"/></Choices>`;
  assert.deepEqual(enabled(body), ['JSON', 'JSON_MIN', 'CSV', 'TSV']);
  // Objects no control points at, and unnamed headers, are not counted.
  const shown = `${image}<Text name="meta" value="$meta"/><Header value="$title"/>${rect}`;
  assert.deepEqual(enabled(shown), ['JSON', 'JSON_MIN', 'CSV', 'TSV', 'COCO', 'VOC', 'YOLO']);
});

test('multi-image (valueList) tasks get no image formats', () => {
  const body = `<Image name="image" valueList="$images"/>${rect}`;
  assert.deepEqual(enabled(body), ['JSON', 'JSON_MIN', 'CSV', 'TSV']);
});

test('categories: all labels sorted, ids from 0', () => {
  const config = view(`${image}
    <RectangleLabels name="rectangle_label" toName="image"><Label value="rectangle_label"/></RectangleLabels>
    <PolygonLabels name="polygon_label" toName="image"><Label value="polygon_label"/></PolygonLabels>
    <KeyPointLabels name="keypoint_label" toName="image">
      <Label value="keypoint_label1"/><Label value="keypoint_label2"/>
    </KeyPointLabels>`);
  assert.deepEqual(exportCategories(config), [
    { id: 0, name: 'keypoint_label1' },
    { id: 1, name: 'keypoint_label2' },
    { id: 2, name: 'polygon_label' },
    { id: 3, name: 'rectangle_label' },
  ]);
});

test('categories: explicit category ids first, the rest fill the free ids', () => {
  const config = view(`${image}<RectangleLabels name="label" toName="image">
    <Label value="car" category="10"/><Label value="person" category="0"/><Label value="truck" category="7"/>
    <Label value="bus"/><Label value="van" category="x"/></RectangleLabels>`);
  assert.deepEqual(exportCategories(config), [
    { id: 10, name: 'car' },
    { id: 0, name: 'person' },
    { id: 7, name: 'truck' },
    { id: 1, name: 'bus' },
    { id: 2, name: 'van' },
  ]);
});

test('categories include every control (Choices too) and sort by code point as Python does', () => {
  const config =
    view(`${image}<RectangleLabels name="label" toName="image"><Label value="apple"/><Label value="Zebra"/>
    </RectangleLabels><Choices name="c" toName="image"><Choice value="Échelle"/><Choice value="apple"/></Choices>`);
  assert.deepEqual(
    exportCategories(config).map((c) => c.name),
    ['Zebra', 'apple', 'Échelle'],
  );
});

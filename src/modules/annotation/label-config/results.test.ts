import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabelConfig, validateResult } from './index.ts';

const images = parseLabelConfig(`<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image"><Label value="parasites"/><Label value="white"/></RectangleLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Airplane"/></PolygonLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="nose"/></KeyPointLabels>
  <EllipseLabels name="ell" toName="image"><Label value="cell"/></EllipseLabels>
  <BrushLabels name="brush" toName="image"><Label value="road"/></BrushLabels>
  <Choices name="quality" toName="image" choice="single"><Choice value="good"/><Choice value="1"/></Choices>
  <Choices name="tags" toName="image" choice="multiple"><Choice value="day"/><Choice value="night"/></Choices>
  <Taxonomy name="taxonomy" toName="image"><Choice value="A"><Choice value="A_1"/></Choice><Choice value="B"/></Taxonomy>
  <TextArea name="caption" toName="image"/>
  <Rating name="stars" toName="image" maxRating="5"/>
  <Number name="count" toName="image" min="0" max="10"/>
  <DateTime name="taken" toName="image"/>
</View>`);

const text = parseLabelConfig(`<View>
  <Relations><Relation value="works_for"/></Relations>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="ORG"/></Labels>
  <Text name="text" value="$text"/>
  <Labels name="open" toName="text" value="$options"/>
</View>`);

// The result item of LS tests/custom/converter/data/test_export_yolo/data.json.
const box = {
  id: 'C7oHaRDVVC',
  from_name: 'label',
  to_name: 'image',
  type: 'rectanglelabels',
  origin: 'manual',
  original_width: 2800,
  original_height: 2800,
  image_rotation: 0,
  value: { x: 31.9, y: 20.5, width: 10, height: 12.25, rotation: 0, rectanglelabels: ['parasites'] },
};
const region = (fromName: string, type: string, value: unknown, extra: object = {}) => ({
  id: `r_${fromName}`,
  from_name: fromName,
  to_name: 'image',
  type,
  value,
  ...extra,
});
const messages = (config: typeof images, result: unknown[]) =>
  validateResult(config, result).map((p) => p.message);

test('a valid result of every image region type passes', () => {
  const result = [
    box,
    region('poly', 'polygonlabels', {
      points: [
        [10, 10],
        [20, 15.5],
        [12, 30],
      ],
      polygonlabels: ['Airplane'],
    }),
    region('kp', 'keypointlabels', { x: 50, y: 50, width: 0.5, keypointlabels: ['nose'] }),
    region('ell', 'ellipselabels', {
      x: 40,
      y: 40,
      radiusX: 5,
      radiusY: 3,
      rotation: 0,
      ellipselabels: ['cell'],
    }),
    region('brush', 'brushlabels', { format: 'rle', rle: [0, 12, 255], brushlabels: ['road'] }),
    region('quality', 'choices', { choices: ['good'] }),
    region('tags', 'choices', { choices: ['day', 'night'] }),
    region('taxonomy', 'taxonomy', { taxonomy: [['A', 'A_1'], ['B']] }),
    region('caption', 'textarea', { text: ['a small parasite'] }),
    region('stars', 'rating', { rating: 4 }),
    region('count', 'number', { number: 3 }),
    region('taken', 'datetime', { datetime: '2024-05-01T10:00' }),
  ];
  assert.deepEqual(validateResult(images, result), []);
});

test('choices may be numbers, as Label Studio stores and counts them as text', () => {
  assert.deepEqual(validateResult(images, [region('quality', 'choices', { choices: [1] })]), []);
});

test('each problem names the region index and id', () => {
  const problems = validateResult(images, [box, { ...box, id: 'x1', from_name: 'nope' }]);
  assert.deepEqual(problems, [
    {
      index: 1,
      id: 'x1',
      message: 'Region 1 (id "x1"): from_name "nope" is not a control in the label config',
    },
  ]);
});

test('to_name must be one of the control objects, type must be the control tag lowercased', () => {
  assert.deepEqual(messages(images, [{ ...box, to_name: 'img' }]), [
    `Region 0 (id "C7oHaRDVVC"): to_name "img" is not one of label's objects (image)`,
  ]);
  assert.deepEqual(messages(images, [{ ...box, type: 'rectangle' }]), [
    'Region 0 (id "C7oHaRDVVC"): type "rectangle" does not match control "label" (expected "rectanglelabels")',
  ]);
  assert.deepEqual(messages(images, [{ ...box, type: 'RectangleLabels' }]), []);
});

test('rectangle geometry: numbers, x/y/width/height within 0..100', () => {
  const bad = { ...box, value: { x: -1, y: '3', width: 10, height: 101, rectanglelabels: ['white'] } };
  assert.deepEqual(messages(images, [bad]), [
    'Region 0 (id "C7oHaRDVVC"): value.x=-1 is outside 0..100',
    'Region 0 (id "C7oHaRDVVC"): value.y must be a number',
    'Region 0 (id "C7oHaRDVVC"): value.height=101 is outside 0..100',
  ]);
  assert.deepEqual(messages(images, [{ ...box, original_width: 0 }]), [
    'Region 0 (id "C7oHaRDVVC"): original_width must be a number > 0',
  ]);
});

test('labels must be declared in the control', () => {
  const bad = { ...box, value: { ...box.value, rectanglelabels: ['parasites', 'Cat'] } };
  assert.deepEqual(messages(images, [bad]), [
    'Region 0 (id "C7oHaRDVVC"): label "Cat" not declared in "label"',
  ]);
  const missing = { ...box, value: { x: 1, y: 1, width: 1, height: 1 } };
  assert.deepEqual(messages(images, [missing]), [
    'Region 0 (id "C7oHaRDVVC"): value.rectanglelabels must be a list of strings',
  ]);
});

test('polygon, keypoint, ellipse and brush shapes', () => {
  assert.deepEqual(
    messages(images, [region('poly', 'polygonlabels', { points: [[1, 2, 3]], polygonlabels: ['Airplane'] })]),
    ['Region 0 (id "r_poly"): value.points must be a list of [x, y] pairs'],
  );
  assert.deepEqual(
    messages(images, [
      region('poly', 'polygonlabels', {
        points: [
          [1, 2],
          [3, 120],
        ],
        polygonlabels: [],
      }),
    ]),
    ['Region 0 (id "r_poly"): value.points has a coordinate outside 0..100'],
  );
  assert.deepEqual(messages(images, [region('kp', 'keypointlabels', { x: 50, keypointlabels: ['nose'] })]), [
    'Region 0 (id "r_kp"): value.y must be a number',
  ]);
  assert.deepEqual(
    messages(images, [
      region('ell', 'ellipselabels', { x: 1, y: 1, radiusX: -2, radiusY: 1, ellipselabels: ['cell'] }),
    ]),
    ['Region 0 (id "r_ell"): value.radiusX must be a number >= 0'],
  );
  assert.deepEqual(
    messages(images, [region('brush', 'brushlabels', { rle: [1, 300], brushlabels: ['road'] })]),
    ['Region 0 (id "r_brush"): value.rle must be a non-empty list of bytes (0..255)'],
  );
});

test('choices: strings, at most one for a single-choice control', () => {
  assert.deepEqual(messages(images, [region('quality', 'choices', { choices: ['good', '1'] })]), [
    'Region 0 (id "r_quality"): control "quality" takes a single choice, got 2',
  ]);
  assert.deepEqual(messages(images, [region('tags', 'choices', { choices: 'day' })]), [
    'Region 0 (id "r_tags"): value.choices must be a list of strings',
  ]);
  assert.deepEqual(messages(images, [region('tags', 'choices', { choices: ['dusk'] })]), [
    'Region 0 (id "r_tags"): label "dusk" not declared in "tags"',
  ]);
});

test('taxonomy paths, textarea, rating, number and datetime values', () => {
  assert.deepEqual(messages(images, [region('taxonomy', 'taxonomy', { taxonomy: ['A'] })]), [
    'Region 0 (id "r_taxonomy"): value.taxonomy must be a list of label paths (lists of strings)',
  ]);
  assert.deepEqual(messages(images, [region('taxonomy', 'taxonomy', { taxonomy: [['A', 'C']] })]), [
    'Region 0 (id "r_taxonomy"): label "C" not declared in "taxonomy"',
  ]);
  assert.deepEqual(messages(images, [region('caption', 'textarea', { text: 'one line' })]), [
    'Region 0 (id "r_caption"): value.text must be a list of strings',
  ]);
  assert.deepEqual(messages(images, [region('stars', 'rating', { rating: 6 })]), [
    'Region 0 (id "r_stars"): value.rating must be an integer from 0 to 5',
  ]);
  assert.deepEqual(messages(images, [region('count', 'number', { number: 11 })]), [
    'Region 0 (id "r_count"): value.number is above max=10',
  ]);
  assert.deepEqual(messages(images, [region('taken', 'datetime', { datetime: 20240501 })]), [
    'Region 0 (id "r_taken"): value.datetime must be a string',
  ]);
});

test('NER spans: integer offsets on Text, start before end; dynamic labels accept any label', () => {
  const span = (value: object, fromName = 'ner') => ({
    id: 's1',
    from_name: fromName,
    to_name: 'text',
    type: 'labels',
    value,
  });
  assert.deepEqual(validateResult(text, [span({ start: 0, end: 5, text: 'Alice', labels: ['PER'] })]), []);
  assert.deepEqual(messages(text, [span({ start: 1.5, end: 0, labels: ['PER'] })]), [
    'Region 0 (id "s1"): value.start must be an integer >= 0',
    'Region 0 (id "s1"): value.start is after value.end',
  ]);
  assert.deepEqual(messages(text, [span({ end: 3, labels: ['PER'] })]), [
    'Region 0 (id "s1"): value.start must be a number or a string',
  ]);
  assert.deepEqual(validateResult(text, [span({ start: 0, end: 1, labels: ['Anything'] }, 'open')]), []);
});

test('relations reference regions of the same result and need no from_name', () => {
  const a = {
    id: 'a',
    from_name: 'ner',
    to_name: 'text',
    type: 'labels',
    value: { start: 0, end: 5, labels: ['PER'] },
  };
  const b = {
    id: 'b',
    from_name: 'ner',
    to_name: 'text',
    type: 'labels',
    value: { start: 9, end: 12, labels: ['ORG'] },
  };
  const relation = { type: 'relation', from_id: 'a', to_id: 'b', direction: 'right', labels: ['works_for'] };
  assert.deepEqual(validateResult(text, [a, b, relation]), []);
  assert.deepEqual(messages(text, [a, { ...relation, to_id: 'zz', direction: 'up', labels: ['owns'] }]), [
    'Region 1: to_id "zz" is not the id of a region in this result',
    'Region 1: direction must be "left", "right" or "bi"',
    'Region 1: relation labels "owns" not declared',
  ]);
});

test('the split format: a Rectangle region and a Labels region sharing an id', () => {
  const config = parseLabelConfig(`<View>
  <Image name="image" value="$image"/>
  <Rectangle name="box" toName="image"/>
  <Labels name="kind" toName="image"><Label value="Car"/></Labels>
</View>`);
  const geometry = { x: 5, y: 5, width: 20, height: 20, rotation: 0 };
  const result = [
    { id: 'r1', from_name: 'box', to_name: 'image', type: 'rectangle', value: geometry },
    {
      id: 'r1',
      from_name: 'kind',
      to_name: 'image',
      type: 'labels',
      value: { ...geometry, labels: ['Car'] },
    },
  ];
  assert.deepEqual(validateResult(config, result), []);
  // The SDK also accepts one merged region typed after the geometry.
  const merged = {
    id: 'r2',
    from_name: 'kind',
    to_name: 'image',
    type: 'rectanglelabels',
    value: { ...geometry, rectanglelabels: ['Car'] },
  };
  assert.deepEqual(validateResult(config, [merged]), []);
});

test('missing fields and non-object regions', () => {
  assert.deepEqual(messages(images, ['x', { id: 'q', from_name: 'label' }]), [
    'Region 0: must be an object',
    'Region 1 (id "q"): missing "to_name", "type", "value"',
  ]);
});

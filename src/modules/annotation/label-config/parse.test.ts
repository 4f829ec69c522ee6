// Expected `parsed` values are written from reading Label Studio's parse_config (label_studio_sdk
// _extensions/label_studio_tools/core/label_config.py), not from running this code: inputs carry
// `valueType: null` when absent, labels key on alias-or-value, labels_attrs hold every attribute as text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabelConfigError, parseLabelConfig } from './index.ts';

const image = { type: 'Image', valueType: null, value: 'image' };
const text = { type: 'Text', valueType: null, value: 'text' };

function problemsOf(xml: string): string[] {
  try {
    parseLabelConfig(xml);
  } catch (error) {
    assert.ok(error instanceof LabelConfigError, `expected a LabelConfigError, got ${error}`);
    return error.details;
  }
  assert.fail('the config was accepted');
}

test('bounding boxes (the SDK YOLO fixture): parsed_label_config as Label Studio builds it', () => {
  const config = parseLabelConfig(`<View>
  <Image name="image" value="$image"/>
  <Header value="RectangleLabels"/>
  <RectangleLabels name="label" toName="image">
    <Label value="parasites" background="rgba(218, 1, 238, 1)"/>
    <Label value="white" background="rgba(0, 255, 0, 1)"/>
  </RectangleLabels>
</View>`);
  assert.deepEqual(config.parsed, {
    label: {
      type: 'RectangleLabels',
      to_name: ['image'],
      inputs: [image],
      labels: ['parasites', 'white'],
      labels_attrs: {
        parasites: { value: 'parasites', background: 'rgba(218, 1, 238, 1)' },
        white: { value: 'white', background: 'rgba(0, 255, 0, 1)' },
      },
    },
  });
  assert.deepEqual(config.dataKeys, ['image']);
  const [control] = config.controls;
  assert.equal(control?.type, 'RectangleLabels');
  assert.equal(control?.resultType, 'rectanglelabels');
  assert.deepEqual(config.objects, [
    {
      name: 'image',
      type: 'Image',
      value: 'image',
      valueList: false,
      attrs: { name: 'image', value: '$image' },
    },
  ]);
});

test('NER: the alias names a label, every attribute is kept', () => {
  const config = parseLabelConfig(`<View>
  <Labels name="ner" toName="text">
    <Label value="PER" background="red" hotkey="p"/>
    <Label value="ORG" alias="O" category="3"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`);
  assert.deepEqual(config.parsed, {
    ner: {
      type: 'Labels',
      to_name: ['text'],
      inputs: [text],
      labels: ['PER', 'O'],
      labels_attrs: {
        PER: { value: 'PER', background: 'red', hotkey: 'p' },
        O: { value: 'ORG', alias: 'O', category: '3' },
      },
    },
  });
  assert.deepEqual(config.controls[0]?.labelsAttrs.O, { value: 'ORG', alias: 'O', category: '3' });
});

test('classification: single and multiple choice, valueType, perRegion conditionals', () => {
  const config = parseLabelConfig(`<View>
  <Text name="review" value="$review" valueType="url"/>
  <Choices name="sentiment" toName="review" choice="single-radio" showInline="true" required="true">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
  <Choices name="topics" toName="review" choice="multiple" perRegion="true" whenChoiceValue="Negative">
    <Choice value="Price"/><Choice value="Service"/>
  </Choices>
  <Choices name="plain" toName="review"><Choice value="1"/></Choices>
</View>`);
  const review = { type: 'Text', valueType: 'url', value: 'review' };
  assert.deepEqual(config.parsed.topics, {
    type: 'Choices',
    to_name: ['review'],
    conditionals: { type: 'choice', name: 'Negative' },
    inputs: [review],
    labels: ['Price', 'Service'],
    labels_attrs: { Price: { value: 'Price' }, Service: { value: 'Service' } },
  });
  assert.deepEqual(config.parsed.sentiment?.inputs, [review]);
  const [sentiment, topics, plain] = config.controls;
  assert.equal(sentiment?.choice, 'single-radio');
  assert.equal(sentiment?.required, true);
  assert.equal(topics?.choice, 'multiple');
  assert.equal(topics?.perRegion, true);
  assert.equal(plain?.choice, 'single');
  assert.equal(config.objects[0]?.valueType, 'url');
});

test('taxonomy: nested choices flatten in document order (config from LS config_validation.tavern.yml)', () => {
  const config = parseLabelConfig(
    '<View> <Text name="text" value="$text"/><Taxonomy name="taxonomy" toName="text"><Choice value="A">' +
      '<Choice value="A_1"/><Choice value="A_2"/></Choice><Choice value="B"/></Taxonomy></View>',
  );
  assert.deepEqual(config.parsed.taxonomy?.labels, ['A', 'A_1', 'A_2', 'B']);
  assert.deepEqual(config.parsed.taxonomy?.labels_attrs.A_2, { value: 'A_2' });
});

test('relations: Relation values are relation labels, not a control', () => {
  const config = parseLabelConfig(`<View>
  <Relations><Relation value="works_for"/><Relation value="located_in"/></Relations>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="ORG"/></Labels>
  <Text name="text" value="$text"/>
</View>`);
  assert.deepEqual(Object.keys(config.parsed), ['ner']);
  assert.deepEqual(config.relationLabels, ['works_for', 'located_in']);
});

test('polygons and keypoints (the SDK COCO fixture)', () => {
  const config = parseLabelConfig(`<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="rectangle_label" toName="image"><Label value="rectangle_label"/></RectangleLabels>
  <PolygonLabels name="polygon_label" toName="image"><Label value="polygon_label"/></PolygonLabels>
  <KeyPointLabels name="keypoint_label" toName="image">
    <Label value="keypoint_label1" model_index="0"/>
    <Label value="keypoint_label2" model_index="1"/>
  </KeyPointLabels>
</View>`);
  assert.deepEqual(Object.keys(config.parsed), ['rectangle_label', 'polygon_label', 'keypoint_label']);
  assert.deepEqual(config.parsed.keypoint_label, {
    type: 'KeyPointLabels',
    to_name: ['image'],
    inputs: [image],
    labels: ['keypoint_label1', 'keypoint_label2'],
    labels_attrs: {
      keypoint_label1: { value: 'keypoint_label1', model_index: '0' },
      keypoint_label2: { value: 'keypoint_label2', model_index: '1' },
    },
  });
});

test('dynamic labels: value="$options" sets dynamic_labels and adds a data key', () => {
  const config = parseLabelConfig(`<View>
  <Header value="Select label and click the image to start"/>
  <Image name="image" value="$image" zoom="true"/>
  <PolygonLabels name="label" toName="image" strokeWidth="3" value="$options"/>
</View>`);
  assert.deepEqual(config.parsed.label, {
    type: 'PolygonLabels',
    to_name: ['image'],
    dynamic_labels: true,
    inputs: [image],
    labels: [],
    labels_attrs: {},
  });
  assert.equal(config.controls[0]?.dynamic, true);
  assert.deepEqual(config.dataKeys, ['image', 'options']);
  assert.deepEqual(config.dataTypes, { image: 'Image', options: 'PolygonLabels' });
});

test('multi-object: comma-separated toName, tools without labels, free text on audio', () => {
  const config = parseLabelConfig(`<View>
  <Image name="image" value="$image"/>
  <Text name="text" value="$text"/>
  <Audio name="audio" value="$audio"/>
  <Choices name="match" toName="image,text"><Choice value="same"/><Choice value="different"/></Choices>
  <Rectangle name="box" toName="image"/>
  <TextArea name="transcript" toName="audio" rows="3"/>
  <Rating name="quality" toName="audio" maxRating="10"/>
</View>`);
  assert.deepEqual(config.parsed.match?.to_name, ['image', 'text']);
  assert.deepEqual(config.parsed.match?.inputs, [image, text]);
  assert.deepEqual(config.parsed.box, {
    type: 'Rectangle',
    to_name: ['image'],
    inputs: [image],
    labels: [],
    labels_attrs: {},
  });
  assert.deepEqual(config.parsed.transcript?.inputs, [{ type: 'Audio', valueType: null, value: 'audio' }]);
  assert.deepEqual(config.dataKeys, ['audio', 'image', 'text']);
});

test('Header and Style: a named Header is an input, an unnamed one adds no data key; Filter may point at a control', () => {
  const config = parseLabelConfig(`<View>
  <Style>.big { font-size: 20px }</Style>
  <Header value="Title: $title"/>
  <Header name="caption" value="$caption"/>
  <View style="display: flex">
    <Image name="img" value="$image"/>
    <Collapse><Panel value="Details"><Text name="notes" value="Look at the whole picture"/></Panel></Collapse>
  </View>
  <Filter name="filter" toName="ok" minlength="0"/>
  <Choices name="ok" toName="img"><Choice value="yes"/></Choices>
</View>`);
  assert.deepEqual(Object.keys(config.parsed), ['ok']);
  assert.deepEqual(config.dataKeys, ['caption', 'image']);
  assert.deepEqual(
    config.objects.map((o) => [o.name, o.type]),
    [
      ['caption', 'Header'],
      ['img', 'Image'],
      ['notes', 'Text'],
    ],
  );
});

test('Repeater: placeholders become regex entries, Taxonomy conditionals and dynamic labels (LS tavern config)', () => {
  const config = parseLabelConfig(
    '<View> <Header size="10">Document ID $document_id</Header> <Repeater indexFlag="{{idx}}" on="$images"> ' +
      '<Header value="Labels"/> <RectangleLabels name="labels_{{idx}}" toName="page_{{idx}}"> ' +
      '<Label alias="title" value="Title"/> </RectangleLabels> <Taxonomy name="categories_{{idx}}" ' +
      'perRegion="true" toName="page_{{idx}}" value="$taxonomy" whenLabelValue="title"/> ' +
      '<Image name="page_{{idx}}" value="$images[{{idx}}].url"/> </Repeater> </View>',
  );
  const page = { type: 'Image', valueType: null, value: 'images[{{idx}}].url' };
  assert.deepEqual(config.parsed, {
    'labels_{{idx}}': {
      type: 'RectangleLabels',
      to_name: ['page_{{idx}}'],
      regex: { '{{idx}}': '.*' },
      inputs: [page],
      labels: ['title'],
      labels_attrs: { title: { alias: 'title', value: 'Title' } },
    },
    'categories_{{idx}}': {
      type: 'Taxonomy',
      to_name: ['page_{{idx}}'],
      regex: { '{{idx}}': '.*' },
      conditionals: { type: 'label', name: 'title' },
      dynamic_labels: true,
      inputs: [page],
      labels: [],
      labels_attrs: {},
    },
  });
  assert.deepEqual(config.dataKeys, ['images[{{idx}}].url', 'taxonomy']);
});

test('tag names are matched case-insensitively; parsed keeps the tag as written', () => {
  const config = parseLabelConfig(
    '<view><image name="i" value="$i"/><rectanglelabels name="l" toName="i"><label value="A"/></rectanglelabels></view>',
  );
  assert.equal(config.controls[0]?.type, 'RectangleLabels');
  assert.equal(config.controls[0]?.resultType, 'rectanglelabels');
  assert.deepEqual(config.controls[0]?.labels, ['A']);
  assert.equal(config.parsed.l?.type, 'rectanglelabels');
});

test('literal values: Text may hold fixed text and Image a fixed URL', () => {
  const config = parseLabelConfig(`<View>
  <Text name="hint" value="Read carefully"/>
  <Image name="legend" value="https://example.com/legend.png"/>
  <Image name="photo" value="$photo"/>
  <Choices name="c" toName="photo"><Choice value="ok"/></Choices>
</View>`);
  assert.deepEqual(config.dataKeys, ['photo']);
});

test('XML that does not parse says where', () => {
  assert.deepEqual(problemsOf('<View>\n  <Image name="i" value="$i">\n</View>'), [
    'XML does not parse at line 3, column 8: unexpected close tag',
  ]);
  assert.match(
    problemsOf('<View><Text name="t" value="$t" value="$u"/></View>')[0]!,
    /^XML does not parse at line 1/,
  );
  assert.match(problemsOf('<!DOCTYPE View [<!ENTITY x "y">]><View/>')[0]!, /DOCTYPE is not allowed/);
  assert.deepEqual(problemsOf('   '), ['XML does not parse: the label config is empty']);
});

test('the root must be View', () => {
  assert.deepEqual(problemsOf('<Image name="i" value="$i"/>'), [
    'The root tag must be <View>, found <Image>',
  ]);
});

test('names must be unique', () => {
  const problems = problemsOf(
    '<View><Text name="a" value="$t"/><Choices name="a" toName="a"><Choice value="x"/></Choices></View>',
  );
  assert.ok(problems.includes('Label config contains non-unique names: a'), problems.join('\n'));
});

test('toName must name an object, with Label Studio wording', () => {
  const problems = problemsOf(`<View>
  <Image name="image" value="$image"/><Text name="text" value="$text"/>
  <RectangleLabels name="label" toName="img"><Label value="Car"/></RectangleLabels>
</View>`);
  assert.deepEqual(problems, [`toName="img" not found in names: ['image', 'text']`]);
  const secondOfTwo = problemsOf(
    '<View><Text name="text" value="$text"/><Choices name="c" toName="text,other"><Choice value="x"/></Choices></View>',
  );
  assert.deepEqual(secondOfTwo, [`toName="other" not found in names: ['text']`]);
});

test('a control needs a name and a toName', () => {
  assert.deepEqual(
    problemsOf('<View><Text name="t" value="$t"/>\n<Choices toName="t"><Choice value="x"/></Choices></View>'),
    ['<Choices> at line 2 needs a name'],
  );
  assert.deepEqual(problemsOf('<View><Text name="t" value="$t"/><TextArea name="answer"/></View>'), [
    'TextArea "answer" (line 1) needs a toName',
  ]);
});

test('object tags need a name and a value that reads task data', () => {
  assert.deepEqual(problemsOf('<View>\n<Image name="image" value="image"/></View>'), [
    'Image "image" (line 2): value="image" names no $variable (did you mean value="$image"?)',
  ]);
  assert.deepEqual(problemsOf('<View><Audio value="$a"/></View>'), ['<Audio> at line 1 needs a name']);
  assert.deepEqual(problemsOf('<View><Video name="v"/></View>'), [
    'Video "v" (line 1) needs value="$<data key>"',
  ]);
  assert.deepEqual(problemsOf('<View><Image name="i" value="$a" valueList="$b"/></View>'), [
    'Image "i" (line 1) has both value and valueList; use one',
  ]);
});

test('a labels control needs labels or a dynamic source', () => {
  assert.deepEqual(
    problemsOf(
      '<View><Image name="i" value="$i"/><RectangleLabels name="l" toName="i"></RectangleLabels></View>',
    ),
    ['RectangleLabels "l" (line 1) has no <Label> children and no dynamic value="$..."'],
  );
  assert.deepEqual(problemsOf('<View><Text name="t" value="$t"/><Choices name="c" toName="t"/></View>'), [
    'Choices "c" (line 1) has no <Choice> children and no dynamic value="$..."',
  ]);
  assert.deepEqual(
    problemsOf(
      '<View><Text name="t" value="$t"/><Labels name="l" toName="t"><Label background="red"/></Labels></View>',
    ),
    [
      '<Label> at line 1 in "l" needs a value',
      'Labels "l" (line 1) has no <Label> children and no dynamic value="$..."',
    ],
  );
});

test('every problem is reported at once', () => {
  const error = (() => {
    try {
      parseLabelConfig('<View><Image name="x" value="image"/><Choices name="x" toName="img"/></View>');
    } catch (e) {
      return e as LabelConfigError;
    }
  })();
  assert.equal(error?.details.length, 4);
  assert.equal(
    error?.message,
    'Image "x" (line 1): value="image" names no $variable (did you mean value="$image"?) (and 3 more)',
  );
});

// Scenarios and messages from Label Studio's label_studio/tests/config_validation.tavern.yml and
// Project.validate_config; the expected strings are Label Studio's, written out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  annotationTuple,
  checkTaskData,
  configChangeProblems,
  parseLabelConfig,
  resultLabels,
} from './index.ts';

const choices = (values: string[], tag = 'Choices', child = 'Choice') =>
  parseLabelConfig(
    ` <View> <Text name="text" value="$text"/> <${tag} name="label" toName="text"> ` +
      `${values.map((v) => `<${child} value="${v}"/>`).join(' ')} </${tag}> </View>`,
  );
const original = choices(['1', '2']);
// One annotation with `choices: [1]`, as the tavern test posts it.
const used = [{ fromName: 'label', toName: 'text', type: 'choices', count: 1 }];
const usedLabels = { label: { '1': 1 } };

test('removing a used label passes without strict (PATCH) and fails with strict (/validate)', () => {
  const next = choices(['2', '3']);
  assert.deepEqual(configChangeProblems(original, next, used, usedLabels, false), []);
  assert.deepEqual(configChangeProblems(original, next, used, usedLabels, true), [
    'These labels still exist in annotations or drafts:\n1 (1 annotation)\nPlease add labels to tag with name="label".',
  ]);
  assert.deepEqual(configChangeProblems(original, choices(['2', '3', '1']), used, usedLabels, true), []);
});

test('changing the control type under existing annotations is refused', () => {
  const next = choices(['1', '2'], 'Labels', 'Label');
  assert.deepEqual(configChangeProblems(original, next, used, usedLabels, false), [
    'Created annotations are incompatible with provided labeling schema, we found:\n' +
      '1 with from_name=label, to_name=text, type=choices',
  ]);
});

test('every incompatible tuple is listed, one per line; TextArea results are exempt', () => {
  const next = parseLabelConfig(
    '<View><Image name="image" value="$image"/><Rectangle name="box" toName="image"/></View>',
  );
  const tuples = [
    { fromName: 'label', toName: 'text', type: 'choices', count: 4 },
    { fromName: 'box', toName: 'photo', type: 'rectangle', count: 2 },
    { fromName: 'answer', toName: 'text', type: 'textarea', count: 9 },
  ];
  assert.deepEqual(configChangeProblems(original, next, tuples, {}, false), [
    'Created annotations are incompatible with provided labeling schema, we found:\n' +
      '4 with from_name=label, to_name=text, type=choices\n' +
      '2 with from_name=box, to_name=photo, type=rectangle',
  ]);
});

test('labels used only in drafts count, with their own wording', () => {
  const drafts = { label: { '1': 1 } };
  assert.deepEqual(configChangeProblems(original, choices(['2']), [], {}, true, drafts), [
    'These labels still exist in annotations or drafts:\n1 (1 draft)\nPlease add labels to tag with name="label".',
  ]);
  assert.deepEqual(
    configChangeProblems(original, choices(['3']), used, { label: { '1': 2, '2': 1 } }, true, {
      label: { '1': 3 },
    }),
    [
      'These labels still exist in annotations or drafts:\n1 (2 annotations, 3 drafts)\n2 (1 annotation)\n' +
        'Please add labels to tag with name="label".',
    ],
  );
});

test('a control whose labels are in use cannot be removed', () => {
  const next = parseLabelConfig(
    '<View><Text name="text" value="$text"/><TextArea name="note" toName="text"/></View>',
  );
  assert.deepEqual(configChangeProblems(original, next, [], {}, false, { label: { '1': 2, '2': 1 } }), [
    `There are 3 annotation(s) created with tag "label", you can't remove it`,
  ]);
});

test('taxonomy paths count label by label', () => {
  const taxonomy = (first: string) =>
    parseLabelConfig(
      `<View> <Text name="text" value="$text"/><Taxonomy name="taxonomy" toName="text"><Choice value="${first}">` +
        '<Choice value="A_1"/><Choice value="A_2"/></Choice><Choice value="B"/></Taxonomy></View>',
    );
  const region = {
    from_name: 'taxonomy',
    to_name: 'text',
    type: 'taxonomy',
    value: { taxonomy: [['A', 'A_1'], ['B']] },
  };
  const labels = { taxonomy: Object.fromEntries(resultLabels(region).map((l) => [l, 1])) };
  const tuple = { ...annotationTuple(region)!, count: 1 };
  assert.deepEqual(configChangeProblems(null, taxonomy('A'), [tuple], labels, true), []);
  assert.deepEqual(configChangeProblems(null, taxonomy('C'), [tuple], labels, true), [
    'These labels still exist in annotations or drafts:\nA (1 annotation)\nPlease add labels to tag with name="taxonomy".',
  ]);
});

test('dynamic labels may drop values; a config without data keys or controls is not checked', () => {
  const dynamic = parseLabelConfig(
    '<View><Text name="text" value="$text"/><Choices name="label" toName="text" value="$options"/></View>',
  );
  assert.deepEqual(configChangeProblems(original, dynamic, used, usedLabels, true), []);
  const noData = parseLabelConfig('<View><Header value="Nothing to label"/></View>');
  assert.deepEqual(configChangeProblems(original, noData, used, usedLabels, true), []);
});

test('Repeater names match their filled-in form', () => {
  const repeater = parseLabelConfig(
    '<View><Repeater on="$pages" indexFlag="{{idx}}"><Image name="page_{{idx}}" value="$pages[{{idx}}].url"/>' +
      '<Choices name="ok_{{idx}}" toName="page_{{idx}}"><Choice value="yes"/></Choices></Repeater></View>',
  );
  const tuples = [{ fromName: 'ok_0', toName: 'page_0', type: 'choices', count: 2 }];
  assert.deepEqual(configChangeProblems(null, repeater, tuples, { ok_0: { yes: 2 } }, true), []);
  assert.deepEqual(configChangeProblems(null, repeater, tuples, { ok_0: { no: 2 } }, true), [
    'These labels still exist in annotations or drafts:\nno (2 annotations)\nPlease add labels to tag with name="ok_0".',
  ]);
});

test('summary counters per result: tuples skip relations, labels skip TextArea text', () => {
  assert.deepEqual(annotationTuple({ from_name: 'l', to_name: 'img', type: 'RectangleLabels', value: {} }), {
    fromName: 'l',
    toName: 'img',
    type: 'rectanglelabels',
  });
  assert.equal(annotationTuple({ type: 'relation', from_id: 'a', to_id: 'b' }), null);
  assert.deepEqual(resultLabels({ type: 'choices', value: { choices: [1, 'x'] } }), ['1', 'x']);
  assert.deepEqual(resultLabels({ type: 'textarea', value: { text: ['free text'] } }), []);
  assert.deepEqual(resultLabels({ type: 'rating', value: { rating: 3 } }), []);
});

test('task data must hold each data key with a type its tag reads', () => {
  const config = parseLabelConfig(`<View>
  <Image name="image" value="$image"/><Text name="title" value="$meta.title"/>
  <Choices name="c" toName="image"><Choice value="x"/></Choices>
</View>`);
  assert.equal(checkTaskData(config, { image: 'a.jpg', meta: { title: 'T' } }), null);
  assert.equal(checkTaskData(config, { meta: { title: 'T' } }), '"image" key is expected in task data');
  assert.equal(
    checkTaskData(config, { image: 'a.jpg', meta: {} }),
    '"meta.title" key is expected in task data',
  );
  assert.equal(
    checkTaskData(config, { image: 5, meta: { title: 'T' } }),
    `data['image']=5 is of type 'int', but the object tag Image expects the following types: ['str', 'list']`,
  );
  // A Text tag reads numbers, and Python counts booleans as numbers.
  assert.equal(checkTaskData(config, { image: 'a.jpg', meta: { title: true } }), null);
  const repeater = parseLabelConfig(
    '<View><Repeater on="$pages" indexFlag="{{idx}}"><Image name="p_{{idx}}" value="$pages[{{idx}}].url"/>' +
      '</Repeater></View>',
  );
  assert.equal(
    checkTaskData(repeater, { pages: 'a.jpg' }),
    `data['pages']=a.jpg is of type 'str', but the object tag Image expects the following types: ['list']`,
  );
});

test('control and label names from results cannot reach Object.prototype', () => {
  const hostile = JSON.parse('{"__proto__": {"polluted": 1}}');
  assert.deepEqual(configChangeProblems(null, original, [], {}, true, hostile), [
    `There are 1 annotation(s) created with tag "__proto__", you can't remove it`,
  ]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(
    checkTaskData(parseLabelConfig('<View><Text name="t" value="$toString"/></View>'), {}),
    '"toString" key is expected in task data',
  );
});

// Arbitrary input never escapes as anything but the documented outcomes: a LabelConfigError from the
// parser, a list of problems from the result check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LabelConfigError, parseLabelConfig, validateResult } from './index.ts';

const config = parseLabelConfig(`<View>
  <Image name="image" value="$image"/><Text name="text" value="$text"/>
  <RectangleLabels name="label" toName="image"><Label value="Car"/></RectangleLabels>
  <Labels name="ner" toName="text"><Label value="PER"/></Labels>
  <Choices name="c" toName="text"><Choice value="a"/></Choices>
  <Taxonomy name="t" toName="text"><Choice value="A"/></Taxonomy>
  <TextArea name="ta" toName="text"/><Rating name="r" toName="text"/>
</View>`);

test('parseLabelConfig either returns a config or throws LabelConfigError', () => {
  const tag = fc.constantFrom(
    'View',
    'Image',
    'Text',
    'Choices',
    'Choice',
    'Label',
    'RectangleLabels',
    'Header',
    'x',
  );
  const attr = fc.tuple(
    fc.constantFrom('name', 'toName', 'value', 'valueList', 'alias', '__proto__'),
    fc.string(),
  );
  const element = fc
    .tuple(tag, fc.array(attr, { maxLength: 3 }))
    .map(
      ([t, attrs]) =>
        `<${t} ${[...new Map(attrs)].map(([k, v]) => `${k}="${v.replace(/[<&"]/g, '')}"`).join(' ')}/>`,
    );
  const documents = fc.oneof(
    fc.string(),
    fc.array(element, { maxLength: 6 }).map((children) => `<View>${children.join('')}</View>`),
  );
  fc.assert(
    fc.property(documents, (xml) => {
      try {
        parseLabelConfig(xml);
      } catch (error) {
        assert.ok(error instanceof LabelConfigError, String(error));
      }
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
  );
});

test('validateResult returns problems for any JSON, never throws', () => {
  const type = fc.constantFrom(
    'rectanglelabels',
    'labels',
    'choices',
    'taxonomy',
    'textarea',
    'rating',
    'relation',
  );
  const region = fc.record(
    {
      id: fc.oneof(fc.string(), fc.integer()),
      from_name: fc.constantFrom('label', 'ner', 'c', 't', 'ta', 'r', 'nope'),
      to_name: fc.constantFrom('image', 'text'),
      type,
      value: fc.oneof(
        fc.jsonValue(),
        fc.dictionary(fc.constantFrom('x', 'y', 'start', 'choices', 'taxonomy'), fc.jsonValue()),
      ),
      from_id: fc.string(),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(region, fc.jsonValue()), { maxLength: 5 }), (result) => {
      const problems = validateResult(config, result);
      assert.ok(Array.isArray(problems));
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
  );
});

import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { exportConll, tokensAndTags } from './conll.ts';
import { source } from './test-helpers.ts';
import { treebankSpans, treebankTokens } from './treebank.ts';

describe('Treebank tokenizer (NLTK with label-studio-sdk punctuation)', () => {
  it('splits punctuation, the final period and contractions as NLTK does', () => {
    assert.deepEqual(
      treebankTokens('Good muffins cost $3.88\nin New York.  Please buy me\ntwo of them.\nThanks.'),
      [
        'Good',
        'muffins',
        'cost',
        '$',
        '3.88',
        'in',
        'New',
        'York.',
        'Please',
        'buy',
        'me',
        'two',
        'of',
        'them.',
        'Thanks',
        '.',
      ],
    );
    assert.deepEqual(treebankTokens("They'll save and invest more."), [
      'They',
      "'ll",
      'save',
      'and',
      'invest',
      'more',
      '.',
    ]);
    assert.deepEqual(treebankTokens("hi, my name can't hello,"), [
      'hi',
      ',',
      'my',
      'name',
      'ca',
      "n't",
      'hello',
      ',',
    ]);
    assert.deepEqual(treebankTokens('(a) [b] 1,000 a:b -- done!'), [
      '(',
      'a',
      ')',
      '[',
      'b',
      ']',
      '1,000',
      'a',
      ':',
      'b',
      '--',
      'done',
      '!',
    ]);
  });

  it('gives each token its offset in the text, quotes as they were written', () => {
    const t = 'She said "hi"  twice.';
    const spans = treebankSpans(t);
    assert.deepEqual(
      spans.map((s) => s.token),
      ['She', 'said', '"', 'hi', '"', 'twice', '.'],
    );
    for (const s of spans) assert.equal(t.slice(s.start, s.start + s.token.length), s.token);
  });
});

describe('CONLL2003 tags', () => {
  it('B- on the first token of a span, I- after, O outside or without labels', () => {
    const t = 'Angela Merkel met Barack Obama in Berlin';
    const [tokens, tags] = tokensAndTags(t, [
      { start: 34, end: 40, labels: ['LOC'] },
      { start: 0, end: 13, labels: ['PER'] },
      { start: 18, end: 30, labels: [] },
    ]);
    assert.deepEqual(tokens, ['Angela', 'Merkel', 'met', 'Barack', 'Obama', 'in', 'Berlin']);
    assert.deepEqual(tags, ['B-PER', 'I-PER', 'O', 'O', 'O', 'O', 'B-LOC']);
  });

  it('all O when there are no spans or a span has no offsets', () => {
    assert.deepEqual(tokensAndTags('a b', undefined)[1], ['O', 'O']);
    assert.deepEqual(tokensAndTags('a b', [{ labels: ['X'] }])[1], ['O', 'O']);
  });

  it('writes the DOCSTART line, a block per annotation and skips tasks without the text', async () => {
    const ctx = { categories: [], imageKey: null, textKey: 'text', controls: { ner: 'labels' } };
    const tasks = [
      {
        id: 1,
        data: { text: 'Paris is big' },
        annotations: [
          {
            id: 9,
            completed_by: 1,
            created_at: '2026-01-01T00:00:00Z',
            updated_at: '2026-01-01T00:00:00Z',
            result: [
              {
                from_name: 'ner',
                to_name: 'text',
                type: 'labels',
                value: { start: 0, end: 5, labels: ['LOC'] },
              },
            ],
          },
        ],
      },
      { id: 2, data: { other: 1 }, annotations: [] },
      { id: 3, data: { text: 'Nothing here' }, annotations: [] },
    ];
    const out = await text(exportConll(source(tasks), ctx));
    assert.equal(
      out,
      '-DOCSTART- -X- O\nParis -X- _ B-LOC\nis -X- _ O\nbig -X- _ O\n\nNothing -X- _ O\nhere -X- _ O\n\n',
    );
    assert.throws(
      () => exportConll(source([]), { categories: [], imageKey: null, controls: {} }),
      /needs a Text/,
    );
  });
});

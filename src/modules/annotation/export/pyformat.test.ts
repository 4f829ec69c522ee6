import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basename, csvCell, pyFloat, roundHalfEven, splitext, ujsonDumps } from './pyformat.ts';

describe('Python formatting used by the converters', () => {
  it('prints floats as Python repr() does', () => {
    // Left: what python3 -c 'print(repr(x))' prints for each value.
    const cases: [number, string][] = [
      [1, '1.0'],
      [100, '100.0'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [123456789012345.6, '123456789012345.6'],
      [0.1 + 0.2, '0.30000000000000004'],
      [-2.5e-7, '-2.5e-07'],
      [1.5e300, '1.5e+300'],
      [5e-324, '5e-324'],
      [2 ** 53, '9007199254740992.0'],
      [1.2345678901234567e19, '1.2345678901234567e+19'],
      [0, '0.0'],
      [-0, '-0.0'],
      [0.39253187613843354, '0.39253187613843354'],
    ];
    for (const [x, expected] of cases) assert.equal(pyFloat(x), expected, String(x));
  });

  it('writes csv cells like QUOTE_NONNUMERIC', () => {
    assert.equal(csvCell('a"b\nc'), '"a""b\nc"');
    assert.equal(csvCell(null), '""');
    assert.equal(csvCell(undefined), '""');
    assert.equal(csvCell(true), 'True');
    assert.equal(csvCell(7), '7');
    assert.equal(csvCell(10.744, true), '10.744');
    assert.equal(csvCell(100, true), '100.0');
  });

  it('dumps JSON like ujson (slashes escaped)', () => {
    assert.equal(ujsonDumps({ url: 'http://a/b', n: [1, null] }), '{"url":"http:\\/\\/a\\/b","n":[1,null]}');
  });

  it('splits paths like os.path', () => {
    assert.equal(basename('/data/upload/29/example.png'), 'example.png');
    assert.equal(basename('/data/local-files/?d=dir/img.jpg'), 'img.jpg');
    assert.equal(basename('dir/'), '');
    assert.deepEqual(splitext('a.b.jpg'), ['a.b', '.jpg']);
    assert.deepEqual(splitext('.hidden'), ['.hidden', '']);
    assert.deepEqual(splitext('..x'), ['..x', '']);
    assert.deepEqual(splitext('noext'), ['noext', '']);
  });

  it('rounds halves to even like round()', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 2.4, 2.6, -0.5, -1.5].map(roundHalfEven), [0, 2, 2, 2, 3, 0, -2]);
  });
});

// A Vega-Lite spec chosen from the shape of a result: a category and a number is a bar chart, a time and a
// number a line, two numbers a scatter plot, binned counts a histogram. Anything else gets no chart.
import type { ChartHint, ColumnInfo } from './analyst.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const numeric = (t: string) =>
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL)/i.test(
    t,
  );
const temporal = (t: string) => /^(DATE|TIMESTAMP)/i.test(t);

export function chartFor(
  hint: ChartHint,
  columns: ColumnInfo[],
  rows: unknown[][],
): Record<string, unknown> | null {
  if (hint === 'none' || columns.length !== 2 || rows.length < 2) return null;
  const [x, y] = columns as [ColumnInfo, ColumnInfo];
  if (!numeric(y.type)) return null;
  const values = rows.map((r) => ({ [x.name]: r[0], [y.name]: r[1] }));
  const base = { $schema: SCHEMA, data: { values }, width: 'container' };
  const yEnc = { field: y.name, type: 'quantitative' };
  if (hint === 'histogram' && numeric(x.type))
    return {
      ...base,
      mark: 'bar',
      encoding: { x: { field: x.name, type: 'quantitative', bin: { binned: true } }, y: yEnc },
    };
  if (temporal(x.type))
    return {
      ...base,
      mark: { type: 'line', point: true },
      encoding: { x: { field: x.name, type: 'temporal' }, y: yEnc },
    };
  if (numeric(x.type))
    return hint === 'line'
      ? { ...base, mark: 'line', encoding: { x: { field: x.name, type: 'quantitative' }, y: yEnc } }
      : { ...base, mark: 'point', encoding: { x: { field: x.name, type: 'quantitative' }, y: yEnc } };
  return {
    ...base,
    mark: 'bar',
    encoding: { x: { field: x.name, type: 'nominal', sort: '-y' }, y: yEnc },
  };
}

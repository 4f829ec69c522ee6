// The rows a bot answer computed, as a table (the API keeps at most the first rows; `truncated` says so).
import type { ResultTable as Table } from './api';

const cell = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export function ResultTable({ table, caption, max = 50 }: { table: Table; caption: string; max?: number }) {
  const rows = table.rows.slice(0, max);
  return (
    // A wide or long result scrolls, and the keyboard must reach what scrolls: a focusable, labelled region.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable regions must be focusable (WCAG 2.1.1)
    <section className="table-wrap rm-table" tabIndex={0} aria-label={caption}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.name} scope="col" title={c.type}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: result rows have no identity but their place
            <tr key={i}>
              {table.columns.map((c, j) => (
                <td key={c.name}>{cell(r[j])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.rows.length > max || table.truncated ? (
        <p className="muted small rm-more">
          Showing {rows.length} of {table.truncated ? 'more than ' : ''}
          {table.rows.length} rows.
        </p>
      ) : null}
    </section>
  );
}

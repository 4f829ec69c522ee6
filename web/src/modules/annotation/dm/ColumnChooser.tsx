// Which columns the table shows; kept in the open view's hiddenColumns when the view is saved.
import type { Column } from '../api';

export function ColumnChooser({
  columns,
  hidden,
  onChange,
}: {
  columns: Column[];
  hidden: string[];
  onChange: (hidden: string[]) => void;
}) {
  return (
    <details className="dm-columns">
      <summary>
        Columns ({columns.length - hidden.filter((h) => columns.some((c) => c.id === h)).length} shown)
      </summary>
      <fieldset>
        <legend className="visually-hidden">Shown columns</legend>
        {columns.map((c) => (
          <label key={c.id} className="check">
            <input
              type="checkbox"
              checked={!hidden.includes(c.id)}
              onChange={(e) =>
                onChange(e.target.checked ? hidden.filter((h) => h !== c.id) : [...hidden, c.id])
              }
            />{' '}
            {c.title}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

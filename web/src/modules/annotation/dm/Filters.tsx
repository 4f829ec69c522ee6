// Filters and sort of the data manager, edited as rows and sent as the API's filter JSON.
import { useId } from 'react';
import { Select } from '../../../ui/ui';
import { type Column, columnKey, type DmQuery, type FilterRow, operatorsFor } from '../api';

const noValue = new Set(['empty', 'exists']);

function Row({
  row,
  index,
  columns,
  onChange,
  onRemove,
}: {
  row: FilterRow;
  index: number;
  columns: Column[];
  onChange: (row: FilterRow) => void;
  onRemove: () => void;
}) {
  const valueId = useId();
  const ops = operatorsFor(row.type);
  const n = index + 1;
  return (
    <li className="dm-filter">
      <Select
        label={`Filter ${n} column`}
        hideLabel
        value={row.column}
        onChange={(e) => {
          const column = columns.find((c) => columnKey(c) === e.target.value);
          const type =
            column?.type === 'Number' || column?.type === 'Datetime' || column?.type === 'Boolean'
              ? column.type
              : 'String';
          onChange({ column: e.target.value, type, operator: operatorsFor(type)[0]!.value, value: '' });
        }}
        options={columns.map((c) => ({ value: columnKey(c), label: c.title }))}
      />
      <Select
        label={`Filter ${n} operator`}
        hideLabel
        value={row.operator}
        onChange={(e) => onChange({ ...row, operator: e.target.value })}
        options={ops}
      />
      {noValue.has(row.operator) || row.type === 'Boolean' ? (
        <Select
          label={`Filter ${n} value`}
          hideLabel
          value={row.value || 'true'}
          onChange={(e) => onChange({ ...row, value: e.target.value })}
          options={[
            { value: 'true', label: 'yes' },
            { value: 'false', label: 'no' },
          ]}
        />
      ) : (
        <div className="field inline">
          <label htmlFor={valueId} className="visually-hidden">
            Filter {n} value
          </label>
          <input
            id={valueId}
            type={row.type === 'Number' ? 'number' : row.type === 'Datetime' ? 'datetime-local' : 'text'}
            value={row.value}
            onChange={(e) => onChange({ ...row, value: e.target.value })}
          />
        </div>
      )}
      <button type="button" aria-label={`Remove filter ${n}`} onClick={onRemove}>
        ✕
      </button>
    </li>
  );
}

export function Filters({
  query,
  columns,
  onChange,
}: {
  query: DmQuery;
  columns: Column[];
  onChange: (q: DmQuery) => void;
}) {
  const filterable = columns.filter((c) => c.id !== 'data');
  const orderable = filterable.filter((c) => !c.id.endsWith('_results'));
  const setRow = (i: number, row: FilterRow) =>
    onChange({ ...query, filters: query.filters.map((r, j) => (j === i ? row : r)) });
  const add = () => {
    const first = filterable[0];
    if (!first) return;
    const type = first.type === 'Number' ? 'Number' : 'String';
    onChange({
      ...query,
      filters: [
        ...query.filters,
        { column: columnKey(first), type, operator: operatorsFor(type)[0]!.value, value: '' },
      ],
    });
  };
  const order = query.ordering;
  return (
    <div className="dm-filters">
      <fieldset>
        <legend>Filters</legend>
        {query.filters.length > 1 ? (
          <Select
            label="Match"
            value={query.conjunction}
            onChange={(e) => onChange({ ...query, conjunction: e.target.value === 'or' ? 'or' : 'and' })}
            options={[
              { value: 'and', label: 'all filters' },
              { value: 'or', label: 'any filter' },
            ]}
          />
        ) : null}
        <ul className="plain">
          {query.filters.map((row, i) => (
            <Row
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
              key={i}
              row={row}
              index={i}
              columns={filterable}
              onChange={(r) => setRow(i, r)}
              onRemove={() => onChange({ ...query, filters: query.filters.filter((_, j) => j !== i) })}
            />
          ))}
        </ul>
        <button type="button" onClick={add}>
          Add filter
        </button>
      </fieldset>
      <div className="dm-sort">
        <Select
          label="Sort by"
          value={order ? order.replace(/^-/, '') : ''}
          onChange={(e) =>
            onChange({
              ...query,
              ordering: e.target.value ? `${order?.startsWith('-') ? '-' : ''}${e.target.value}` : null,
            })
          }
          options={[
            { value: '', label: 'Task order' },
            ...orderable.map((c) => ({ value: columnKey(c), label: c.title })),
          ]}
        />
        <Select
          label="Direction"
          value={order?.startsWith('-') ? 'desc' : 'asc'}
          disabled={!order}
          onChange={(e) =>
            order &&
            onChange({
              ...query,
              ordering: `${e.target.value === 'desc' ? '-' : ''}${order.replace(/^-/, '')}`,
            })
          }
          options={[
            { value: 'asc', label: 'Ascending' },
            { value: 'desc', label: 'Descending' },
          ]}
        />
      </div>
    </div>
  );
}

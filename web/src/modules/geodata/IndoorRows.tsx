// The parsed rows of one spreadsheet, a page at a time: sort by a column (number columns as numbers), and
// narrow to rows whose column contains a text.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { PagedTable, useFilters } from '../../ui/PagedTable';
import { Field, Select } from '../../ui/ui';
import type { IndoorData } from './api';

const PAGE_SIZE = 50;

export function IndoorRows({ data }: { data: IndoorData }) {
  const columns = data.columns ?? [];
  const { filters, setFilter, page, setPage } = useFilters({ sort: '', column: '', text: '' });
  const [text, setText] = useState('');
  const [column, setColumn] = useState(columns[0]?.name ?? '');
  const rows = useQuery({
    queryKey: ['indoor-rows', data.id, filters, page],
    queryFn: () =>
      call(
        api.GET('/api/indoor-data/{id}/rows', {
          params: {
            path: { id: data.id },
            query: {
              page,
              page_size: PAGE_SIZE,
              ...(filters.sort ? { sort: filters.sort } : {}),
              // The API reads contains[column]=text from the remaining query keys.
              ...(filters.column && filters.text ? { [`contains[${filters.column}]`]: filters.text } : {}),
            },
          },
        }),
      ),
    placeholderData: (previous) => previous,
  });
  const columnOptions = columns.map((c) => ({ value: c.name, label: c.name }));
  return (
    <section className="panel" aria-labelledby="rows-h">
      <h2 id="rows-h">Rows of {data.original_name}</h2>
      <div className="toolbar">
        <Select
          label="Sort by"
          value={filters.sort}
          onChange={(e) => setFilter({ sort: e.target.value })}
          options={[
            { value: '', label: 'Row order' },
            ...columns.flatMap((c) => [
              { value: c.name, label: `${c.name} ↑` },
              { value: `-${c.name}`, label: `${c.name} ↓` },
            ]),
          ]}
        />
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter({ column, text: text.trim() });
          }}
        >
          <Select
            label="Column"
            value={column}
            onChange={(e) => setColumn(e.target.value)}
            options={columnOptions}
          />
          <Field label="Contains" value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit">Filter rows</button>
        </form>
      </div>
      <div className="rows-table">
        <PagedTable
          query={rows}
          caption={`Rows of ${data.original_name}`}
          loading="Loading rows"
          empty="No rows match."
          rowKey={(r) => r.row_number}
          columns={[
            { header: '#', cell: (r) => r.row_number, className: 'muted' },
            ...columns.map((c) => ({
              header: c.name,
              cell: (r: { values: Record<string, string | null> }) => r.values[c.name] ?? '',
              className: c.type === 'number' ? 'mono' : undefined,
            })),
          ]}
          page={page}
          pageSize={PAGE_SIZE}
          onPage={setPage}
        />
      </div>
    </section>
  );
}

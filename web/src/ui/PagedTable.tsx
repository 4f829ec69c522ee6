// The list shape most screens repeat: an error, a loading line, an empty note, a table of the page's rows
// and the pager, over one paged query ({count, results}). Columns are a header and a cell each.
import { type ReactNode, useState } from 'react';
import { Empty, ErrorBox, Loading, Pager } from './ui';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

export interface PagedQuery<T> {
  data?: { count: number; results: T[] };
  error: unknown;
  isLoading: boolean;
}

export function Table<T>({
  caption,
  rows,
  columns,
  rowKey,
}: {
  caption: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => (
              // Columns keep their order while the table lives; a sheet's headers need not be unique.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <th key={i} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns keep their order
                <td key={i} className={c.className}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PagedTable<T>({
  query,
  caption,
  columns,
  rowKey,
  loading,
  empty,
  page,
  pageSize,
  onPage,
}: {
  query: PagedQuery<T>;
  caption: string;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  loading: string;
  empty: ReactNode;
  /** Without a page the list is not paged (one page of everything asked for). */
  page?: number;
  pageSize?: number;
  onPage?: (page: number) => void;
}) {
  const { data } = query;
  return (
    <>
      <ErrorBox error={query.error} />
      {query.isLoading ? <Loading what={loading} /> : null}
      {data?.count === 0 ? <Empty>{empty}</Empty> : null}
      {data?.count ? <Table caption={caption} rows={data.results} columns={columns} rowKey={rowKey} /> : null}
      {data && page && pageSize && onPage ? (
        <Pager page={page} pageSize={pageSize} count={data.count} onPage={onPage} />
      ) : null}
    </>
  );
}

/** A list's filters and page: changing a filter goes back to the first page. */
export function useFilters<F extends object>(initial: F) {
  const [state, setState] = useState({ filters: initial, page: 1 });
  return {
    filters: state.filters,
    page: state.page,
    setPage: (page: number) => setState((s) => ({ ...s, page })),
    setFilter: (patch: Partial<F>) => setState((s) => ({ filters: { ...s.filters, ...patch }, page: 1 })),
  };
}

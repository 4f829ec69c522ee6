// A flight's data products: filtered by type and status, paged; a processing product shows its job's progress
// (the list is polled until none is pending or processing); public/private with the share link; downloads of
// the file as uploaded and of its COG; delete (owners, not once published).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { JobProgress } from '../../ui/JobProgress';
import { type Column, PagedTable, useFilters } from '../../ui/PagedTable';
import { ErrorBox, Select } from '../../ui/ui';
import {
  choices,
  DATA_TYPES,
  type DataType,
  type Flight,
  PRODUCT_STATUSES,
  type Product,
  type ProductStatus,
} from './api';

const PAGE_SIZE = 25;
const busy = (p: Product) => p.status === 'pending' || p.status === 'processing';

function Sharing({ product, manage, published }: { product: Product; manage: boolean; published: boolean }) {
  const client = useQueryClient();
  const permission = useQuery({
    queryKey: ['geo-permission', product.id],
    queryFn: () =>
      call(api.GET('/api/data-products/{id}/permission', { params: { path: { id: product.id } } })),
    enabled: product.is_public,
  });
  const share = useMutation({
    mutationFn: (on: boolean) =>
      call(
        api.PUT('/api/data-products/{id}/permission', {
          params: { path: { id: product.id } },
          body: { public: on },
        }),
      ),
    onSuccess: (answer) => {
      client.setQueryData(['geo-permission', product.id], answer);
      return client.invalidateQueries({ queryKey: ['geo-products', product.project_id] });
    },
  });
  const [wanted, setWanted] = useState<boolean | null>(null);
  const url = permission.data?.public_url;
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          checked={wanted ?? product.is_public}
          disabled={!manage || published || share.isPending}
          onChange={(e) => {
            setWanted(e.target.checked); // at once: the mutation's own state reaches React a tick later
            share.mutate(e.target.checked, { onSettled: () => setWanted(null) });
          }}
        />{' '}
        Public
      </label>
      {product.is_public && url ? (
        <div className="small">
          <a href={url}>Share link</a>
        </div>
      ) : null}
      <ErrorBox error={share.error} />
    </>
  );
}

export function Products({
  flight,
  manage,
  owner,
  published,
}: {
  flight: Flight;
  manage: boolean;
  owner: boolean;
  published: boolean;
}) {
  const client = useQueryClient();
  const { filters, setFilter, page, setPage } = useFilters({
    type: '' as DataType | '',
    status: '' as ProductStatus | '',
  });
  const key = ['geo-products', flight.project_id, 'flight', flight.id, filters, page];
  const products = useQuery({
    queryKey: key,
    queryFn: () =>
      call(
        api.GET('/api/flights/{id}/data-products', {
          params: {
            path: { id: flight.id },
            query: {
              page,
              page_size: PAGE_SIZE,
              ...(filters.type ? { data_type: filters.type } : {}),
              ...(filters.status ? { status: filters.status } : {}),
            },
          },
        }),
      ),
    placeholderData: (previous) => previous,
    refetchInterval: (q) => (q.state.data?.results.some(busy) ? 1500 : false),
  });
  const remove = useMutation({
    mutationFn: (id: number) => call(api.DELETE('/api/data-products/{id}', { params: { path: { id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ['geo-products', flight.project_id] }),
  });
  const columns: Column<Product>[] = [
    {
      header: 'Data product',
      cell: (p) => (
        <>
          <span className="mono">{p.data_type}</span> {p.original_name}
          <div className="muted small">
            {[
              p.band_count ? `${p.band_count} band${p.band_count > 1 ? 's' : ''}` : null,
              p.epsg ? `EPSG:${p.epsg}` : null,
              p.resolution ? `resolution ${p.resolution.map((r) => r.toPrecision(3)).join(' × ')}` : null,
              p.point_count ? `${p.point_count} points` : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </div>
        </>
      ),
    },
    {
      header: 'Status',
      cell: (p) => (
        <>
          <span className={`state state-${p.status}`}>{p.status}</span>
          {busy(p) && p.job_id ? (
            <div>
              <JobProgress jobId={p.job_id} label={`Processing of ${p.original_name}`} />
            </div>
          ) : null}
          {p.error ? <div className="error small">{p.error}</div> : null}
        </>
      ),
    },
    {
      header: 'Sharing',
      cell: (p) =>
        p.status === 'ready' ? <Sharing product={p} manage={manage} published={published} /> : '—',
    },
    {
      header: 'Download',
      cell: (p) => (
        <>
          {p.file_id ? (
            <a href={`/api/files/${p.file_id}/content`} download>
              Download {p.original_name}
            </a>
          ) : null}
          {p.cog_file_id ? (
            <div className="small">
              <a href={`/api/files/${p.cog_file_id}/content`} download>
                Cloud-optimised GeoTIFF
              </a>
            </div>
          ) : null}
        </>
      ),
    },
    {
      header: 'Actions',
      cell: (p) =>
        owner && !published ? (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete ${p.original_name}?`)) remove.mutate(p.id);
            }}
          >
            Delete
          </button>
        ) : null,
    },
  ];
  return (
    <section className="panel" aria-labelledby="products-h">
      <h2 id="products-h">Data products</h2>
      <div className="toolbar">
        <Select
          label="Type filter"
          value={filters.type}
          onChange={(e) => setFilter({ type: e.target.value as DataType | '' })}
          options={choices(DATA_TYPES, 'All types')}
        />
        <Select
          label="Status filter"
          value={filters.status}
          onChange={(e) => setFilter({ status: e.target.value as ProductStatus | '' })}
          options={choices(PRODUCT_STATUSES, 'All statuses')}
        />
      </div>
      <ErrorBox error={remove.error} />
      <PagedTable
        query={products}
        caption="Data products"
        loading="Loading data products"
        empty="No data products match: upload a GeoTIFF below."
        rowKey={(p) => p.id}
        columns={columns}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
    </section>
  );
}

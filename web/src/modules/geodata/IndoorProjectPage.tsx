// One indoor project (`/indoor/{id}`): its details, uploading a data file (a spreadsheet is parsed into rows by
// a job whose progress is shown), the data files with downloads, and browsing a parsed sheet's rows.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { formatBytes } from '../../api/transfer';
import { FileUpload } from '../../ui/FileUpload';
import { JobProgress } from '../../ui/JobProgress';
import { type Column, PagedTable, useFilters } from '../../ui/PagedTable';
import { ErrorBox, Loading, PageHeader, roleLabel } from '../../ui/ui';
import { canManage, type IndoorData, type IndoorProject } from './api';
import { IndoorRows } from './IndoorRows';
import './geodata.css';

const PAGE_SIZE = 25;

function DataFiles({ project, onBrowse }: { project: IndoorProject; onBrowse: (d: IndoorData) => void }) {
  const client = useQueryClient();
  const { page, setPage } = useFilters({});
  const files = useQuery({
    queryKey: ['indoor-data', project.id, page],
    queryFn: () =>
      call(
        api.GET('/api/indoor-projects/{id}/data', {
          params: { path: { id: project.id }, query: { page, page_size: PAGE_SIZE } },
        }),
      ),
    placeholderData: (previous) => previous,
    refetchInterval: (q) => (q.state.data?.results.some((d) => d.status === 'processing') ? 1500 : false),
  });
  const remove = useMutation({
    mutationFn: (id: number) => call(api.DELETE('/api/indoor-data/{id}', { params: { path: { id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ['indoor-data', project.id] }),
  });
  const manage = canManage(project.role);
  const columns: Column<IndoorData>[] = [
    {
      header: 'File',
      cell: (d) => (
        <>
          <a href={`/api/indoor-data/${d.id}/file`} download>
            {d.original_name}
          </a>
          <div className="muted small">
            {d.file_type}
            {d.size_bytes != null ? ` · ${formatBytes(d.size_bytes)}` : ''}
            {d.width && d.height ? ` · ${d.width} × ${d.height}` : ''}
          </div>
        </>
      ),
    },
    {
      header: 'Status',
      cell: (d) => (
        <>
          <span className={`state state-${d.status}`}>{d.status}</span>
          {d.status === 'processing' && d.job_id ? (
            <div>
              <JobProgress jobId={d.job_id} label={`Parsing of ${d.original_name}`} />
            </div>
          ) : null}
          {d.error ? <div className="error small">{d.error}</div> : null}
        </>
      ),
    },
    { header: 'Rows', cell: (d) => d.row_count ?? '—' },
    {
      header: 'Actions',
      cell: (d) => (
        <div className="actions">
          {d.file_type === 'spreadsheet' && d.status === 'ready' ? (
            <button type="button" onClick={() => onBrowse(d)}>
              Browse rows of {d.original_name}
            </button>
          ) : null}
          {manage ? (
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete ${d.original_name} and its rows?`)) remove.mutate(d.id);
              }}
            >
              Delete
            </button>
          ) : null}
        </div>
      ),
    },
  ];
  return (
    <section className="panel" aria-labelledby="indoor-files-h">
      <h2 id="indoor-files-h">Data files</h2>
      <ErrorBox error={remove.error} />
      <PagedTable
        query={files}
        caption="Data files"
        loading="Loading data files"
        empty="No data files yet."
        rowKey={(d) => d.id}
        columns={columns}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
      {manage ? (
        <FileUpload
          title="Upload a data file"
          label="Spreadsheet or image"
          accept=".csv,.tsv,.xlsx,.png,.jpg,.jpeg,.tif,.tiff,.webp"
          url={`/api/indoor-projects/${project.id}/data`}
          then={() => client.invalidateQueries({ queryKey: ['indoor-data', project.id] })}
        />
      ) : null}
    </section>
  );
}

export default function IndoorProjectPage() {
  const id = Number(useParams().id);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [browsing, setBrowsing] = useState<IndoorData | null>(null);
  const project = useQuery({
    queryKey: ['indoor-project', id],
    queryFn: () => call(api.GET('/api/indoor-projects/{id}', { params: { path: { id } } })),
    enabled: Number.isInteger(id) && id > 0,
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/indoor-projects/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['indoor-projects'] });
      navigate('/indoor');
    },
  });
  if (!Number.isInteger(id) || id <= 0)
    return <ErrorBox error={new Error('This is not an indoor project address.')} />;
  if (project.isLoading) return <Loading what="Loading the indoor project" />;
  if (!project.data) return <ErrorBox error={project.error} />;
  const p = project.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/indoor">Indoor projects</Link>
      </p>
      <PageHeader title={p.title}>
        <span className="badge">{roleLabel(p.role)}</span>
        {p.role === 'owner' ? (
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete ${p.title} with its data files?`)) remove.mutate();
            }}
          >
            Delete project
          </button>
        ) : null}
      </PageHeader>
      <ErrorBox error={remove.error} />
      {p.description ? <p>{p.description}</p> : null}
      {p.start_date || p.end_date ? (
        <p className="muted">{[p.start_date, p.end_date].filter(Boolean).join(' – ')}</p>
      ) : null}
      <DataFiles project={p} onBrowse={setBrowsing} />
      {browsing ? <IndoorRows key={browsing.id} data={browsing} /> : null}
    </>
  );
}

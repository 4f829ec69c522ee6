// Indoor projects (`/indoor`, needs the indoor extension): search by title, paged; a new project (title,
// description, dates, optionally in one of your teams).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { useCurrentOrg } from '../../session';
import { FormPanel, useDraft } from '../../ui/FormPanel';
import { PagedTable, useFilters } from '../../ui/PagedTable';
import { SearchForm } from '../../ui/SearchForm';
import { Field, formatDate, PageHeader, roleLabel, Select, TextArea } from '../../ui/ui';

const PAGE_SIZE = 25;

function IndoorForm({ onDone }: { onDone: () => void }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const { org } = useCurrentOrg();
  const teams = useQuery({
    queryKey: ['teams-all', org?.id],
    queryFn: () => call(api.GET('/api/teams', { params: { query: { page_size: 1000 } } })),
    enabled: Boolean(org),
  });
  const { draft: d, bind } = useDraft({ title: '', description: '', start: '', end: '', team: '' });
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/indoor-projects', {
          body: {
            title: d.title.trim(),
            ...(d.description.trim() ? { description: d.description.trim() } : {}),
            ...(d.start ? { start_date: d.start } : {}),
            ...(d.end ? { end_date: d.end } : {}),
            ...(d.team ? { team_id: Number(d.team) } : {}),
          },
        }),
      ),
    onSuccess: async (project) => {
      await client.invalidateQueries({ queryKey: ['indoor-projects'] });
      navigate(`/indoor/${project.id}`);
    },
  });
  return (
    <FormPanel
      title="New indoor project"
      onSubmit={() => create.mutate()}
      error={create.error ?? teams.error}
      pending={create.isPending}
      submitLabel="Create indoor project"
      onCancel={onDone}
    >
      <div className="row">
        <Field label="Title" required maxLength={255} {...bind('title')} />
        <Field label="Start date" type="date" {...bind('start')} />
        <Field label="End date" type="date" {...bind('end')} />
        <Select
          label="Team"
          {...bind('team')}
          options={[
            { value: '', label: 'No team' },
            ...(teams.data?.results ?? []).map((t) => ({ value: String(t.id), label: t.name })),
          ]}
        />
      </div>
      <TextArea label="Description" rows={2} maxLength={10000} {...bind('description')} />
    </FormPanel>
  );
}

export default function IndoorProjects() {
  const { org } = useCurrentOrg();
  const [creating, setCreating] = useState(false);
  const { filters, setFilter, page, setPage } = useFilters({ search: '' });
  const projects = useQuery({
    queryKey: ['indoor-projects', org?.id, filters, page],
    queryFn: () =>
      call(
        api.GET('/api/indoor-projects', {
          params: {
            query: { page, page_size: PAGE_SIZE, ...(filters.search ? { search: filters.search } : {}) },
          },
        }),
      ),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
  });
  return (
    <>
      <PageHeader title="Indoor projects">
        {!creating ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New indoor project
          </button>
        ) : null}
      </PageHeader>
      <p className="muted">
        Greenhouse and lab experiments: spreadsheets of measurements (CSV, TSV, XLSX) and images.
      </p>
      {creating ? <IndoorForm onDone={() => setCreating(false)} /> : null}
      <SearchForm label="Search titles" onSearch={(text) => setFilter({ search: text })} />
      <PagedTable
        query={projects}
        caption="Indoor projects"
        loading="Loading indoor projects"
        empty={filters.search ? `No indoor project matches “${filters.search}”.` : 'No indoor projects yet.'}
        rowKey={(p) => p.id}
        columns={[
          { header: 'Project', cell: (p) => <Link to={`/indoor/${p.id}`}>{p.title}</Link> },
          { header: 'Dates', cell: (p) => [p.start_date, p.end_date].filter(Boolean).join(' – ') || '—' },
          { header: 'Your role', cell: (p) => roleLabel(p.role) },
          { header: 'Created', cell: (p) => formatDate(p.created_at) },
        ]}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
    </>
  );
}

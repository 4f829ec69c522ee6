// Projects of the organization: search, paging (both kept in the URL), create.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { useCurrentOrg } from '../session';
import { SearchForm } from '../ui/SearchForm';
import { Empty, ErrorBox, Field, Loading, PageHeader, Pager, roleLabel, TextArea } from '../ui/ui';

const PAGE_SIZE = 20;

function CreateProject({ onDone }: { onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const client = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: () =>
      call(api.POST('/api/projects', { body: { title, ...(description ? { description } : {}) } })),
    onSuccess: async (project) => {
      await client.invalidateQueries({ queryKey: ['projects'] });
      onDone();
      navigate(`/projects/${project.id}`);
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="panel" onSubmit={onSubmit} aria-label="New project">
      <h2>New project</h2>
      <Field
        label="Title"
        required
        maxLength={200}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
      />
      <TextArea
        label="Description"
        rows={3}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <ErrorBox error={create.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create project
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export default function Projects() {
  const { org } = useCurrentOrg();
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [creating, setCreating] = useState(false);
  const projects = useQuery({
    queryKey: ['projects', org?.id, search, page],
    queryFn: () =>
      call(
        api.GET('/api/projects', {
          params: { query: { page, page_size: PAGE_SIZE, ...(search ? { search } : {}) } },
        }),
      ),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
  });
  const go = (next: { search?: string; page?: number }) => {
    const p = new URLSearchParams();
    const s = next.search ?? search;
    if (s) p.set('search', s);
    if ((next.page ?? 1) > 1) p.set('page', String(next.page));
    setParams(p);
  };
  return (
    <>
      <PageHeader title="Projects">
        {!creating ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New project
          </button>
        ) : null}
      </PageHeader>
      {creating ? <CreateProject onDone={() => setCreating(false)} /> : null}
      <SearchForm
        label="Search projects"
        type="search"
        initial={search}
        onSearch={(text) => go({ search: text, page: 1 })}
      />
      <ErrorBox error={projects.error} />
      {projects.isLoading ? <Loading what="Loading projects" /> : null}
      {projects.data && projects.data.count === 0 ? (
        <Empty>
          {search ? (
            <p>No project matches “{search}”.</p>
          ) : (
            <p>No projects yet. Create the first one to start labeling, reviewing or mapping.</p>
          )}
        </Empty>
      ) : null}
      {projects.data && projects.data.count > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Projects</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Modules</th>
                <th scope="col">Your role</th>
              </tr>
            </thead>
            <tbody>
              {projects.data.results.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/projects/${p.id}`}>{p.title}</Link>
                    {p.description ? <div className="muted small">{p.description}</div> : null}
                  </td>
                  <td>{roleLabel(p.status)}</td>
                  <td>{p.modules.length ? p.modules.map(roleLabel).join(', ') : '—'}</td>
                  <td>{roleLabel(p.role)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {projects.data ? (
        <Pager page={page} pageSize={PAGE_SIZE} count={projects.data.count} onPage={(n) => go({ page: n })} />
      ) : null}
    </>
  );
}

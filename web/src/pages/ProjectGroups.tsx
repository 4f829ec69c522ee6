// Project groups (Databrewery): named collections of the organization's projects. Create, delete, and add or
// take out projects; each person sees only the projects of a group they may read.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, call, type Ok } from '../api/client';
import { useCurrentOrg } from '../session';
import { Empty, ErrorBox, Field, Loading, PageHeader, Pager, Select } from '../ui/ui';

type ProjectGroup = Ok<'/api/project-groups/{id}', 'get'>;
const PAGE_SIZE = 20;

function GroupProjects({ group }: { group: ProjectGroup }) {
  const client = useQueryClient();
  const path = { id: group.id };
  const key = ['project-group-projects', group.id];
  const [pick, setPick] = useState('');
  const projects = useQuery({
    queryKey: key,
    queryFn: () =>
      call(api.GET('/api/project-groups/{id}/projects', { params: { path, query: { page_size: 1000 } } })),
  });
  const all = useQuery({
    queryKey: ['projects', 'for-group-picker'],
    queryFn: () => call(api.GET('/api/projects', { params: { query: { page_size: 100 } } })),
    enabled: group.role === 'owner',
  });
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: key }),
      client.invalidateQueries({ queryKey: ['project-groups'] }),
    ]);
  const add = useMutation({
    mutationFn: (id: number) =>
      call(api.POST('/api/project-groups/{id}/projects', { params: { path }, body: { project_ids: [id] } })),
    onSuccess: () => {
      setPick('');
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (project_id: number) =>
      call(
        api.DELETE('/api/project-groups/{id}/projects/{project_id}', {
          params: { path: { ...path, project_id } },
        }),
      ),
    onSuccess: refresh,
  });
  const inGroup = new Set(projects.data?.results.map((p) => p.id));
  const candidates = (all.data?.results ?? []).filter((p) => !inGroup.has(p.id));
  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    if (pick) add.mutate(Number(pick));
  };
  return (
    <div className="panel">
      <ErrorBox error={projects.error ?? add.error ?? remove.error} />
      {projects.isLoading ? <Loading what="Loading projects" /> : null}
      {projects.data?.count === 0 ? <Empty>No projects in this group that you can see.</Empty> : null}
      {projects.data?.count ? (
        <ul aria-label={`Projects in ${group.title}`}>
          {projects.data.results.map((p) => (
            <li key={p.id} className="row">
              <Link to={`/projects/${p.id}`}>{p.title}</Link>
              {group.role === 'owner' ? (
                <button
                  type="button"
                  aria-label={`Take ${p.title} out of ${group.title}`}
                  onClick={() => remove.mutate(p.id)}
                >
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {group.role === 'owner' && candidates.length ? (
        <form className="toolbar" onSubmit={onAdd} aria-label={`Add a project to ${group.title}`}>
          <Select
            label={`Project to add to ${group.title}`}
            value={pick}
            onChange={(e) => setPick(e.target.value)}
            options={[
              { value: '', label: 'Choose a project' },
              ...candidates.map((p) => ({ value: p.id, label: p.title })),
            ]}
          />
          <button type="submit" disabled={!pick || add.isPending}>
            Add project
          </button>
        </form>
      ) : null}
    </div>
  );
}

function GroupCard({ group }: { group: ProjectGroup }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const del = useMutation({
    mutationFn: () => call(api.DELETE('/api/project-groups/{id}', { params: { path: { id: group.id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['project-groups'] }),
  });
  return (
    <li className="card">
      <div className="card-head">
        <div>
          <h2>{group.title}</h2>
          <p className="muted small">
            {group.project_count} {group.project_count === 1 ? 'project' : 'projects'}
            {group.role === 'owner' ? ' · you own it' : ''}
          </p>
          {group.description ? <p>{group.description}</p> : null}
        </div>
        <div className="actions">
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide projects' : 'Projects'}
          </button>
          {group.role === 'owner' ? (
            <button
              type="button"
              className="danger"
              aria-label={`Delete project group ${group.title}`}
              onClick={() => {
                if (window.confirm(`Delete the project group “${group.title}”? Its projects stay.`))
                  del.mutate();
              }}
            >
              Delete
            </button>
          ) : null}
        </div>
      </div>
      <ErrorBox error={del.error} />
      {open ? <GroupProjects group={group} /> : null}
    </li>
  );
}

export default function ProjectGroups() {
  const { org } = useCurrentOrg();
  const client = useQueryClient();
  const [page, setPage] = useState(1);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const groups = useQuery({
    queryKey: ['project-groups', org?.id, page],
    queryFn: () =>
      call(api.GET('/api/project-groups', { params: { query: { page, page_size: PAGE_SIZE } } })),
    enabled: Boolean(org),
  });
  const create = useMutation({
    mutationFn: () =>
      call(api.POST('/api/project-groups', { body: { title, ...(description ? { description } : {}) } })),
    onSuccess: () => {
      setTitle('');
      setDescription('');
      return client.invalidateQueries({ queryKey: ['project-groups'] });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <PageHeader title="Project groups" />
      <p className="muted">
        Collections of projects; a project can be in several. A group gives nobody access to its projects.
      </p>
      <form className="panel toolbar" onSubmit={onSubmit} aria-label="Create a project group">
        <Field
          label="Group title"
          required
          maxLength={255}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create group
        </button>
        <ErrorBox error={create.error} />
      </form>
      <ErrorBox error={groups.error} />
      {groups.isLoading ? <Loading what="Loading project groups" /> : null}
      {groups.data?.count === 0 ? <Empty>No project groups yet.</Empty> : null}
      {groups.data?.count ? (
        <ul className="cards">
          {groups.data.results.map((g) => (
            <GroupCard key={g.id} group={g} />
          ))}
        </ul>
      ) : null}
      {groups.data ? (
        <Pager page={page} pageSize={PAGE_SIZE} count={groups.data.count} onPage={setPage} />
      ) : null}
    </>
  );
}

// One project: settings (title, description, status), modules, members and their roles, teams with a role.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call, type Ok } from '../api/client';
import { personName, useOrgMembers } from '../hooks';
import { Empty, ErrorBox, Field, Loading, PageHeader, Pager, roleLabel, Select, TextArea } from '../ui/ui';
import { ProjectTeams } from './ProjectTeams';

type ProjectT = Ok<'/api/projects/{id}', 'get'>;
const MODULES = ['annotation', 'photos', 'geodata', 'rooms'] as const;
const ROLES = ['owner', 'manager', 'annotator', 'reviewer', 'viewer'] as const;
type Role = (typeof ROLES)[number];
const roleOptions = ROLES.map((r) => ({ value: r, label: roleLabel(r) }));
const canWrite = (role: Role) => role === 'owner' || role === 'manager';

function Settings({ project }: { project: ProjectT }) {
  const [title, setTitle] = useState(project.title);
  const [description, setDescription] = useState(project.description ?? '');
  const [status, setStatus] = useState(project.status);
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/projects/{id}', {
          params: { path: { id: project.id } },
          body: { title, description: description || null, status },
        }),
      ),
    onSuccess: (updated) => {
      client.setQueryData(['project', project.id], updated);
      return client.invalidateQueries({ queryKey: ['projects'] });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const readOnly = !canWrite(project.role);
  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="settings-h">
      <h2 id="settings-h">Settings</h2>
      <Field
        label="Title"
        required
        maxLength={200}
        readOnly={readOnly}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
      />
      <TextArea
        label="Description"
        rows={3}
        readOnly={readOnly}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <Select
        label="Status"
        disabled={readOnly}
        value={status}
        onChange={(e) => setStatus(e.target.value as ProjectT['status'])}
        options={['active', 'completed', 'archived'].map((s) => ({ value: s, label: roleLabel(s) }))}
      />
      <ErrorBox error={save.error} />
      {save.isSuccess && !save.isPending ? (
        <p className="notice" role="status">
          Saved.
        </p>
      ) : null}
      {!readOnly ? (
        <button type="submit" className="primary" disabled={save.isPending}>
          Save settings
        </button>
      ) : null}
    </form>
  );
}

function Modules({ project }: { project: ProjectT }) {
  const client = useQueryClient();
  const [enabled, setEnabled] = useState<string[]>(project.modules);
  const save = useMutation({
    mutationFn: (next: string[]) =>
      call(
        api.PUT('/api/projects/{id}/modules', {
          params: { path: { id: project.id } },
          body: { enabled: next as (typeof MODULES)[number][] },
        }),
      ),
    onSuccess: (result) => {
      setEnabled(result.modules.filter((m) => m.enabled).map((m) => m.name));
      return client.invalidateQueries({ queryKey: ['project', project.id] });
    },
  });
  const toggle = (name: string, on: boolean) => {
    const next = on ? [...enabled, name] : enabled.filter((m) => m !== name);
    setEnabled(next);
    save.mutate(next);
  };
  return (
    <section className="panel" aria-labelledby="modules-h">
      <h2 id="modules-h">Modules</h2>
      <fieldset disabled={!canWrite(project.role) || save.isPending}>
        <legend className="visually-hidden">Enabled modules</legend>
        {MODULES.map((m) => (
          <label key={m} className="check">
            <input
              type="checkbox"
              checked={enabled.includes(m)}
              onChange={(e) => toggle(m, e.target.checked)}
            />{' '}
            {roleLabel(m)}
          </label>
        ))}
      </fieldset>
      <ErrorBox error={save.error} />
    </section>
  );
}

function AddMember({ projectId, present }: { projectId: number; present: Set<number> }) {
  const members = useOrgMembers();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const client = useQueryClient();
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/projects/{id}/members', {
          params: { path: { id: projectId } },
          body: { user_id: Number(userId), role },
        }),
      ),
    onSuccess: () => {
      setUserId('');
      return client.invalidateQueries({ queryKey: ['project-members', projectId] });
    },
  });
  const candidates = (members.data?.results ?? []).filter((m) => !present.has(m.user.id));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (userId) add.mutate();
  };
  return (
    <form className="toolbar" onSubmit={onSubmit} aria-label="Add a member">
      <Select
        label="Person"
        value={userId}
        onChange={(e) => setUserId(e.target.value)}
        options={[
          {
            value: '',
            label: candidates.length ? 'Choose a member of the organization' : 'Everyone is already a member',
          },
          ...candidates.map((m) => ({ value: m.user.id, label: `${personName(m.user)} — ${m.user.email}` })),
        ]}
      />
      <Select
        label="Role"
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
        options={roleOptions}
      />
      <button type="submit" disabled={!userId || add.isPending}>
        Add member
      </button>
      <ErrorBox error={add.error ?? members.error} />
    </form>
  );
}

function Members({ project }: { project: ProjectT }) {
  const [page, setPage] = useState(1);
  const client = useQueryClient();
  const members = useQuery({
    queryKey: ['project-members', project.id, page],
    queryFn: () =>
      call(
        api.GET('/api/projects/{id}/members', {
          params: { path: { id: project.id }, query: { page, page_size: 50 } },
        }),
      ),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['project-members', project.id] });
  const change = useMutation({
    mutationFn: ({ userId, role }: { userId: number; role: Role }) =>
      call(
        api.PATCH('/api/projects/{id}/members/{user_id}', {
          params: { path: { id: project.id, user_id: userId } },
          body: { role },
        }),
      ),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: number) =>
      call(
        api.DELETE('/api/projects/{id}/members/{user_id}', {
          params: { path: { id: project.id, user_id: userId } },
        }),
      ),
    onSettled: refresh,
  });
  const manage = project.role === 'owner';
  const present = new Set((members.data?.results ?? []).map((m) => m.user.id));
  return (
    <section className="panel" aria-labelledby="members-h">
      <h2 id="members-h">Members</h2>
      {manage ? <AddMember projectId={project.id} present={present} /> : null}
      <ErrorBox error={members.error ?? change.error ?? remove.error} />
      {members.isLoading ? <Loading what="Loading members" /> : null}
      {members.data?.count === 0 ? <Empty>No members.</Empty> : null}
      {members.data?.count ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Project members</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                {manage ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {members.data.results.map((m) => (
                <tr key={m.user.id}>
                  <td>{personName(m.user)}</td>
                  <td>{m.user.email}</td>
                  <td>
                    {manage ? (
                      <Select
                        label={`Role of ${m.user.username}`}
                        hideLabel
                        value={m.role}
                        disabled={change.isPending}
                        onChange={(e) => change.mutate({ userId: m.user.id, role: e.target.value as Role })}
                        options={roleOptions}
                      />
                    ) : (
                      roleLabel(m.role)
                    )}
                  </td>
                  {manage ? (
                    <td>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Remove ${m.user.username}`}
                        disabled={remove.isPending}
                        onClick={() => remove.mutate(m.user.id)}
                      >
                        Remove
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {members.data ? <Pager page={page} pageSize={50} count={members.data.count} onPage={setPage} /> : null}
    </section>
  );
}

function DeleteProject({ project }: { project: ProjectT }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const del = useMutation({
    mutationFn: () => call(api.DELETE('/api/projects/{id}', { params: { path: { id: project.id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['projects'] });
      navigate('/projects');
    },
  });
  return (
    <section className="panel" aria-labelledby="danger-h">
      <h2 id="danger-h">Delete project</h2>
      <p className="muted">Deleting removes the project and everything in it.</p>
      <ErrorBox error={del.error} />
      <button
        type="button"
        className="danger"
        disabled={del.isPending}
        onClick={() => {
          if (window.confirm(`Delete “${project.title}”? This cannot be undone.`)) del.mutate();
        }}
      >
        Delete project
      </button>
    </section>
  );
}

export default function Project() {
  const id = Number(useParams().id);
  const project = useQuery({
    queryKey: ['project', id],
    queryFn: () => call(api.GET('/api/projects/{id}', { params: { path: { id } } })),
    enabled: Number.isInteger(id) && id > 0,
  });
  if (!Number.isInteger(id) || id <= 0)
    return <ErrorBox error={new Error('This is not a project address.')} />;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/projects">Projects</Link>
      </p>
      {project.isLoading ? <Loading what="Loading the project" /> : null}
      <ErrorBox error={project.error} />
      {project.data ? (
        <>
          <PageHeader title={project.data.title}>
            <span className="badge">{roleLabel(project.data.role)}</span>
            {project.data.modules.includes('photos') ? (
              <Link className="button-link" to={`/projects/${project.data.id}/photos`}>
                Photos
              </Link>
            ) : null}
            {project.data.modules.includes('geodata') ? (
              <>
                <Link className="button-link" to={`/projects/${project.data.id}/geodata`}>
                  Geodata
                </Link>
                <Link className="button-link" to={`/projects/${project.data.id}/map`}>
                  Map
                </Link>
              </>
            ) : null}
            <Link className="button-link" to={`/projects/${project.data.id}/labeling`}>
              Labeling
            </Link>
            <Link className="button-link" to={`/projects/${project.data.id}/ml`}>
              ML backends
            </Link>
            <Link className="button-link" to={`/projects/${project.data.id}/storages`}>
              Cloud storage
            </Link>
          </PageHeader>
          <div className="grid-2">
            <Settings key={project.data.id} project={project.data} />
            <Modules project={project.data} />
          </div>
          <Members project={project.data} />
          <ProjectTeams projectId={project.data.id} manage={canWrite(project.data.role)} />
          {project.data.role === 'owner' ? <DeleteProject project={project.data} /> : null}
        </>
      ) : null}
    </>
  );
}

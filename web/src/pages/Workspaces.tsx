// Workspaces (Label Studio): folders of projects with their own members (Manager/Member).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call, type Ok } from '../api/client';
import { useCurrentOrg } from '../session';
import { GroupMembers } from '../ui/GroupMembers';
import { Empty, ErrorBox, Field, Loading, PageHeader, Pager } from '../ui/ui';

type Workspace = Ok<'/api/workspaces/{id}', 'get'>;
type WsRole = 'manager' | 'member';
const PAGE_SIZE = 20;

function WorkspaceCard({ ws, admin }: { ws: Workspace; admin: boolean }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const del = useMutation({
    mutationFn: () => call(api.DELETE('/api/workspaces/{id}', { params: { path: { id: ws.id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['workspaces'] }),
  });
  const path = { id: ws.id };
  const manage = admin || ws.role === 'manager';
  return (
    <li className="card">
      <div className="card-head">
        <div>
          <h2>
            {ws.color ? (
              <span className="swatch" style={{ background: ws.color }} aria-hidden="true" />
            ) : null}
            {ws.title}
          </h2>
          <p className="muted small">
            {ws.project_count} {ws.project_count === 1 ? 'project' : 'projects'}
            {ws.is_personal ? ' · personal' : ''}
            {ws.is_public ? ' · open to the organization' : ''}
          </p>
          {ws.description ? <p>{ws.description}</p> : null}
        </div>
        <div className="actions">
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide members' : 'Members'}
          </button>
          {manage ? (
            <button
              type="button"
              className="danger"
              aria-label={`Delete workspace ${ws.title}`}
              onClick={() => {
                if (window.confirm(`Delete the workspace “${ws.title}”?`)) del.mutate();
              }}
            >
              Delete
            </button>
          ) : null}
        </div>
      </div>
      <ErrorBox error={del.error} />
      {open ? (
        <GroupMembers
          name={ws.title}
          canManage={manage}
          group={{
            key: ['workspace-members', ws.id],
            roles: ['manager', 'member'],
            list: () =>
              call(api.GET('/api/workspaces/{id}/members', { params: { path, query: { page_size: 1000 } } })),
            add: (user_id, role) =>
              call(
                api.POST('/api/workspaces/{id}/members', {
                  params: { path },
                  body: { user_id, role: role as WsRole },
                }),
              ),
            setRole: (user_id, role) =>
              call(
                api.PATCH('/api/workspaces/{id}/members/{user_id}', {
                  params: { path: { ...path, user_id } },
                  body: { role: role as WsRole },
                }),
              ),
            remove: (user_id) =>
              call(
                api.DELETE('/api/workspaces/{id}/members/{user_id}', {
                  params: { path: { ...path, user_id } },
                }),
              ),
          }}
        />
      ) : null}
    </li>
  );
}

export default function Workspaces() {
  const { org } = useCurrentOrg();
  const client = useQueryClient();
  const [page, setPage] = useState(1);
  const [title, setTitle] = useState('');
  const workspaces = useQuery({
    queryKey: ['workspaces', org?.id, page],
    queryFn: () => call(api.GET('/api/workspaces', { params: { query: { page, page_size: PAGE_SIZE } } })),
    enabled: Boolean(org),
  });
  const create = useMutation({
    mutationFn: () => call(api.POST('/api/workspaces', { body: { title } })),
    onSuccess: () => {
      setTitle('');
      return client.invalidateQueries({ queryKey: ['workspaces'] });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const admin = org?.role === 'owner' || org?.role === 'admin';
  return (
    <>
      <PageHeader title="Workspaces" />
      <form className="panel toolbar" onSubmit={onSubmit} aria-label="Create a workspace">
        <Field
          label="Workspace title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create workspace
        </button>
        <ErrorBox error={create.error} />
      </form>
      <ErrorBox error={workspaces.error} />
      {workspaces.isLoading ? <Loading what="Loading workspaces" /> : null}
      {workspaces.data?.count === 0 ? <Empty>No workspaces yet.</Empty> : null}
      {workspaces.data?.count ? (
        <ul className="cards">
          {workspaces.data.results.map((w) => (
            <WorkspaceCard key={w.id} ws={w} admin={admin} />
          ))}
        </ul>
      ) : null}
      {workspaces.data ? (
        <Pager page={page} pageSize={PAGE_SIZE} count={workspaces.data.count} onPage={setPage} />
      ) : null}
    </>
  );
}

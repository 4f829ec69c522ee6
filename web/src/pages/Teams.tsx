// Teams of the organization (D2S): create, rename, delete, members with Owner/Manager/Viewer.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call, type Ok } from '../api/client';
import { useCurrentOrg } from '../session';
import { GroupMembers } from '../ui/GroupMembers';
import { Empty, ErrorBox, Field, Loading, PageHeader, Pager, roleLabel } from '../ui/ui';

type Team = Ok<'/api/teams/{id}', 'get'>;
type TeamRole = 'owner' | 'manager' | 'viewer';
const PAGE_SIZE = 20;

function TeamCard({ team }: { team: Team }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const del = useMutation({
    mutationFn: () => call(api.DELETE('/api/teams/{id}', { params: { path: { id: team.id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['teams'] }),
  });
  const path = { id: team.id };
  return (
    <li className="card">
      <div className="card-head">
        <div>
          <h2>{team.name}</h2>
          <p className="muted small">
            {team.member_count} {team.member_count === 1 ? 'member' : 'members'} · you are{' '}
            {roleLabel(team.role)}
          </p>
          {team.description ? <p>{team.description}</p> : null}
        </div>
        <div className="actions">
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide members' : 'Members'}
          </button>
          {team.role === 'owner' ? (
            <button
              type="button"
              className="danger"
              aria-label={`Delete team ${team.name}`}
              onClick={() => {
                if (window.confirm(`Delete the team “${team.name}”?`)) del.mutate();
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
          name={team.name}
          canManage={team.role !== 'viewer'}
          group={{
            key: ['team-members', team.id],
            roles: ['owner', 'manager', 'viewer'],
            list: () =>
              call(api.GET('/api/teams/{id}/members', { params: { path, query: { page_size: 1000 } } })),
            add: (user_id, role) =>
              call(
                api.POST('/api/teams/{id}/members', {
                  params: { path },
                  body: { user_id, role: role as TeamRole },
                }),
              ),
            setRole: (user_id, role) =>
              call(
                api.PATCH('/api/teams/{id}/members/{user_id}', {
                  params: { path: { ...path, user_id } },
                  body: { role: role as TeamRole },
                }),
              ),
            remove: (user_id) =>
              call(
                api.DELETE('/api/teams/{id}/members/{user_id}', { params: { path: { ...path, user_id } } }),
              ),
          }}
        />
      ) : null}
    </li>
  );
}

export default function Teams() {
  const { org } = useCurrentOrg();
  const client = useQueryClient();
  const [page, setPage] = useState(1);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const teams = useQuery({
    queryKey: ['teams', org?.id, page],
    queryFn: () => call(api.GET('/api/teams', { params: { query: { page, page_size: PAGE_SIZE } } })),
    enabled: Boolean(org),
  });
  const create = useMutation({
    mutationFn: () =>
      call(api.POST('/api/teams', { body: { name, ...(description ? { description } : {}) } })),
    onSuccess: () => {
      setName('');
      setDescription('');
      return client.invalidateQueries({ queryKey: ['teams'] });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <PageHeader title="Teams" />
      <p className="muted">A team attached to a project gives each of its members the team role there.</p>
      <form className="panel toolbar" onSubmit={onSubmit} aria-label="Create a team">
        <Field
          label="Team name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create team
        </button>
        <ErrorBox error={create.error} />
      </form>
      <ErrorBox error={teams.error} />
      {teams.isLoading ? <Loading what="Loading teams" /> : null}
      {teams.data?.count === 0 ? <Empty>No teams yet.</Empty> : null}
      {teams.data?.count ? (
        <ul className="cards">
          {teams.data.results.map((t) => (
            <TeamCard key={t.id} team={t} />
          ))}
        </ul>
      ) : null}
      {teams.data ? (
        <Pager page={page} pageSize={PAGE_SIZE} count={teams.data.count} onPage={setPage} />
      ) : null}
    </>
  );
}

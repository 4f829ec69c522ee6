// The teams (user groups) given a role on a project: every member of such a team holds the role there. Owners
// and managers give, change and take away roles; only owners touch the owner role (the API says so with 403).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import { Empty, ErrorBox, Loading, roleLabel, Select } from '../ui/ui';

const ROLES = ['owner', 'manager', 'annotator', 'reviewer', 'viewer'] as const;
type Role = (typeof ROLES)[number];
const roleOptions = ROLES.map((r) => ({ value: r, label: roleLabel(r) }));

export function ProjectTeams({ projectId, manage }: { projectId: number; manage: boolean }) {
  const client = useQueryClient();
  const key = ['project-teams', projectId];
  const path = { id: projectId };
  const [teamId, setTeamId] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const grants = useQuery({
    queryKey: key,
    queryFn: () =>
      call(api.GET('/api/projects/{id}/groups', { params: { path, query: { page_size: 1000 } } })),
  });
  const teams = useQuery({
    queryKey: ['teams', 'for-project-grants'],
    queryFn: () => call(api.GET('/api/teams', { params: { query: { page_size: 1000 } } })),
    enabled: manage,
  });
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: key }),
      client.invalidateQueries({ queryKey: ['project', projectId] }),
    ]);
  const give = useMutation({
    mutationFn: ({ team, role }: { team: number; role: Role }) =>
      call(
        api.PUT('/api/projects/{id}/groups/{team_id}', {
          params: { path: { ...path, team_id: team } },
          body: { role },
        }),
      ),
    onSuccess: () => setTeamId(''),
    onSettled: refresh,
  });
  const take = useMutation({
    mutationFn: (team: number) =>
      call(
        api.DELETE('/api/projects/{id}/groups/{team_id}', { params: { path: { ...path, team_id: team } } }),
      ),
    onSettled: refresh,
  });
  const present = new Set((grants.data?.results ?? []).map((g) => g.team.id));
  const candidates = (teams.data?.results ?? []).filter((t) => !present.has(t.id));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (teamId) give.mutate({ team: Number(teamId), role });
  };
  return (
    <section className="panel" aria-labelledby="project-teams-h">
      <h2 id="project-teams-h">Teams with a role</h2>
      <p className="muted small">Every member of these teams holds the role on this project.</p>
      {manage ? (
        <form className="toolbar" onSubmit={onSubmit} aria-label="Give a team a role">
          <Select
            label="Team"
            value={teamId}
            onChange={(e) => setTeamId(e.target.value)}
            options={[
              { value: '', label: candidates.length ? 'Choose a team' : 'No other team' },
              ...candidates.map((t) => ({ value: t.id, label: t.name })),
            ]}
          />
          <Select
            label="Team role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            options={roleOptions}
          />
          <button type="submit" disabled={!teamId || give.isPending}>
            Give role
          </button>
        </form>
      ) : null}
      <ErrorBox error={grants.error ?? give.error ?? take.error ?? teams.error} />
      {grants.isLoading ? <Loading what="Loading teams" /> : null}
      {grants.data?.count === 0 ? <Empty>No team has a role on this project.</Empty> : null}
      {grants.data?.count ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Teams with a role on the project</caption>
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Role</th>
                {manage ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {grants.data.results.map((g) => (
                <tr key={g.team.id}>
                  <td>{g.team.name}</td>
                  <td>
                    {manage ? (
                      <Select
                        label={`Role of team ${g.team.name}`}
                        hideLabel
                        value={g.role}
                        disabled={give.isPending}
                        onChange={(e) => give.mutate({ team: g.team.id, role: e.target.value as Role })}
                        options={roleOptions}
                      />
                    ) : (
                      roleLabel(g.role)
                    )}
                  </td>
                  {manage ? (
                    <td>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Take the role of team ${g.team.name} away`}
                        disabled={take.isPending}
                        onClick={() => take.mutate(g.team.id)}
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
    </section>
  );
}

// Extensions (`/extensions`): the feature switches you have (from your own or a team's grant) and the
// catalogue; owners and admins grant an extension to a member or a team, switch a grant off and remove it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { personName, useOrgMembers } from '../../hooks';
import { useCurrentOrg } from '../../session';
import { FormPanel, useDraft } from '../../ui/FormPanel';
import { Table } from '../../ui/PagedTable';
import { Empty, ErrorBox, formatDate, Loading, PageHeader, Select } from '../../ui/ui';

function Grants() {
  const client = useQueryClient();
  const { org } = useCurrentOrg();
  const catalogue = useQuery({ queryKey: ['extensions'], queryFn: () => call(api.GET('/api/extensions')) });
  const grants = useQuery({
    queryKey: ['extension-grants', org?.id],
    queryFn: () => call(api.GET('/api/extensions/grants')),
  });
  const members = useOrgMembers();
  const teams = useQuery({
    queryKey: ['teams-all', org?.id],
    queryFn: () => call(api.GET('/api/teams', { params: { query: { page_size: 1000 } } })),
    enabled: Boolean(org),
  });
  const { draft: d, set } = useDraft({ extension: '', grantee: '' });
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['extension-grants'] }),
      client.invalidateQueries({ queryKey: ['extensions-me'] }),
    ]);
  const grant = useMutation({
    mutationFn: ({ ext, grantee, on }: { ext: number; grantee: string; on: boolean }) => {
      const [kind, raw] = grantee.split(':');
      const who = Number(raw);
      return kind === 'team'
        ? call(
            api.PUT('/api/extensions/{id}/teams/{team_id}', {
              params: { path: { id: ext, team_id: who } },
              body: { is_active: on },
            }),
          )
        : call(
            api.PUT('/api/extensions/{id}/users/{user_id}', {
              params: { path: { id: ext, user_id: who } },
              body: { is_active: on },
            }),
          );
    },
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: ({ ext, team, user }: { ext: number; team: number | null; user: number | null }) =>
      team
        ? call(
            api.DELETE('/api/extensions/{id}/teams/{team_id}', {
              params: { path: { id: ext, team_id: team } },
            }),
          )
        : call(
            api.DELETE('/api/extensions/{id}/users/{user_id}', {
              params: { path: { id: ext, user_id: user ?? 0 } },
            }),
          ),
    onSettled: refresh,
  });
  const extensions = catalogue.data ?? [];
  const people = new Map((members.data?.results ?? []).map((m) => [m.user.id, personName(m.user)]));
  const teamNames = new Map((teams.data?.results ?? []).map((t) => [t.id, t.name]));
  const extension = d.extension || String(extensions[0]?.id ?? '');
  const grantees = [
    ...(members.data?.results ?? []).map((m) => ({ value: `user:${m.user.id}`, label: personName(m.user) })),
    ...(teams.data?.results ?? []).map((t) => ({ value: `team:${t.id}`, label: `Team ${t.name}` })),
  ];
  const grantee = d.grantee || grantees[0]?.value || '';
  return (
    <section className="panel" aria-labelledby="grants-h">
      <h2 id="grants-h">Grants</h2>
      <FormPanel
        label="Grant an extension"
        onSubmit={() => grant.mutate({ ext: Number(extension), grantee, on: true })}
        error={grant.error ?? catalogue.error ?? members.error ?? teams.error}
        pending={grant.isPending}
        submitLabel="Grant"
      >
        <div className="row">
          <Select
            label="Extension"
            value={extension}
            onChange={(e) => set('extension', e.target.value)}
            options={extensions.map((x) => ({ value: String(x.id), label: x.name }))}
          />
          <Select
            label="To"
            value={grantee}
            onChange={(e) => set('grantee', e.target.value)}
            options={grantees}
          />
        </div>
      </FormPanel>
      <ErrorBox error={grants.error ?? revoke.error} />
      {grants.isLoading ? <Loading what="Loading grants" /> : null}
      {grants.data?.length === 0 ? <Empty>No grants yet.</Empty> : null}
      {grants.data?.length ? (
        <Table
          caption="Extension grants"
          rows={grants.data}
          rowKey={(g) => `${g.extension_id}-${g.team_id}-${g.user_id}`}
          columns={[
            { header: 'Extension', cell: (g) => g.extension },
            {
              header: 'To',
              cell: (g) =>
                g.team_id
                  ? `Team ${teamNames.get(g.team_id) ?? `#${g.team_id}`}`
                  : (people.get(g.user_id ?? 0) ?? `user #${g.user_id}`),
            },
            {
              header: 'On',
              cell: (g) => (
                <input
                  type="checkbox"
                  aria-label={`${g.extension} switched on`}
                  checked={g.is_active}
                  onChange={(e) =>
                    grant.mutate({
                      ext: g.extension_id,
                      grantee: g.team_id ? `team:${g.team_id}` : `user:${g.user_id}`,
                      on: e.target.checked,
                    })
                  }
                />
              ),
            },
            { header: 'Changed', cell: (g) => formatDate(g.updated_at) },
            {
              header: 'Actions',
              cell: (g) => (
                <button
                  type="button"
                  className="danger"
                  onClick={() => revoke.mutate({ ext: g.extension_id, team: g.team_id, user: g.user_id })}
                >
                  Remove
                </button>
              ),
            },
          ]}
        />
      ) : null}
    </section>
  );
}

export default function Extensions() {
  const { org } = useCurrentOrg();
  const admin = org?.role === 'owner' || org?.role === 'admin';
  const mine = useQuery({ queryKey: ['extensions-me'], queryFn: () => call(api.GET('/api/extensions/me')) });
  return (
    <>
      <PageHeader title="Extensions" />
      <section className="panel" aria-labelledby="mine-h">
        <h2 id="mine-h">Yours</h2>
        <ErrorBox error={mine.error} />
        {mine.isLoading ? <Loading what="Loading your extensions" /> : null}
        {mine.data?.length === 0 ? <Empty>You have no extensions: ask an owner or admin.</Empty> : null}
        {mine.data?.length ? (
          <ul className="member-list">
            {mine.data.map((x) => (
              <li key={x.id}>
                <span>
                  <strong>{x.name}</strong> <span className="muted small">· {x.description}</span>
                </span>
                <span className="badge">{x.via === 'team' ? 'via a team' : 'yours'}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {admin ? <Grants /> : null}
    </>
  );
}

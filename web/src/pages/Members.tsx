// People of the organization: roles, removal, invitations (send, list pending, revoke).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import { personName } from '../hooks';
import { useCurrentOrg, useMe } from '../session';
import { Empty, ErrorBox, Field, formatDate, Loading, PageHeader, Pager, roleLabel, Select } from '../ui/ui';

type OrgRole = 'owner' | 'admin' | 'member';
const ROLES: OrgRole[] = ['owner', 'admin', 'member'];
const roleOptions = ROLES.map((r) => ({ value: r, label: roleLabel(r) }));
const PAGE_SIZE = 50;

function Invitations({ orgId }: { orgId: number }) {
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('member');
  const key = ['invitations', orgId];
  const pending = useQuery({
    queryKey: key,
    queryFn: () =>
      call(
        api.GET('/api/organizations/{id}/invitations', {
          params: { path: { id: orgId }, query: { page_size: 200 } },
        }),
      ),
  });
  const invite = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/organizations/{id}/invitations', {
          params: { path: { id: orgId } },
          body: { email, role },
        }),
      ),
    onSuccess: () => {
      setEmail('');
      return client.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (invitationId: number) =>
      call(
        api.DELETE('/api/organizations/{id}/invitations/{invitation_id}', {
          params: { path: { id: orgId, invitation_id: invitationId } },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  return (
    <section className="panel" aria-labelledby="inv-h">
      <h2 id="inv-h">Invitations</h2>
      <form className="toolbar" onSubmit={onSubmit} aria-label="Invite someone">
        <Field
          label="Email to invite"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Select
          label="Role"
          value={role}
          onChange={(e) => setRole(e.target.value as OrgRole)}
          options={roleOptions}
        />
        <button type="submit" className="primary" disabled={invite.isPending}>
          Send invitation
        </button>
      </form>
      <ErrorBox error={invite.error ?? pending.error ?? revoke.error} />
      {invite.isSuccess ? (
        <p className="notice" role="status">
          Invitation sent to {invite.data.email}; the link works for 7 days.
        </p>
      ) : null}
      {pending.isLoading ? <Loading what="Loading invitations" /> : null}
      {pending.data?.count === 0 ? <Empty>No pending invitations.</Empty> : null}
      {pending.data?.count ? (
        <ul className="member-list">
          {pending.data.results.map((i) => (
            <li key={i.id}>
              <span>{i.email}</span>
              <span className="badge">{roleLabel(i.role)}</span>
              <span className="muted small">expires {formatDate(i.expires_at)}</span>
              <button
                type="button"
                className="danger small"
                aria-label={`Revoke the invitation of ${i.email}`}
                onClick={() => revoke.mutate(i.id)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export default function Members() {
  const { org } = useCurrentOrg();
  const me = useMe();
  const client = useQueryClient();
  const [page, setPage] = useState(1);
  const members = useQuery({
    queryKey: ['org-members-page', org?.id, page],
    queryFn: () =>
      call(
        api.GET('/api/organizations/{id}/memberships', {
          params: { path: { id: org!.id }, query: { page, page_size: PAGE_SIZE } },
        }),
      ),
    enabled: Boolean(org),
  });
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['org-members-page'] }),
      client.invalidateQueries({ queryKey: ['org-members'] }),
    ]);
  const change = useMutation({
    mutationFn: ({ userId, role }: { userId: number; role: OrgRole }) =>
      call(
        api.PATCH('/api/organizations/{id}/memberships/{user_id}', {
          params: { path: { id: org!.id, user_id: userId } },
          body: { role },
        }),
      ),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: number) =>
      call(
        api.DELETE('/api/organizations/{id}/memberships/{user_id}', {
          params: { path: { id: org!.id, user_id: userId } },
        }),
      ),
    onSettled: refresh,
  });
  const admin = org?.role === 'owner' || org?.role === 'admin';
  return (
    <>
      <PageHeader title={org ? `Members of ${org.name}` : 'Members'} />
      <ErrorBox error={members.error ?? change.error ?? remove.error} />
      {members.isLoading || !org ? <Loading what="Loading members" /> : null}
      {members.data?.count ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Organization members</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                {admin ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {members.data.results.map((m) => (
                <tr key={m.user.id}>
                  <td>
                    {personName(m.user)}
                    {m.user.id === me.data?.id ? <span className="muted"> (you)</span> : null}
                  </td>
                  <td>{m.user.email}</td>
                  <td>
                    {admin ? (
                      <Select
                        label={`Organization role of ${m.user.username}`}
                        hideLabel
                        value={m.role}
                        disabled={change.isPending}
                        onChange={(e) =>
                          change.mutate({ userId: m.user.id, role: e.target.value as OrgRole })
                        }
                        options={roleOptions}
                      />
                    ) : (
                      roleLabel(m.role)
                    )}
                  </td>
                  <td>{formatDate(m.created_at)}</td>
                  {admin ? (
                    <td>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Remove ${m.user.username} from the organization`}
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(`Remove ${m.user.username} from ${org?.name}?`))
                            remove.mutate(m.user.id);
                        }}
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
      {members.data ? (
        <Pager page={page} pageSize={PAGE_SIZE} count={members.data.count} onPage={setPage} />
      ) : null}
      {org && admin ? <Invitations orgId={org.id} /> : null}
    </>
  );
}

// Members of a team or a workspace: list, add a member of the organization, change role, remove.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { personName, useOrgMembers } from '../hooks';
import { Empty, ErrorBox, Loading, roleLabel, Select } from './ui';

interface Member {
  user: { id: number; username: string; email: string; first_name: string | null; last_name: string | null };
  role: string;
}

export interface GroupMembersApi {
  key: readonly unknown[];
  roles: readonly string[];
  list: () => Promise<{ count: number; results: Member[] }>;
  add: (userId: number, role: string) => Promise<unknown>;
  setRole: (userId: number, role: string) => Promise<unknown>;
  remove: (userId: number) => Promise<unknown>;
}

export function GroupMembers({
  name,
  canManage,
  group,
}: {
  name: string;
  canManage: boolean;
  group: GroupMembersApi;
}) {
  const client = useQueryClient();
  const members = useQuery({ queryKey: group.key, queryFn: group.list });
  const org = useOrgMembers();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState(group.roles[group.roles.length - 1] ?? '');
  const refresh = () => client.invalidateQueries({ queryKey: group.key });
  const add = useMutation({
    mutationFn: () => group.add(Number(userId), role),
    onSuccess: () => {
      setUserId('');
      return refresh();
    },
  });
  const change = useMutation({
    mutationFn: (v: { userId: number; role: string }) => group.setRole(v.userId, v.role),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: (id: number) => group.remove(id), onSettled: refresh });
  const present = new Set((members.data?.results ?? []).map((m) => m.user.id));
  const candidates = (org.data?.results ?? []).filter((m) => !present.has(m.user.id));
  const roleOptions = group.roles.map((r) => ({ value: r, label: roleLabel(r) }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (userId) add.mutate();
  };
  return (
    <div className="group-members">
      <ErrorBox error={members.error ?? change.error ?? remove.error} />
      {members.isLoading ? <Loading what="Loading members" /> : null}
      {members.data?.count === 0 ? <Empty>No members in {name}.</Empty> : null}
      {members.data?.count ? (
        <ul className="member-list">
          {members.data.results.map((m) => (
            <li key={m.user.id}>
              <span>{personName(m.user)}</span>
              {canManage ? (
                <>
                  <Select
                    label={`Role of ${m.user.username} in ${name}`}
                    hideLabel
                    value={m.role}
                    onChange={(e) => change.mutate({ userId: m.user.id, role: e.target.value })}
                    options={roleOptions}
                  />
                  <button
                    type="button"
                    className="danger small"
                    aria-label={`Remove ${m.user.username} from ${name}`}
                    onClick={() => remove.mutate(m.user.id)}
                  >
                    Remove
                  </button>
                </>
              ) : (
                <span className="badge">{roleLabel(m.role)}</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {canManage ? (
        <form className="toolbar" onSubmit={onSubmit} aria-label={`Add a member to ${name}`}>
          <Select
            label="Person"
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            options={[
              { value: '', label: candidates.length ? 'Choose a person' : 'Everyone is already a member' },
              ...candidates.map((m) => ({ value: m.user.id, label: personName(m.user) })),
            ]}
          />
          <Select label="Role" value={role} onChange={(e) => setRole(e.target.value)} options={roleOptions} />
          <button type="submit" disabled={!userId || add.isPending}>
            Add
          </button>
          <ErrorBox error={add.error} />
        </form>
      ) : null}
    </div>
  );
}

// Names for the user ids orders, submissions and contracts carry (the organization's first 1000 members).
import { personName, useOrgMembers } from '../../hooks';

export function usePeople() {
  const members = useOrgMembers();
  const names = new Map((members.data?.results ?? []).map((m) => [m.user.id, personName(m.user)]));
  return (id: number | null | undefined) => (id == null ? '—' : (names.get(id) ?? `user #${id}`));
}

// Queries several screens share.
import { useQuery } from '@tanstack/react-query';
import { api, call } from './api/client';
import { useCurrentOrg } from './session';

/** The organization's members (first 1000), for pickers. */
export function useOrgMembers() {
  const { org } = useCurrentOrg();
  return useQuery({
    queryKey: ['org-members', org?.id],
    queryFn: () =>
      call(
        api.GET('/api/organizations/{id}/memberships', {
          params: { path: { id: org!.id }, query: { page_size: 1000 } },
        }),
      ),
    enabled: Boolean(org),
  });
}

export const personName = (u: {
  username: string;
  first_name?: string | null;
  last_name?: string | null;
}) => {
  const full = [u.first_name, u.last_name].filter(Boolean).join(' ');
  return full ? `${full} (${u.username})` : u.username;
};

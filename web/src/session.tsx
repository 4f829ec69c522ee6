// Who is signed in and in which organization. The server keeps the active organization on the user
// (PATCH /api/users/me), so every request acts in it without an extra header.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, call } from './api/client';

/** Who is signed in (null when no one is); shared by useMe and the router's loader that starts it early. */
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: async () => {
    try {
      return await call(api.GET('/api/users/me'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    }
  },
  staleTime: 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

export function useOrganizations(enabled = true) {
  return useQuery({
    queryKey: ['organizations'],
    queryFn: () => call(api.GET('/api/organizations', { params: { query: { page_size: 200 } } })),
    enabled,
  });
}

/** The organization requests act in, with the user's role there. */
export function useCurrentOrg() {
  const me = useMe();
  const orgs = useOrganizations(Boolean(me.data));
  const id = me.data?.active_organization ?? orgs.data?.results[0]?.id ?? null;
  const org = orgs.data?.results.find((o) => o.id === id) ?? null;
  return { org, orgs: orgs.data?.results ?? [], isLoading: me.isLoading || orgs.isLoading };
}

export function useSwitchOrg() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => call(api.PATCH('/api/users/me', { body: { active_organization: id } })),
    onSuccess: async () => {
      // Everything cached belonged to the previous organization.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'organizations' });
      await client.invalidateQueries();
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST('/api/auth/logout', { body: {} })),
    onSettled: () => {
      client.clear();
      client.setQueryData(['me'], null);
    },
  });
}

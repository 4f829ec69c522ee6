// The ML backend shapes and queries the screen shares (types from the generated OpenAPI schema).
import { useQuery } from '@tanstack/react-query';
import { api, call, type Ok } from '../../api/client';

export type MlBackend = Ok<'/api/ml/{id}', 'get'>;
export type PredictionJob = Ok<'/api/ml/{id}/prediction-jobs/{job_id}', 'get'>;

export const backendsKey = (project: number) => ['ml-backends', project] as const;

export function useBackends(project: number) {
  return useQuery({
    queryKey: backendsKey(project),
    queryFn: () => call(api.GET('/api/ml', { params: { query: { project } } })),
  });
}

/** The fields of the add and edit forms; the password is write-only (blank keeps the stored one). */
export interface BackendDraft {
  url: string;
  title: string;
  timeout: string;
  is_interactive: boolean;
  auto_update: boolean;
  auth_method: 'NONE' | 'BASIC_AUTH';
  basic_auth_user: string;
  basic_auth_pass: string;
}

export const emptyDraft: BackendDraft = {
  url: '',
  title: '',
  timeout: '100',
  is_interactive: false,
  auto_update: true,
  auth_method: 'NONE',
  basic_auth_user: '',
  basic_auth_pass: '',
};

export const draftOf = (b: MlBackend): BackendDraft => ({
  url: b.url,
  title: b.title,
  timeout: String(b.timeout),
  is_interactive: b.is_interactive,
  auto_update: b.auto_update,
  auth_method: b.auth_method === 'BASIC_AUTH' ? 'BASIC_AUTH' : 'NONE',
  basic_auth_user: b.basic_auth_user ?? '',
  basic_auth_pass: '',
});

/** The request body of a draft: a blank password is left out, so the stored one stays. */
export function bodyOf(d: BackendDraft) {
  const basic = d.auth_method === 'BASIC_AUTH';
  return {
    url: d.url.trim(),
    title: d.title.trim(),
    timeout: Number(d.timeout),
    is_interactive: d.is_interactive,
    auto_update: d.auto_update,
    auth_method: d.auth_method,
    basic_auth_user: basic ? d.basic_auth_user : null,
    ...(basic && d.basic_auth_pass ? { basic_auth_pass: d.basic_auth_pass } : {}),
    ...(!basic ? { basic_auth_pass: null } : {}),
  };
}

export const running = (state: string) => state === 'queued' || state === 'running';

// Types and shared queries of the geodata screens (flights, data products, campaigns, indoor projects).
import { useQuery } from '@tanstack/react-query';
import { api, call, type Ok } from '../../api/client';

export type Flight = Ok<'/api/flights/{id}', 'get'>;
export type Product = Ok<'/api/data-products/{id}', 'get'>;
export type Campaign = Ok<'/api/projects/{id}/campaigns', 'get'>['results'][number];
export type IndoorProject = Ok<'/api/indoor-projects/{id}', 'get'>;
export type IndoorData = Ok<'/api/indoor-data/{id}', 'get'>;

export const SENSORS = ['RGB', 'Multispectral', 'LiDAR', 'Thermal', 'Hyperspectral', 'Other'] as const;
export type Sensor = (typeof SENSORS)[number];
export const DATA_TYPES = [
  'ortho',
  'dsm',
  'dtm',
  'chm',
  'ndvi',
  'ndre',
  'exg',
  'vari',
  'gli',
  'point_cloud',
  'other',
] as const;
export type DataType = (typeof DATA_TYPES)[number];
export const PRODUCT_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** "All" and then each value, for a filter's select. */
export const choices = (values: readonly string[], all = 'All') => [
  { value: '', label: all },
  ...values.map((v) => ({ value: v, label: v })),
];

export const flightName = (f: Pick<Flight, 'name' | 'acquisition_date' | 'sensor'>) =>
  f.name ? `${f.name} (${f.acquisition_date})` : `${f.acquisition_date} · ${f.sensor}`;

export const canManage = (role: string) => role === 'owner' || role === 'manager';

/** The project's members (first 1000), e.g. as pilots of a flight. */
export function useProjectMembers(projectId: number) {
  return useQuery({
    queryKey: ['project-members', projectId, 'all'],
    queryFn: () =>
      call(
        api.GET('/api/projects/{id}/members', {
          params: { path: { id: projectId }, query: { page_size: 1000 } },
        }),
      ),
  });
}

/** The project's publishing state (published: its products are public and listed in the STAC catalogue). */
export function useGeoFields(projectId: number) {
  return useQuery({
    queryKey: ['geo-fields', projectId],
    queryFn: () => call(api.GET('/api/projects/{id}/geodata', { params: { path: { id: projectId } } })),
  });
}

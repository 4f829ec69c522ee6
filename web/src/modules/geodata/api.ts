// Types and shared queries of the geodata screens (flights, data products, campaigns, indoor projects).
import { useQuery } from '@tanstack/react-query';
import { api, call, type Ok } from '../../api/client';

export type Flight = Ok<'/api/flights/{id}', 'get'>;
export type Product = Ok<'/api/data-products/{id}', 'get'>;
export type Campaign = Ok<'/api/projects/{id}/campaigns', 'get'>['results'][number];
export type IndoorProject = Ok<'/api/indoor-projects/{id}', 'get'>;
export type IndoorData = Ok<'/api/indoor-data/{id}', 'get'>;

/**
 * Every member of the API's union U, in the order given: a member missing from the list, or one the API does
 * not have, fails the typecheck (the lists are the server's enums, which the browser needs at run time).
 */
const everyOf =
  <U extends string>() =>
  <const T extends readonly U[]>(values: T & ([U] extends [T[number]] ? unknown : never)): T =>
    values;

export type Sensor = Flight['sensor'];
export type DataType = Product['data_type'];
export type ProductStatus = Product['status'];
export const SENSORS = everyOf<Sensor>()([
  'RGB',
  'Multispectral',
  'LiDAR',
  'Thermal',
  'Hyperspectral',
  'Other',
]);
export const DATA_TYPES = everyOf<DataType>()([
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
]);
export const PRODUCT_STATUSES = everyOf<ProductStatus>()(['pending', 'processing', 'ready', 'failed']);

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
    enabled: projectId > 0,
  });
}

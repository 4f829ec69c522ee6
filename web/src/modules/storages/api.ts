// Import and export storages share one shape; these wrap the two route families (/api/storages/... and
// /api/storages/export/...) so the screen names a direction instead.
import { api, call } from '../../api/client';
import type { Direction, Storage, StorageType } from './fields';

type Body = Record<string, string | number | boolean | null>;
// The body types of the generated schema are unions of the providers' fields; the forms build them from
// PROVIDER_FIELDS, and the API validates them (its message is shown as is).
type Loose = never;

export const storagesKey = (project: number, direction: Direction) =>
  ['storages', project, direction] as const;

export const listStorages = (project: number, direction: Direction): Promise<Storage[]> =>
  direction === 'import'
    ? call(api.GET('/api/storages', { params: { query: { project } } }))
    : call(api.GET('/api/storages/export', { params: { query: { project } } }));

export const createStorage = (direction: Direction, type: StorageType, body: Body): Promise<Storage> =>
  direction === 'import'
    ? call(api.POST('/api/storages/{type}', { params: { path: { type } }, body: body as Loose }))
    : call(api.POST('/api/storages/export/{type}', { params: { path: { type } }, body: body as Loose }));

export const updateStorage = (direction: Direction, type: StorageType, id: number, body: Body) =>
  direction === 'import'
    ? call(api.PATCH('/api/storages/{type}/{id}', { params: { path: { type, id } }, body: body as Loose }))
    : call(
        api.PATCH('/api/storages/export/{type}/{id}', {
          params: { path: { type, id } },
          body: body as Loose,
        }),
      );

export const validateStorage = (direction: Direction, type: StorageType, body: Body) =>
  direction === 'import'
    ? call(api.POST('/api/storages/{type}/validate', { params: { path: { type } }, body: body as Loose }))
    : call(
        api.POST('/api/storages/export/{type}/validate', { params: { path: { type } }, body: body as Loose }),
      );

export const syncStorage = (direction: Direction, type: StorageType, id: number): Promise<Storage> =>
  direction === 'import'
    ? call(api.POST('/api/storages/{type}/{id}/sync', { params: { path: { type, id } } }))
    : call(api.POST('/api/storages/export/{type}/{id}/sync', { params: { path: { type, id } } }));

export const deleteStorage = (direction: Direction, type: StorageType, id: number) =>
  direction === 'import'
    ? call(api.DELETE('/api/storages/{type}/{id}', { params: { path: { type, id } } }))
    : call(api.DELETE('/api/storages/export/{type}/{id}', { params: { path: { type, id } } }));

// Queries and mutations of the photos screens, over the typed client.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Ok } from '../../api/client';

export type Photo = Ok<'/api/photos/{id}', 'get'>;
export type Detection = Ok<'/api/photos/{id}/detections', 'get'>[number];
export type Tag = Ok<'/api/projects/{id}/tags', 'get'>['results'][number];

/** A region as the API documents it: image-relative box or polygon. */
export interface Region {
  label: string;
  box?: { x: number; y: number; width: number; height: number };
  polygon?: [number, number][];
  confidence?: number | null;
}

export const regionsOf = (d: { results: { regions: unknown[] } }): Region[] =>
  d.results.regions.filter(
    (r): r is Region => typeof r === 'object' && r !== null && typeof (r as Region).label === 'string',
  );

export interface PhotoFilters {
  tag?: number;
  captured_from?: string;
  captured_to?: string;
  has_unconfirmed?: boolean;
  detection_type?: 'damage' | 'material' | 'volume' | 'quality';
}

export const PAGE_SIZE = 48;

export function usePhotoPages(projectId: number, filters: PhotoFilters) {
  return useInfiniteQuery({
    queryKey: ['photos', projectId, filters],
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/projects/{id}/photos', {
          params: {
            path: { id: projectId },
            query: { limit: PAGE_SIZE, ...filters, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Thumbnails are made by a job after upload: look again while some photo is still being processed.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) =>
        p.results.some((r) => r.status === 'uploaded' || r.status === 'processing'),
      )
        ? 1500
        : false,
  });
}

export function useProjectTags(projectId: number) {
  return useQuery({
    queryKey: ['photo-tags', projectId],
    queryFn: () =>
      call(
        api.GET('/api/projects/{id}/tags', {
          params: { path: { id: projectId }, query: { page_size: 200 } },
        }),
      ),
  });
}

export function usePhoto(id: number) {
  return useQuery({
    queryKey: ['photo', id],
    queryFn: () => call(api.GET('/api/photos/{id}', { params: { path: { id } } })),
    enabled: Number.isInteger(id) && id > 0,
    refetchInterval: (query) =>
      query.state.data?.status === 'uploaded' || query.state.data?.status === 'processing' ? 1500 : false,
  });
}

export function useDetections(photoId: number) {
  return useQuery({
    queryKey: ['detections', photoId],
    queryFn: () => call(api.GET('/api/photos/{id}/detections', { params: { path: { id: photoId } } })),
    enabled: Number.isInteger(photoId) && photoId > 0,
  });
}

/** Confirm or reject a detection; everything that shows it is refreshed. */
export function useReview() {
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['detections'] }),
      client.invalidateQueries({ queryKey: ['photo'] }),
      client.invalidateQueries({ queryKey: ['photo-tags'] }),
    ]);
  const confirm = useMutation({
    mutationFn: (id: number) => call(api.POST('/api/detections/{id}/confirm', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const reject = useMutation({
    mutationFn: ({ id, feedback }: { id: number; feedback: string }) =>
      call(api.POST('/api/detections/{id}/reject', { params: { path: { id } }, body: { feedback } })),
    onSuccess: refresh,
  });
  return { confirm, reject };
}

export function useTagPhoto(photoId: number) {
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['photo', photoId] }),
      client.invalidateQueries({ queryKey: ['photo-tags'] }),
      client.invalidateQueries({ queryKey: ['photos'] }),
    ]);
  const add = useMutation({
    mutationFn: (name: string) =>
      call(api.POST('/api/photos/{id}/tags', { params: { path: { id: photoId } }, body: { names: [name] } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (tagId: number) =>
      call(
        api.DELETE('/api/photos/{id}/tags/{tag_id}', { params: { path: { id: photoId, tag_id: tagId } } }),
      ),
    onSuccess: refresh,
  });
  return { add, remove };
}

export const percent = (c: number | null | undefined) => (c == null ? '—' : `${Math.round(c * 100)}%`);

// A project's map: boundary, every flight's data products as tile layers with style controls (band, colormap,
// range, opacity), vector layers, an opacity compare of two dates, GeoTIFF upload with progress, and the
// publish and share controls. Public view without login: PublicMap.tsx.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, call, type Ok } from '../../api/client';
import { Empty, ErrorBox, Loading, PageHeader, Select } from '../../ui/ui';
import { useGeoFields } from './api';
import { MapView, type RasterLayer, unionBounds } from './MapView';
import { Upload } from './Upload';

type Product = Ok<'/api/flights/{id}/data-products', 'get'>['results'][number];
type Flight = Ok<'/api/projects/{id}/flights', 'get'>['results'][number];
export interface Style {
  visible: boolean;
  opacity: number;
  bands: string;
  colormap: string;
  min: string;
  max: string;
}
export const COLORMAPS = ['viridis', 'gray', 'greens', 'jet', 'magma', 'inferno', 'plasma', 'rdbu', 'earth'];
const defaultStyle: Style = { visible: true, opacity: 1, bands: '', colormap: '', min: '', max: '' };

export function tilesUrl(template: string, s: Style): string {
  const q = new URLSearchParams();
  if (s.bands) q.set('bands', s.bands);
  if (s.colormap) q.set('colormap', s.colormap);
  if (s.min !== '' && s.max !== '') {
    q.set('min', s.min);
    q.set('max', s.max);
  }
  const query = q.toString();
  return query ? `${template}?${query}` : template;
}

function useProjectGeo(projectId: number) {
  const project = useQuery({
    queryKey: ['project', projectId],
    queryFn: () => call(api.GET('/api/projects/{id}', { params: { path: { id: projectId } } })),
  });
  const location = useQuery({
    queryKey: ['geo-location', projectId],
    queryFn: () =>
      call(api.GET('/api/projects/{id}/location', { params: { path: { id: projectId } } })).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
  });
  const fields = useGeoFields(projectId);
  const flights = useQuery({
    queryKey: ['geo-flights', projectId],
    queryFn: () =>
      call(
        api.GET('/api/projects/{id}/flights', {
          params: { path: { id: projectId }, query: { page_size: 100 } },
        }),
      ),
  });
  const products = useQuery({
    queryKey: ['geo-products', projectId, flights.data?.results.map((f) => f.id).join(',')],
    enabled: !!flights.data,
    queryFn: async () => {
      const lists = await Promise.all(
        (flights.data?.results ?? []).map((f) =>
          call(
            api.GET('/api/flights/{id}/data-products', {
              params: { path: { id: f.id }, query: { page_size: 100 } },
            }),
          ),
        ),
      );
      return lists.flatMap((l) => l.results);
    },
    refetchInterval: (q) =>
      q.state.data?.some((p) => p.status === 'pending' || p.status === 'processing') ? 1500 : false,
  });
  const vectors = useQuery({
    queryKey: ['geo-vectors', projectId],
    queryFn: async () => {
      const layers = await call(
        api.GET('/api/projects/{id}/vector-layers', {
          params: { path: { id: projectId }, query: { page_size: 50 } },
        }),
      );
      return Promise.all(
        layers.results.map(async (l) => ({
          id: l.id,
          name: l.name,
          data: await call(
            api.GET('/api/vector-layers/{id}/features', {
              params: { path: { id: l.id }, query: { limit: 1000 } },
            }),
          ),
        })),
      );
    },
  });
  return { project, location, fields, flights, products, vectors };
}

function LayerControls({
  product,
  flight,
  style,
  onChange,
}: {
  product: Product;
  flight: Flight | undefined;
  style: Style;
  onChange: (s: Style) => void;
}) {
  const set = (patch: Partial<Style>) => onChange({ ...style, ...patch });
  const single = (product.band_count ?? 1) < 3 || style.bands.split(',').filter(Boolean).length === 1;
  const name = `${product.data_type} ${flight?.acquisition_date ?? ''}`;
  return (
    <fieldset className="layer">
      <legend>
        <label>
          <input
            type="checkbox"
            checked={style.visible}
            onChange={(e) => set({ visible: e.target.checked })}
          />{' '}
          {name}
        </label>
      </legend>
      <p className="muted">
        {product.original_name} · {product.status}
        {product.error ? ` · ${product.error}` : ''}
      </p>
      {product.tiles_url ? (
        <div className="layer-grid">
          <label>
            Opacity
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={style.opacity}
              onChange={(e) => set({ opacity: Number(e.target.value) })}
            />
          </label>
          <label>
            Bands
            <input
              placeholder={(product.band_count ?? 1) >= 3 ? '1,2,3' : '1'}
              value={style.bands}
              onChange={(e) => set({ bands: e.target.value.replace(/[^0-9,]/g, '') })}
            />
          </label>
          {single ? (
            <label>
              Colormap
              <select value={style.colormap} onChange={(e) => set({ colormap: e.target.value })}>
                <option value="">default</option>
                {COLORMAPS.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            Min
            <input type="number" value={style.min} onChange={(e) => set({ min: e.target.value })} />
          </label>
          <label>
            Max
            <input type="number" value={style.max} onChange={(e) => set({ max: e.target.value })} />
          </label>
        </div>
      ) : null}
    </fieldset>
  );
}

export default function MapPage() {
  const projectId = Number(useParams().id);
  const { project, location, fields, flights, products, vectors } = useProjectGeo(projectId);
  const [styles, setStyles] = useState<Record<number, Style>>({});
  const [compare, setCompare] = useState<{ a: string; b: string; t: number }>({ a: '', b: '', t: 0.5 });
  const client = useQueryClient();
  const publish = useMutation({
    mutationFn: (on: boolean) =>
      call(
        api.POST(on ? '/api/projects/{id}/publish' : '/api/projects/{id}/unpublish', {
          params: { path: { id: projectId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['geo-fields', projectId] }),
  });
  const share = useMutation({
    mutationFn: ({ id, on }: { id: number; on: boolean }) =>
      call(api.PUT('/api/data-products/{id}/permission', { params: { path: { id } }, body: { public: on } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['geo-products', projectId] }),
  });
  const ready = (products.data ?? []).filter((p) => p.tiles_url);
  const flightOf = (p: Product) => flights.data?.results.find((f) => f.id === p.flight_id);
  const styleOf = (id: number) => styles[id] ?? defaultStyle;
  const rasters: RasterLayer[] = ready.map((p) => {
    const s = styles[p.id] ?? defaultStyle;
    let opacity = s.opacity;
    if (compare.a && compare.b && compare.a !== compare.b) {
      if (String(p.id) === compare.a) opacity = 1 - compare.t;
      else if (String(p.id) === compare.b) opacity = compare.t;
    }
    return {
      id: p.id,
      tiles: tilesUrl(p.tiles_url!, s),
      opacity,
      visible: s.visible,
      bounds: p.bounds_4326,
    };
  });
  const fit = unionBounds([location.data?.bbox, ...ready.map((p) => p.bounds_4326)]);
  if (project.isPending) return <Loading what="Loading the map" />;
  if (project.error) return <ErrorBox error={project.error} />;
  const published = fields.data?.is_published ?? false;
  const options = ready.map((p) => ({
    value: String(p.id),
    label: `${p.data_type} ${flightOf(p)?.acquisition_date ?? ''} #${p.id}`,
  }));
  return (
    <div className="geo">
      <PageHeader title={`${project.data.title} · map`}>
        <Link to={`/projects/${projectId}`}>Project settings</Link>
        <Link to={`/projects/${projectId}/geodata`}>Flights and data products</Link>
        <button type="button" onClick={() => publish.mutate(!published)} disabled={publish.isPending}>
          {published ? 'Unpublish' : 'Publish'}
        </button>
      </PageHeader>
      <ErrorBox error={publish.error ?? share.error ?? products.error ?? flights.error} />
      {published ? (
        <p>
          Published: <a href={`/public/projects/${projectId}`}>public map</a> ·{' '}
          <a href={`/api/stac/collections/${projectId}`}>STAC collection</a>
        </p>
      ) : null}
      <div className="geo-layout">
        <MapView
          label="Project map"
          boundary={location.data?.geometry ?? null}
          rasters={rasters}
          vectors={vectors.data ?? []}
          fit={fit}
        />
        <aside className="geo-side" aria-label="Layers">
          <h2>Layers</h2>
          {products.isPending && flights.data?.results.length ? (
            <Loading what="Loading data products" />
          ) : null}
          {(products.data ?? []).length === 0 && !products.isPending ? (
            <Empty>No data products yet: upload a GeoTIFF below.</Empty>
          ) : null}
          {(products.data ?? []).map((p) => (
            <div key={p.id}>
              <LayerControls
                product={p}
                flight={flightOf(p)}
                style={styleOf(p.id)}
                onChange={(s) => setStyles({ ...styles, [p.id]: s })}
              />
              {p.status === 'ready' ? (
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={p.is_public}
                    disabled={published || share.isPending}
                    onChange={(e) => share.mutate({ id: p.id, on: e.target.checked })}
                  />{' '}
                  Public
                </label>
              ) : null}
            </div>
          ))}
          {vectors.data?.length ? (
            <>
              <h2>Vector layers</h2>
              <ul>
                {vectors.data.map((v) => (
                  <li key={v.id}>{v.name}</li>
                ))}
              </ul>
            </>
          ) : null}
          {ready.length >= 2 ? (
            <fieldset>
              <legend>Compare two dates</legend>
              <Select
                label="A"
                value={compare.a}
                onChange={(e) => setCompare({ ...compare, a: e.target.value })}
                options={[{ value: '', label: '—' }, ...options]}
              />
              <Select
                label="B"
                value={compare.b}
                onChange={(e) => setCompare({ ...compare, b: e.target.value })}
                options={[{ value: '', label: '—' }, ...options]}
              />
              <label>
                A ↔ B
                <input
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={compare.t}
                  onChange={(e) => setCompare({ ...compare, t: Number(e.target.value) })}
                />
              </label>
            </fieldset>
          ) : null}
          <Upload projectId={projectId} flights={flights.data?.results ?? []} />
        </aside>
      </div>
    </div>
  );
}

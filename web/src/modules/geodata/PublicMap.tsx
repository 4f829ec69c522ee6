// The public view of a published project, without login: read from its STAC collection and items, each
// item's XYZ link drawn as a tile layer (the tiles are behind the product's share token).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { ErrorBox, Loading, usePageTitle } from '../../ui/ui';
import { MapView, unionBounds } from './MapView';

interface StacItem {
  id: string;
  bbox: number[];
  properties: { datetime: string; title?: string; 'groundtruth:data_type'?: string };
  links: { rel: string; href: string }[];
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body?.error?.message ?? `the server answered ${res.status}`);
  return body as T;
}

export default function PublicMap() {
  const id = Number(useParams().id);
  const collection = useQuery({
    queryKey: ['stac', id],
    queryFn: () => getJson<{ title?: string; description: string }>(`/api/stac/collections/${id}`),
  });
  const items = useQuery({
    queryKey: ['stac-items', id],
    queryFn: () => getJson<{ features: StacItem[] }>(`/api/stac/collections/${id}/items`),
  });
  const [hidden, setHidden] = useState<Record<string, boolean>>({});
  usePageTitle(collection.data?.title ?? 'Public map');
  if (collection.isPending || items.isPending) return <Loading what="Loading the map" />;
  if (collection.error || items.error) return <ErrorBox error={collection.error ?? items.error} />;
  const features = items.data?.features ?? [];
  const rasters = features.map((f) => ({
    id: Number(f.id),
    tiles: new URL(f.links.find((l) => l.rel === 'xyz')!.href).pathname
      .replace(/%7B/g, '{')
      .replace(/%7D/g, '}'),
    opacity: 1,
    visible: !hidden[f.id],
    bounds: f.bbox,
  }));
  return (
    <main className="geo public-map">
      <h1>{collection.data?.title}</h1>
      <p>{collection.data?.description}</p>
      <div className="geo-layout">
        <MapView
          label="Public project map"
          boundary={null}
          rasters={rasters}
          vectors={[]}
          fit={unionBounds(features.map((f) => f.bbox))}
        />
        <aside className="geo-side" aria-label="Layers">
          <h2>Layers</h2>
          {features.map((f) => (
            <label key={f.id} className="inline">
              <input
                type="checkbox"
                checked={!hidden[f.id]}
                onChange={(e) => setHidden({ ...hidden, [f.id]: !e.target.checked })}
              />{' '}
              {f.properties['groundtruth:data_type'] ?? 'layer'} {f.properties.datetime.slice(0, 10)}
            </label>
          ))}
        </aside>
      </div>
    </main>
  );
}

// A MapLibre map with no base map (the server is self-hosted and may be offline): the project boundary, raster
// tile layers of data products (each with its opacity) and GeoJSON vector layers, fitted to their bounds.

import type { GeoJSONSource, RasterTileSource } from 'maplibre-gl';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import './geodata.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { useEffect, useRef, useState } from 'react';

export interface RasterLayer {
  id: number;
  tiles: string;
  opacity: number;
  visible: boolean;
  bounds?: number[] | null;
}

export interface MapViewProps {
  boundary: object | null;
  rasters: RasterLayer[];
  vectors: { id: number; data: object }[];
  fit: number[] | null;
  label: string;
}

// The worker bundled by Vite with its imports (MapLibre 6 ships it as an ES module).
maplibregl.setWorkerUrl(workerUrl);

/** Absolute tile URL with its {z}/{x}/{y} placeholders kept as they are (URL() would escape them). */
const abs = (path: string) => `${window.location.origin}${path}`;

const empty = { type: 'FeatureCollection', features: [] } as const;

export function MapView({ boundary, rasters, vectors, fit, label }: MapViewProps) {
  const container = useRef<HTMLElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    if (!container.current) return;
    const m = new maplibregl.Map({
      container: container.current,
      style: {
        version: 8,
        sources: {},
        layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1ee' } }],
      },
      center: [0, 0],
      zoom: 1,
      attributionControl: false,
      // Keeps the drawn canvas readable (the e2e test checks that tiles were drawn).
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    m.on('load', () => {
      m.addSource('boundary', { type: 'geojson', data: empty as never });
      m.addLayer({
        id: 'boundary-line',
        type: 'line',
        source: 'boundary',
        paint: { 'line-color': '#c2410c', 'line-width': 2 },
      });
      setReady(true);
    });
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    const m = map.current;
    if (!ready || !m) return;
    (m.getSource('boundary') as GeoJSONSource).setData((boundary ?? empty) as never);
  }, [ready, boundary]);

  useEffect(() => {
    const m = map.current;
    if (!ready || !m) return;
    const wanted = new Set(rasters.map((r) => `raster-${r.id}`));
    for (const layer of m.getStyle().layers) {
      if (layer.id.startsWith('raster-') && !wanted.has(layer.id)) {
        m.removeLayer(layer.id);
        m.removeSource(layer.id);
      }
    }
    for (const r of rasters) {
      const id = `raster-${r.id}`;
      const source = m.getSource(id) as RasterTileSource | undefined;
      if (!source) {
        m.addSource(id, {
          type: 'raster',
          tiles: [abs(r.tiles)],
          tileSize: 256,
          ...(r.bounds && r.bounds.length === 4 && { bounds: r.bounds as [number, number, number, number] }),
        });
        m.addLayer({ id, type: 'raster', source: id }, 'boundary-line');
      } else if ((source as unknown as { tiles?: string[] }).tiles?.[0] !== abs(r.tiles)) {
        source.setTiles([abs(r.tiles)]);
      }
      m.setPaintProperty(id, 'raster-opacity', r.opacity);
      m.setLayoutProperty(id, 'visibility', r.visible ? 'visible' : 'none');
    }
  }, [ready, rasters]);

  useEffect(() => {
    const m = map.current;
    if (!ready || !m) return;
    for (const v of vectors) {
      const id = `vector-${v.id}`;
      const source = m.getSource(id) as GeoJSONSource | undefined;
      if (source) source.setData(v.data as never);
      else {
        m.addSource(id, { type: 'geojson', data: v.data as never });
        m.addLayer({
          id: `${id}-fill`,
          type: 'fill',
          source: id,
          filter: ['==', ['geometry-type'], 'Polygon'],
          paint: { 'fill-color': '#2563eb', 'fill-opacity': 0.2 },
        });
        m.addLayer({
          id: `${id}-line`,
          type: 'line',
          source: id,
          paint: { 'line-color': '#1d4ed8', 'line-width': 1.5 },
        });
        m.addLayer({
          id: `${id}-point`,
          type: 'circle',
          source: id,
          filter: ['==', ['geometry-type'], 'Point'],
          paint: { 'circle-color': '#1d4ed8', 'circle-radius': 4 },
        });
      }
    }
  }, [ready, vectors]);

  const fitKey = fit?.length === 4 ? fit.join(',') : '';
  useEffect(() => {
    const m = map.current;
    if (!ready || !m || !fitKey) return;
    m.fitBounds(fitKey.split(',').map(Number) as [number, number, number, number], {
      padding: 40,
      duration: 0,
      maxZoom: 19,
    });
  }, [ready, fitKey]);

  return <section ref={container} className="map" aria-label={label} data-map-ready={ready} />;
}

/** The union of bounding boxes, or null. */
export function unionBounds(boxes: (number[] | null | undefined)[]): number[] | null {
  const all = boxes.filter((b): b is number[] => Array.isArray(b) && b.length === 4);
  if (all.length === 0) return null;
  return [
    Math.min(...all.map((b) => b[0]!)),
    Math.min(...all.map((b) => b[1]!)),
    Math.max(...all.map((b) => b[2]!)),
    Math.max(...all.map((b) => b[3]!)),
  ];
}

// A photo with its detections drawn over it: boxes and polygons in image-relative coordinates, each with its
// label and confidence. The SVG uses a 0..100 viewBox stretched over the image, so it follows any size.
import { useState } from 'react';
import { type Detection, percent, regionsOf } from './api';

const COLORS = ['#e4572e', '#17bebb', '#ffc914', '#76b041', '#a86bd1', '#ff7aa2'];

export function colorOf(index: number): string {
  return COLORS[index % COLORS.length] ?? '#e4572e';
}

export function DetectionOverlay({
  src,
  alt,
  detections,
  highlight,
}: {
  src: string;
  alt: string;
  detections: readonly Detection[];
  highlight?: number | null;
}) {
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <figure className="ph-stage">
      <div className="ph-frame">
        <img src={src} alt={alt} onLoad={() => setLoaded(true)} onError={() => setFailed(true)} />
        {loaded ? (
          <svg className="ph-overlay" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
            {detections.map((d, di) =>
              regionsOf(d).map((r, ri) => {
                const color = colorOf(di);
                const dim = highlight != null && highlight !== d.id;
                const key = `${d.id}-${ri}`;
                const opacity = dim ? 0.35 : 1;
                if (r.polygon)
                  return (
                    <polygon
                      key={key}
                      points={r.polygon.map(([x, y]) => `${x * 100},${y * 100}`).join(' ')}
                      fill="none"
                      stroke={color}
                      strokeWidth={0.6}
                      vectorEffect="non-scaling-stroke"
                      opacity={opacity}
                    />
                  );
                const b = r.box ?? { x: 0, y: 0, width: 1, height: 1 };
                return (
                  <rect
                    key={key}
                    x={b.x * 100}
                    y={b.y * 100}
                    width={b.width * 100}
                    height={b.height * 100}
                    fill="none"
                    stroke={color}
                    strokeWidth={highlight === d.id ? 3 : 2}
                    vectorEffect="non-scaling-stroke"
                    opacity={opacity}
                  />
                );
              }),
            )}
          </svg>
        ) : null}
        {loaded
          ? detections.map((d, di) =>
              regionsOf(d).map((r, ri) => {
                const b = r.box ?? boxOfPolygon(r.polygon);
                const key = `${d.id}-${ri}`;
                return (
                  <span
                    key={key}
                    className="ph-label"
                    style={{
                      left: `${b.x * 100}%`,
                      top: `${b.y * 100}%`,
                      background: colorOf(di),
                      opacity: highlight != null && highlight !== d.id ? 0.5 : 1,
                    }}
                  >
                    {r.label} {percent(r.confidence ?? d.confidence)}
                  </span>
                );
              }),
            )
          : null}
      </div>
      {failed ? <figcaption className="error">The image could not be loaded.</figcaption> : null}
    </figure>
  );
}

function boxOfPolygon(points: [number, number][] | undefined) {
  if (!points?.length) return { x: 0, y: 0 };
  return { x: Math.min(...points.map((p) => p[0])), y: Math.min(...points.map((p) => p[1])) };
}

// GeoJSON geometry checks and measures in TypeScript (EPSG:4326), the same on both databases. PostGIS, where
// the server has it, checks again and measures on the spheroid (spatial.ts); these are the portable answers.
import { AppError } from '../../platform/errors.ts';

export type Position = [number, number];
export type Ring = Position[];
export interface Polygon {
  type: 'Polygon';
  coordinates: Ring[];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export type Boundary = Polygon | MultiPolygon;
export interface Bbox {
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
}

const EARTH_RADIUS_M = 6378137;
/** Rings longer than this skip the O(n²) self-intersection scan here (PostGIS still checks them). */
const MAX_SCANNED_RING = 2000;
export const MAX_POSITIONS = 200_000;

const unprocessable = (reason: string, field = 'geometry') =>
  new AppError('unprocessable', `invalid geometry: ${reason}`, [{ in: 'body', field, message: reason }]);

function position(p: unknown, where: string, field: string): Position {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((n) => typeof n === 'number')) {
    throw unprocessable(`${where} must be [longitude, latitude] numbers`, field);
  }
  const [lon, lat] = p as number[];
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon!) > 180 || Math.abs(lat!) > 90) {
    throw unprocessable(`${where} is outside longitude -180..180 / latitude -90..90`, field);
  }
  return [lon!, lat!];
}

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const orient = (p: Position, q: Position, r: Position) =>
    Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const onSegment = (p: Position, q: Position, r: Position) =>
    Math.min(p[0], r[0]) <= q[0] &&
    q[0] <= Math.max(p[0], r[0]) &&
    Math.min(p[1], r[1]) <= q[1] &&
    q[1] <= Math.max(p[1], r[1]);
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(a, c, b)) ||
    (o2 === 0 && onSegment(a, d, b)) ||
    (o3 === 0 && onSegment(c, a, d)) ||
    (o4 === 0 && onSegment(c, b, d))
  );
}

function selfIntersects(ring: Ring): boolean {
  const n = ring.length - 1; // segments
  if (n + 1 > MAX_SCANNED_RING) return false;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // the closing segment touches the first
      if (segmentsCross(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return true;
    }
  }
  return false;
}

function ringOf(r: unknown, where: string, field: string, counter: { n: number }): Ring {
  if (!Array.isArray(r)) throw unprocessable(`${where} must be an array of positions`, field);
  counter.n += r.length;
  if (counter.n > MAX_POSITIONS) throw unprocessable(`more than ${MAX_POSITIONS} positions`, field);
  const ring = r.map((p, i) => position(p, `${where} position ${i}`, field));
  if (ring.length < 4) throw unprocessable(`${where} needs at least 4 positions (a closed ring)`, field);
  const [first, last] = [ring[0]!, ring[ring.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw unprocessable(`${where} is not closed (its first and last positions differ)`, field);
  }
  if (selfIntersects(ring)) throw unprocessable(`${where} intersects itself`, field);
  if (ringAreaM2(ring) === 0) throw unprocessable(`${where} has no area`, field);
  return ring;
}

function polygonRings(coords: unknown, where: string, field: string, counter: { n: number }): Ring[] {
  if (!Array.isArray(coords) || coords.length === 0) {
    throw unprocessable(`${where} must be a non-empty array of rings`, field);
  }
  return coords.map((r, i) => ringOf(r, `${where} ring ${i}`, field, counter));
}

/** A project boundary: a GeoJSON Polygon or MultiPolygon, else 422 with the reason. */
export function parseBoundary(value: unknown, field = 'geometry'): Boundary {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unprocessable('must be a GeoJSON geometry object', field);
  }
  const g = value as { type?: unknown; coordinates?: unknown };
  const counter = { n: 0 };
  if (g.type === 'Polygon') {
    return { type: 'Polygon', coordinates: polygonRings(g.coordinates, 'polygon', field, counter) };
  }
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
      throw unprocessable('a MultiPolygon needs at least one polygon', field);
    }
    return {
      type: 'MultiPolygon',
      coordinates: g.coordinates.map((p, i) => polygonRings(p, `polygon ${i}`, field, counter)),
    };
  }
  const type = typeof g.type === 'string' ? g.type.slice(0, 40) : String(g.type);
  throw unprocessable(`type ${type} is not allowed: a boundary must be a Polygon or MultiPolygon`, field);
}

/** Area of a ring on the sphere (m²), positive whatever the winding. */
export function ringAreaM2(ring: Ring): number {
  let total = 0;
  const rad = Math.PI / 180;
  for (let i = 0; i < ring.length - 1; i++) {
    const [lon1, lat1] = ring[i]!;
    const [lon2, lat2] = ring[i + 1]!;
    total += (lon2 - lon1) * rad * (2 + Math.sin(lat1 * rad) + Math.sin(lat2 * rad));
  }
  return Math.abs((total * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}

const polygons = (g: Boundary): Ring[][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

/** Geodesic area (m², spherical), holes subtracted. */
export function areaM2(g: Boundary): number {
  let area = 0;
  for (const rings of polygons(g)) {
    rings.forEach((ring, i) => {
      area += i === 0 ? ringAreaM2(ring) : -ringAreaM2(ring);
    });
  }
  return Math.max(0, area);
}

/** Planar centroid in degrees (as PostGIS ST_Centroid on the geometry), area-weighted over polygons and holes. */
export function centroid(g: Boundary): Position {
  let sx = 0;
  let sy = 0;
  let sa = 0;
  for (const rings of polygons(g)) {
    rings.forEach((ring, k) => {
      let a = 0;
      let cx = 0;
      let cy = 0;
      for (let i = 0; i < ring.length - 1; i++) {
        const [x0, y0] = ring[i]!;
        const [x1, y1] = ring[i + 1]!;
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
      // Outer rings add, holes subtract, whatever their winding.
      const sign = (k === 0 ? 1 : -1) * Math.sign(a);
      sx += sign * cx;
      sy += sign * cy;
      sa += sign * a;
    });
  }
  return [sx / (3 * sa), sy / (3 * sa)];
}

function extend(box: Bbox, [lon, lat]: Position): void {
  box.min_lon = Math.min(box.min_lon, lon);
  box.min_lat = Math.min(box.min_lat, lat);
  box.max_lon = Math.max(box.max_lon, lon);
  box.max_lat = Math.max(box.max_lat, lat);
}

const emptyBox = (): Bbox => ({ min_lon: 180, min_lat: 90, max_lon: -180, max_lat: -90 });

export function bboxOf(positions: Iterable<Position>): Bbox {
  const box = emptyBox();
  for (const p of positions) extend(box, p);
  return box;
}

export function* boundaryPositions(g: Boundary): Generator<Position> {
  for (const rings of polygons(g)) for (const ring of rings) yield* ring;
}

const featureTypes = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];

/**
 * Any GeoJSON geometry but GeometryCollection, checked for shape and coordinate ranges; answers its positions'
 * bbox. `where` names the feature in messages.
 */
export function parseFeatureGeometry(value: unknown, where: string): { geometry: unknown; bbox: Bbox } {
  const g = value as { type?: unknown; coordinates?: unknown } | null;
  if (typeof g !== 'object' || g === null || !featureTypes.includes(g.type as string)) {
    throw unprocessable(`${where}: geometry must be one of ${featureTypes.join(', ')}`, 'features');
  }
  const counter = { n: 0 };
  const box = emptyBox();
  const depth: Record<string, number> = {
    Point: 0,
    MultiPoint: 1,
    LineString: 1,
    MultiLineString: 2,
    Polygon: 2,
    MultiPolygon: 3,
  };
  const walk = (c: unknown, d: number): unknown => {
    if (d === 0) {
      const p = position(c, `${where} position`, 'features');
      extend(box, p);
      if (++counter.n > MAX_POSITIONS)
        throw unprocessable(`more than ${MAX_POSITIONS} positions`, 'features');
      return p;
    }
    if (!Array.isArray(c) || c.length === 0) {
      throw unprocessable(`${where}: coordinates of a ${g.type} are nested ${depth[g.type as string]} deep`);
    }
    return c.map((x) => walk(x, d - 1));
  };
  const coordinates = walk(g.coordinates, depth[g.type as string]!);
  if (g.type === 'Polygon') polygonRings(coordinates, where, 'features', { n: 0 });
  if (g.type === 'MultiPolygon') {
    (coordinates as unknown[]).forEach((p, i) => {
      polygonRings(p, `${where} polygon ${i}`, 'features', { n: 0 });
    });
  }
  return { geometry: { type: g.type, coordinates }, bbox: box };
}

// The detector port: something that looks at a photo and answers findings as detections. Two kinds:
// - `ml_backend`: any model server speaking the Label Studio ML backend protocol (GET /health, POST /setup,
//   POST /predict), so models people already serve for Label Studio work unchanged;
// - `image_quality`: built in, offline, computed from the pixels with sharp. It finds blur (variance of the
//   Laplacian) and under/over-exposure (luma histogram). It is typed `quality` and named for what it is; it does
//   not pretend to find damage.
import http from 'node:http';
import https from 'node:https';
import sharp from 'sharp';
import { guardedLookup } from '../../platform/webhooks/address.ts';

export interface Region {
  label: string;
  /** Image-relative (0..1) top-left corner and size. */
  box?: { x: number; y: number; width: number; height: number };
  /** Image-relative (0..1) points. */
  polygon?: [number, number][];
  confidence?: number | null;
}

export interface Finding {
  type: 'damage' | 'material' | 'volume' | 'quality';
  modelName: string;
  modelVersion: string | null;
  results: { regions: Region[]; volume?: { value: number; unit: string }; [k: string]: unknown };
  confidence: number | null;
}

export interface DetectorRow {
  id: number | null;
  kind: 'ml_backend' | 'image_quality';
  name: string;
  url: string | null;
  settings: Record<string, unknown>;
}

export const IMAGE_QUALITY_MODEL = 'groundtruth-image-quality';
export const IMAGE_QUALITY_VERSION = '1';

// Thresholds at the analysed scale (long side 512 px).
const BLUR_VARIANCE = 60;
const DARK = 16;
const BRIGHT = 240;
const CLIP_FRACTION = 0.2;
const analysedSide = 512;

const clamp01 = (n: number) => Math.max(0, Math.min(1, n));
const round = (n: number, digits = 4) => Number(n.toFixed(digits));
const whole = { x: 0, y: 0, width: 1, height: 1 };

/** Blur and exposure of an image (any format sharp reads; the job passes the large WebP thumbnail). */
export async function imageQuality(bytes: Buffer): Promise<Finding | null> {
  const { data, info } = await sharp(bytes)
    .greyscale()
    .resize(analysedSide, analysedSide, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  let luma = 0;
  let dark = 0;
  let bright = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    luma += v;
    if (v <= DARK) dark++;
    if (v >= BRIGHT) bright++;
  }
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = 4 * data[i]! - data[i - 1]! - data[i + 1]! - data[i - w]! - data[i + w]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const pixels = w * h;
  const variance = n ? sumSq / n - (sum / n) ** 2 : 0;
  const mean = luma / pixels;
  const darkFraction = dark / pixels;
  const brightFraction = bright / pixels;
  const regions: Region[] = [];
  if (variance < BLUR_VARIANCE)
    regions.push({
      label: 'blurry',
      box: whole,
      confidence: round(0.5 + 0.5 * clamp01(1 - variance / BLUR_VARIANCE)),
    });
  if (darkFraction > CLIP_FRACTION || mean < 50)
    regions.push({
      label: 'underexposed',
      box: whole,
      confidence: round(clamp01(0.5 + Math.max(darkFraction - CLIP_FRACTION, (50 - mean) / 100))),
    });
  if (brightFraction > CLIP_FRACTION || mean > 205)
    regions.push({
      label: 'overexposed',
      box: whole,
      confidence: round(clamp01(0.5 + Math.max(brightFraction - CLIP_FRACTION, (mean - 205) / 100))),
    });
  if (regions.length === 0) return null;
  return {
    type: 'quality',
    modelName: IMAGE_QUALITY_MODEL,
    modelVersion: IMAGE_QUALITY_VERSION,
    confidence: Math.max(...regions.map((r) => r.confidence ?? 0)),
    results: {
      regions,
      measurements: {
        laplacian_variance: round(variance, 2),
        mean_luma: round(mean, 2),
        dark_fraction: round(darkFraction),
        bright_fraction: round(brightFraction),
        analysed_width: w,
        analysed_height: h,
      },
    },
  };
}

/** JSON over HTTP(S) to a model server, refusing internal addresses unless allowed; bounded answer size. */
export function callJson(
  url: string,
  method: 'GET' | 'POST',
  body: unknown,
  options: { timeoutMs: number; allowPrivate: boolean; headers?: Record<string, string> },
): Promise<{ status: number; json: unknown }> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method,
        lookup: guardedLookup(options.allowPrivate) as never,
        timeout: options.timeoutMs,
        headers: {
          ...options.headers,
          accept: 'application/json',
          'user-agent': 'Groundtruth-Detectors/1',
          ...(payload !== undefined && {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > 20 * 1024 * 1024) req.destroy(new Error('the model server answered more than 20 MB'));
          else chunks.push(c);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
          } catch {
            reject(new Error(`the model server answered ${res.statusCode} with a body that is not JSON`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const join = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;

export const DEFAULT_LABEL_CONFIG =
  '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">' +
  '<Label value="crack"/><Label value="rust"/><Label value="water damage"/></RectangleLabels></View>';

/** GET /health: the server must answer {"status": "UP"}. */
export async function checkHealth(url: string, opts: { timeoutMs: number; allowPrivate: boolean }) {
  const res = await callJson(join(url, '/health'), 'GET', undefined, opts);
  const status = (res.json as { status?: unknown } | null)?.status;
  if (res.status !== 200 || status !== 'UP')
    throw new Error(`GET /health answered ${res.status} ${JSON.stringify(res.json)?.slice(0, 200)}`);
  return res.json as { status: string; model_class?: string };
}

const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? clamp01(v / 100) : 0);
const score = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? clamp01(v) : null);

/** Label Studio result items (rectangles, polygons, choices, numbers) as regions with relative geometry. */
export function regionsOf(result: unknown[]): {
  regions: Region[];
  volume?: { value: number; unit: string };
} {
  const regions: Region[] = [];
  let volume: { value: number; unit: string } | undefined;
  for (const item of result) {
    if (!item || typeof item !== 'object') continue;
    const r = item as { type?: string; value?: Record<string, unknown>; score?: unknown; from_name?: string };
    const v = r.value ?? {};
    const labels = (v.rectanglelabels ?? v.polygonlabels ?? v.labels ?? v.choices ?? []) as unknown[];
    const label = typeof labels[0] === 'string' ? labels[0] : (r.from_name ?? r.type ?? 'region');
    if (typeof v.number === 'number') {
      volume = { value: v.number, unit: typeof v.unit === 'string' ? v.unit : 'm3' };
      continue;
    }
    const region: Region = { label, confidence: score(r.score) };
    if (Array.isArray(v.points)) {
      region.polygon = (v.points as unknown[])
        .filter((p): p is [number, number] => Array.isArray(p) && p.length >= 2)
        .map(([x, y]) => [round(pct(x)), round(pct(y))]);
    } else if (typeof v.x === 'number' && typeof v.width === 'number') {
      region.box = {
        x: round(pct(v.x)),
        y: round(pct(v.y)),
        width: round(pct(v.width)),
        height: round(pct(v.height)),
      };
    }
    regions.push(region);
  }
  return { regions, ...(volume && { volume }) };
}

/**
 * Runs one photo through an ML backend: /setup (model version), then /predict with one task whose
 * `data.image` is the large thumbnail as a data: URI (the model server needs no access to this instance).
 */
export async function predictWithBackend(
  detector: DetectorRow,
  task: { id: number; projectId: number; image: string },
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<Finding[]> {
  const url = detector.url!;
  const labelConfig =
    typeof detector.settings.label_config === 'string'
      ? detector.settings.label_config
      : DEFAULT_LABEL_CONFIG;
  const project = `${task.projectId}.0`;
  const setup = await callJson(
    join(url, '/setup'),
    'POST',
    { project, schema: labelConfig, hostname: '', access_token: '' },
    opts,
  );
  if (setup.status < 200 || setup.status >= 300) throw new Error(`POST /setup answered ${setup.status}`);
  const setupVersion = (setup.json as { model_version?: unknown } | null)?.model_version;
  const res = await callJson(
    join(url, '/predict'),
    'POST',
    {
      tasks: [{ id: task.id, data: { image: task.image } }],
      project,
      label_config: labelConfig,
      params: { context: null },
    },
    opts,
  );
  if (res.status < 200 || res.status >= 300) throw new Error(`POST /predict answered ${res.status}`);
  const body = res.json as { results?: unknown } | unknown[] | null;
  const predictions = (
    Array.isArray(body) ? body : ((body as { results?: unknown })?.results ?? [])
  ) as unknown[];
  if (!Array.isArray(predictions)) throw new Error('POST /predict answered no results list');
  const type =
    (['damage', 'material', 'volume'] as const).find((t) => t === detector.settings.detection_type) ??
    'damage';
  const out: Finding[] = [];
  for (const p of predictions) {
    if (!p || typeof p !== 'object') continue;
    const pred = p as { result?: unknown; score?: unknown; model_version?: unknown };
    const { regions, volume } = regionsOf(Array.isArray(pred.result) ? pred.result : []);
    if (regions.length === 0 && !volume) continue;
    const regionScores = regions.map((r) => r.confidence ?? null).filter((c): c is number => c !== null);
    const confidence = score(pred.score) ?? (regionScores.length ? Math.min(...regionScores) : null);
    const version = pred.model_version ?? setupVersion;
    out.push({
      type: volume && regions.length === 0 ? 'volume' : type,
      modelName: detector.name,
      modelVersion: typeof version === 'string' ? version.slice(0, 100) : null,
      confidence,
      results: { regions, ...(volume && { volume }) },
    });
  }
  return out;
}

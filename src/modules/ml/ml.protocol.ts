// Label Studio's ML backend protocol (label-studio-ml-backend, label_studio_ml/api.py): GET /health,
// POST /setup, POST /predict, POST /webhook, GET /versions. Answers are checked here, so a backend that
// answers garbage is an error with a message, never a crash further in.
import { basicAuth, CallError, type CallOptions, callJson, joinUrl } from './ml.client.ts';

export interface BackendConnection {
  url: string;
  /** Seconds, as stored. */
  timeout: number;
  authUser: string | null;
  authPassword: string | null;
}

export interface PredictionValue {
  result: unknown;
  score: number | null;
  model_version: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function optionsFor(b: BackendConnection, allowPrivate: boolean, signal?: AbortSignal): CallOptions {
  return {
    timeoutMs: Math.max(1, Math.round(b.timeout * 1000)),
    allowPrivate,
    ...(b.authUser !== null && { headers: basicAuth(b.authUser, b.authPassword ?? '') }),
    ...(signal && { signal }),
  };
}

function describe(status: number, body: unknown): string {
  const detail = isObject(body) ? (body.detail ?? body.error ?? body.message) : null;
  return `the ML backend answered HTTP ${status}${typeof detail === 'string' ? `: ${detail.slice(0, 300)}` : ''}`;
}

async function call(
  b: BackendConnection,
  allowPrivate: boolean,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
) {
  const res = await callJson(method, joinUrl(b.url, path), body, optionsFor(b, allowPrivate, signal));
  if (res.status < 200 || res.status >= 300) throw new CallError(describe(res.status, res.body));
  return res.body;
}

export async function health(b: BackendConnection, allowPrivate: boolean) {
  const body = await call(b, allowPrivate, 'GET', 'health');
  if (!isObject(body) || body.status !== 'UP')
    throw new CallError('the ML backend did not answer {"status":"UP"}');
  return {
    status: 'UP' as const,
    model_class: typeof body.model_class === 'string' ? body.model_class : null,
  };
}

export async function setup(b: BackendConnection, allowPrivate: boolean, payload: Record<string, unknown>) {
  const body = await call(b, allowPrivate, 'POST', 'setup', payload);
  return {
    model_version: isObject(body) && typeof body.model_version === 'string' ? body.model_version : null,
  };
}

export async function versions(b: BackendConnection, allowPrivate: boolean) {
  const body = await call(b, allowPrivate, 'GET', 'versions');
  const list = isObject(body) && Array.isArray(body.versions) ? body.versions : [];
  return list.filter((v): v is string => typeof v === 'string');
}

export async function webhook(b: BackendConnection, allowPrivate: boolean, event: Record<string, unknown>) {
  return call(b, allowPrivate, 'POST', 'webhook', event);
}

/**
 * POST /predict for `tasks`; exactly one prediction per task, in order (as Label Studio requires). Answers
 * `{results:[...]}`; each result is `{result:[...], score, model_version}`.
 */
export async function predict(
  b: BackendConnection,
  allowPrivate: boolean,
  payload: { tasks: unknown[]; project: string; label_config: string; params: Record<string, unknown> },
  signal?: AbortSignal,
): Promise<PredictionValue[]> {
  const body = await call(b, allowPrivate, 'POST', 'predict', payload, signal);
  const results = isObject(body) ? body.results : null;
  if (!Array.isArray(results)) throw new CallError('the ML backend answer has no "results" list');
  if (results.length !== payload.tasks.length) {
    throw new CallError(
      `the ML backend answered ${results.length} results for ${payload.tasks.length} tasks`,
    );
  }
  return results.map((r) => {
    // A result item may be a prediction {result, score, model_version} or a bare list of regions.
    if (Array.isArray(r)) return { result: r, score: null, model_version: null };
    if (!isObject(r)) return { result: null, score: null, model_version: null };
    return {
      result: r.result,
      score: typeof r.score === 'number' && Number.isFinite(r.score) ? r.score : null,
      model_version: typeof r.model_version === 'string' ? r.model_version.slice(0, 500) : null,
    };
  });
}

// The route table, read from the app's own OpenAPI document: every documented operation with its path
// parameters, query, body schema and whether it needs credentials. The isolation and fuzz suites iterate it,
// so a route added later is covered (or makes them fail until it is).
import type { App } from '../src/platform/http/app-types.ts';

export type JsonSchema = Record<string, unknown>;

export interface RouteInfo {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI form, e.g. /api/projects/{id}/members/{user_id} */
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema; required: boolean }[];
  body: JsonSchema | null;
  bodyRequired: boolean;
  public: boolean;
}

interface Operation {
  parameters?: { in: string; name: string; schema: JsonSchema; required?: boolean }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema: JsonSchema }> };
  security?: unknown[];
}

export function routeTable(app: App): RouteInfo[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, Operation>> };
  const routes: RouteInfo[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      routes.push({
        method: method.toUpperCase() as RouteInfo['method'],
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema, required: p.required === true })),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        bodyRequired: op.requestBody?.required === true,
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return routes;
}

export function fillPath(path: string, values: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for path parameter ${name} of ${path}`);
    return encodeURIComponent(String(values[name]));
  });
}

export const routeName = (r: Pick<RouteInfo, 'method' | 'path'>) => `${r.method} ${r.path}`;

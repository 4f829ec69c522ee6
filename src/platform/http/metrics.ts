// Prometheus metrics at /metrics: request durations by route and status, database pool gauges, process stats.
// One registry per app instance, so several apps in one process (tests) do not collide.
import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import type pg from 'pg';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { withHook } from './route-hooks.ts';

export function registerMetrics(app: FastifyInstance, pool: pg.Pool): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const poolGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  poolGauge('db_pool_connections_total', 'connections open in the database pool', () => pool.totalCount);
  poolGauge('db_pool_connections_idle', 'idle connections in the database pool', () => pool.idleCount);
  poolGauge('db_pool_clients_waiting', 'queries waiting for a pool connection', () => pool.waitingCount);

  // Each route observes its own requests (its label children made once per method and status); the one
  // app-wide hook only counts requests no route matched.
  const observer = (route: string): onResponseHookHandler => {
    const children = new Map<string, ReturnType<typeof duration.labels>>();
    return (request, reply, done) => {
      const key = `${request.method} ${reply.statusCode}`;
      let child = children.get(key);
      if (!child) {
        child = duration.labels({ method: request.method, route, status_code: String(reply.statusCode) });
        children.set(key, child);
      }
      child.observe(reply.elapsedTime / 1000);
      done();
    };
  };
  app.addHook('onRoute', (route) => {
    route.onResponse = withHook(route.onResponse, observer(route.url));
  });
  const unmatched = observer('unmatched');
  app.addHook('onResponse', function (request, reply, done) {
    if (request.is404) unmatched.call(this, request, reply, done);
    else done();
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}

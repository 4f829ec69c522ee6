// A dashboard panel's query runs again when the panel is opened, so a dashboard shows the data as it is
// now. Results are kept per process, keyed by the room's file version (room-data.ts `version`): the same
// files give the cached result at once, a changed, added or removed file gives a fresh one.
import { createHash } from 'node:crypto';
import type { AnalysisEngine, QueryLimits, ResultTable } from './engine/engine.ts';
import type { RoomData, RoomDataset } from './room-data.ts';

export interface PanelResult {
  text: string;
  error: string | null;
  table: ResultTable | null;
  chart: Record<string, unknown> | null;
  files_version: string;
  cached: boolean;
}

const MAX_ENTRIES = 500;
/** Answers that say nothing about the data (the engine was busy or gone) are not kept. */
const transient = new Set(['timeout', 'engine_failed', 'memory']);

/** The panel's own chart spec with the fresh rows in place of the pinned ones. */
function withRows(spec: unknown, table: ResultTable | null): Record<string, unknown> | null {
  if (!spec || typeof spec !== 'object' || !table) return null;
  const s = spec as Record<string, unknown>;
  const data = s.data as { values?: unknown } | undefined;
  if (!data || !Array.isArray(data.values)) return s;
  const values = table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c.name, r[i]])));
  return { ...s, data: { ...data, values } };
}

export function createPanelResults(engine: AnalysisEngine, roomData: RoomData) {
  const cache = new Map<string, Promise<Omit<PanelResult, 'cached'>>>();

  async function run(
    sqlText: string,
    chart: unknown,
    datasets: RoomDataset[],
    limits: QueryLimits,
    version: string,
  ) {
    const files = await roomData.engineFiles(datasets);
    const a = await engine.ask(`\`\`\`sql\n${sqlText}\n\`\`\``, files, limits);
    return {
      text: a.error ? a.text : `${a.table?.rows.length ?? 0} rows, from the files as they are now`,
      error: a.error,
      table: a.table,
      chart: withRows(chart, a.table) ?? a.chart,
      files_version: version,
    };
  }

  return {
    async result(
      roomId: number,
      config: Record<string, unknown>,
      datasets: RoomDataset[],
      limits: QueryLimits,
    ): Promise<PanelResult | null> {
      if (typeof config.sql !== 'string' || !config.sql.trim()) return null;
      const version = roomData.version(datasets);
      const key = createHash('sha256')
        .update(
          `${roomId}\0${version}\0${limits.maxRows}\0${config.sql}\0${JSON.stringify(config.chart ?? null)}`,
        )
        .digest('hex');
      const hit = cache.get(key);
      if (hit) {
        cache.delete(key);
        cache.set(key, hit); // most recently used last
        return { ...(await hit), cached: true };
      }
      const work = run(config.sql, config.chart, datasets, limits, version);
      cache.set(key, work);
      if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      try {
        const out = await work;
        if (out.error && transient.has(out.error)) cache.delete(key);
        return { ...out, cached: false };
      } catch (err) {
        cache.delete(key);
        throw err;
      }
    },
  };
}

export type PanelResults = ReturnType<typeof createPanelResults>;

// The analysis engine port: one worker thread per process runs DuckDB; each question gets a DuckDB instance
// of its own inside it. A question that does not come back well after its time limit (DuckDB ignoring the
// interrupt) costs the worker: it is terminated and the next question starts a fresh one.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LlmSettings } from '../llm-client.ts';
import type { Answer, AskRequest, EngineFile, FileFormat, QueryLimits } from './protocol.ts';

export type { Answer, EngineFile, FileFormat, QueryLimits, ResultTable } from './protocol.ts';

const GRACE_MS = 5000;

export interface AnalysisEngine {
  ask(question: string, files: EngineFile[], limits: QueryLimits): Promise<Answer>;
  close(): Promise<void>;
}

export function formatOf(fileName: string): FileFormat {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') return 'json';
  // .xlsx and .shp are converted to csv and json by room-data.ts before they reach the engine
  return 'other';
}

/** SQL table names from file names: sales-2024.csv -> sales_2024, unique within the room. */
export function tableNames(fileNames: string[]): string[] {
  const used = new Set<string>();
  return fileNames.map((name) => {
    let base =
      path
        .basename(name, path.extname(name))
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '_')
        .replace(/^_+|_+$/g, '')
        .slice(0, 60) || 'data';
    if (/^\d/.test(base)) base = `t_${base}`;
    let candidate = base;
    for (let i = 2; used.has(candidate); i++) candidate = `${base}_${i}`;
    used.add(candidate);
    return candidate;
  });
}

export function createAnalysisEngine(llm: LlmSettings | null = null): AnalysisEngine {
  let worker: Worker | null = null;
  let next = 1;
  const pending = new Map<number, (a: Answer) => void>();

  const failAll = (text: string) => {
    for (const [id, resolve] of pending) {
      pending.delete(id);
      resolve({ text, sql: null, table: null, chart: null, error: 'engine_failed' });
    }
  };

  function start(): Worker {
    const w = new Worker(new URL('./duckdb-worker.ts', import.meta.url));
    w.on('message', (reply: { id: number; ok: boolean; answer?: Answer; error?: string }) => {
      const resolve = pending.get(reply.id);
      if (!resolve) return;
      pending.delete(reply.id);
      resolve(
        reply.ok
          ? reply.answer!
          : {
              text: `The analysis engine failed: ${reply.error}`,
              sql: null,
              table: null,
              chart: null,
              error: 'engine_failed',
            },
      );
    });
    w.on('error', (err) => {
      if (worker === w) worker = null;
      failAll(`The analysis engine stopped: ${err.message}`);
    });
    w.on('exit', () => {
      if (worker === w) worker = null;
      failAll('The analysis engine stopped before answering: ask again.');
    });
    return w;
  }

  return {
    ask(question, files, limits) {
      worker ??= start();
      const w = worker;
      const id = next++;
      return new Promise<Answer>((resolve) => {
        const timer = setTimeout(
          () => {
            if (!pending.has(id)) return;
            pending.delete(id);
            resolve({
              text: `The query ran longer than the limit of ${limits.timeoutMs / 1000} s and was stopped.`,
              sql: null,
              table: null,
              chart: null,
              error: 'timeout',
            });
            if (worker === w) worker = null;
            void w.terminate();
          },
          limits.timeoutMs + GRACE_MS + (llm?.timeoutMs ?? 0),
        );
        timer.unref();
        // The worker keeps the process alive only while it has a question to answer.
        w.ref();
        pending.set(id, (a) => {
          clearTimeout(timer);
          if (pending.size === 0) w.unref();
          resolve(a);
        });
        w.postMessage({ id, question, files, limits, llm } satisfies AskRequest);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

// Messages between the server and the DuckDB worker thread.
import type { LlmSettings } from '../llm-client.ts';
import type { ColumnInfo } from './analyst.ts';

export type FileFormat = 'csv' | 'tsv' | 'parquet' | 'json' | 'other';

export interface EngineFile {
  /** SQL name of the table the file becomes. */
  table: string;
  fileName: string;
  /** Local path of the bytes (the blob itself, or a temporary copy). Never shown to people. */
  path: string;
  format: FileFormat;
  /** Why the file is not a table (a volume, a conversion that failed): said in the answer. */
  note?: string;
}

export interface QueryLimits {
  timeoutMs: number;
  memoryMb: number;
  threads: number;
  maxRows: number;
}

export interface AskRequest {
  id: number;
  question: string;
  files: EngineFile[];
  limits: QueryLimits;
  /** An OpenAI-compatible endpoint for the questions the built-in analyst does not understand. */
  llm: LlmSettings | null;
}

export interface ResultTable {
  columns: ColumnInfo[];
  rows: unknown[][];
  truncated: boolean;
}

export interface Answer {
  text: string;
  sql: string | null;
  table: ResultTable | null;
  chart: Record<string, unknown> | null;
  /**
   * null, or why there is no result: refused, timeout, memory, query_failed, unreadable_file, engine_failed,
   * llm_failed (the model did not answer, or not usably), llm_no_sql (it wrote no query).
   */
  error: string | null;
}

export type WorkerReply = { id: number; ok: true; answer: Answer } | { id: number; ok: false; error: string };

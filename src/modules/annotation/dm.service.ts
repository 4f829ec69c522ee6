// The data manager's reads: the column list and `/api/tasks` through a view or a `query`. The filters compile
// to one parameterised query (page) plus one aggregate (totals) over the same WHERE; see filters/. The totals
// of a filter (a count over every match) are kept in process until the organization's next write, so paging
// through a view counts its matches once: exact, because every write to a tenant table bumps the
// organization's generation (platform/cache; other processes' writes arrive on the change feed, and an entry
// lives 30 s at most in case one is missed).
import { sql } from 'kysely';
import { inScope, readScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { createReadCache } from '../../platform/cache/read-cache.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { dmTasks } from './dm.fields.ts';
import { filteredPage, filteredRows, wholeProjectPage } from './dm.repo.ts';
import { scopeOf, type ViewsService, viewQuery } from './dm.views.ts';
import { type CompiledQuery, compile } from './filters/compile.ts';
import { type PreparedQuery, parseQueryParam } from './filters/parse.ts';

/** Regex filters run under this statement timeout: a pathological pattern costs at most this, then a 400. */
export const REGEX_TIMEOUT_MS = 5000;
const REGEX_INVALID = '2201B';
const QUERY_CANCELED = '57014';

/** Checks regex patterns (a bad one is a 400, not a 500) and bounds the statements that will use them. */
export async function guardRegexes(tx: Tx, q: CompiledQuery): Promise<void> {
  if (q.regexes.length === 0) return;
  for (const [i, pattern] of q.regexes.entries()) {
    try {
      await sql`SELECT '' ~ ${pattern}::text`.execute(tx);
    } catch (err) {
      if ((err as { code?: string }).code === REGEX_INVALID)
        throw new AppError('validation_failed', `regex ${i + 1}: ${(err as Error).message}`);
      throw err;
    }
  }
  await sql`SELECT set_config('statement_timeout', ${String(REGEX_TIMEOUT_MS)}, true)`.execute(tx);
}

/** Maps the statement timeout of a regex filter to a 400 the client can act on. */
export function regexTimeout(err: unknown): never {
  if ((err as { code?: string }).code === QUERY_CANCELED)
    throw new AppError(
      'validation_failed',
      `a regex filter took longer than ${REGEX_TIMEOUT_MS} ms: simplify it`,
    );
  throw err;
}

const builtinColumns = [
  ['id', 'ID', 'Number', true],
  ['inner_id', 'Inner ID', 'Number', false],
  ['completed_at', 'Completed', 'Datetime', true],
  ['total_annotations', 'Annotations', 'Number', true],
  ['cancelled_annotations', 'Cancelled', 'Number', true],
  ['total_predictions', 'Predictions', 'Number', true],
  ['annotators', 'Annotated by', 'List', true],
  ['annotations_results', 'Annotation results', 'String', false],
  ['predictions_score', 'Prediction score', 'Number', false],
  ['predictions_model_versions', 'Prediction model versions', 'List', false],
  ['predictions_results', 'Prediction results', 'String', false],
  ['created_at', 'Created at', 'Datetime', false],
  ['updated_at', 'Updated at', 'Datetime', false],
  ['updated_by', 'Updated by', 'List', false],
  ['avg_lead_time', 'Lead Time', 'Number', false],
  ['draft_exists', 'Drafts', 'Boolean', false],
  ['ground_truth', 'Ground truth', 'Boolean', false],
  ['annotations_ids', 'Annotation IDs', 'String', false],
  ['file_upload', 'Upload filename', 'String', false],
  ['storage_filename', 'Storage filename', 'String', false],
  ['comment_count', 'Comments', 'Number', false],
  ['unresolved_comment_count', 'Unresolved comments', 'Number', false],
  ['last_comment_updated_at', 'Last comment', 'Datetime', false],
  ['comment_authors', 'Comment authors', 'List', false],
] as const;

const mediaTypes = ['Image', 'Audio', 'AudioPlus', 'Video', 'Unknown'];

/** Filters whose totals are kept (an entry is three numbers and its key, the filter's SQL). */
const CACHED_TOTALS = 2000;

interface Totals {
  total: number;
  total_annotations: number;
  total_predictions: number;
}

export function createDmService(deps: Pick<Deps, 'database' | 'generations'>, views: ViewsService) {
  const { database, generations } = deps;
  const totals = createReadCache<Totals>(generations, CACHED_TOTALS);

  /** The filtered page; its totals from the cache when nothing in the organization changed since. */
  async function filtered(tx: Tx, orgId: number, q: CompiledQuery, limit: number, offset: number) {
    const where = q.where.compile(tx);
    const key = `${orgId}\n${where.sql}\n${JSON.stringify(where.parameters)}`;
    // Taken before the read: a write that lands while it runs makes the stamp old and nothing is stored.
    const stamp = generations.stamp(orgId, null);
    const known = totals.get(key);
    if (known) return { rows: await filteredRows(tx, q, limit, offset), ...known };
    const page = await filteredPage(tx, q, limit, offset);
    const { total, total_annotations, total_predictions } = page;
    totals.set(key, { total, total_annotations, total_predictions }, stamp);
    return page;
  }

  /** Data keys with their types: the label config's objects first, then keys seen in the tasks. */
  async function dataTypes(tx: Tx, projectId: number) {
    const types = new Map<string, string>();
    const settings = await tx
      .selectFrom('annotation_settings')
      .select('parsed_label_config')
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    const parsed = (settings?.parsed_label_config ?? {}) as Record<
      string,
      { inputs?: { type?: string; value?: string }[] }
    >;
    for (const control of Object.values(parsed)) {
      for (const input of control.inputs ?? []) {
        if (input.value && !types.has(input.value)) types.set(input.value, input.type ?? 'Unknown');
      }
    }
    const fromConfig = new Set(types.keys());
    const summary = await tx
      .selectFrom('project_summaries')
      .select('all_data_columns')
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    const known = Object.keys((summary?.all_data_columns ?? {}) as object).sort();
    // Without a summary yet, the keys of the first tasks (bounded, so this stays cheap at a million tasks).
    const sampled = known.length
      ? known
      : (
          await sql<{ key: string }>`
            SELECT DISTINCT k AS key FROM (SELECT data FROM tasks WHERE project_id = ${projectId} ORDER BY id LIMIT 1000) s,
                   jsonb_object_keys(s.data) k ORDER BY 1 LIMIT 500`.execute(tx)
        ).rows.map((r) => r.key);
    for (const key of sampled) if (!types.has(key)) types.set(key, 'Unknown');
    return { types, fromConfig };
  }

  async function prepared(
    tx: Tx,
    projectId: number,
    opts: { view?: number; query?: string },
  ): Promise<PreparedQuery> {
    // A view id takes precedence over `query`, as in Label Studio; listing shows the whole tab (the view's
    // filters), not the rows someone last ticked in it.
    if (opts.view !== undefined) {
      const view = await views.loadForProject(tx, projectId, opts.view);
      return viewQuery(view.data, null);
    }
    return parseQueryParam(opts.query ?? '{}');
  }

  return {
    prepared,

    async columns(actor: Actor, projectId: number) {
      return inScope(database.db, scopeOf(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.read', [projectId]);
        const { types, fromConfig } = await dataTypes(tx, projectId);
        const dataColumns = [...types].map(([key, type]) => ({
          id: key,
          title: key,
          type: mediaTypes.includes(type) ? type : 'String',
          target: 'tasks',
          parent: 'data',
          visibility_defaults: { explore: true, labeling: fromConfig.has(key) },
          project_defined: true,
        }));
        const columns = [
          ...dataColumns,
          ...builtinColumns.map(([id, title, type, explore]) => ({
            id,
            title,
            type,
            target: 'tasks',
            visibility_defaults: { explore, labeling: id === 'total_annotations' },
            project_defined: false,
          })),
          {
            id: 'data',
            title: 'data',
            type: 'List',
            target: 'tasks',
            children: dataColumns.map((c) => c.id),
            project_defined: false,
          },
        ];
        return { columns };
      });
    },

    /** `/api/tasks?project=&view=` or `&query=`: the filtered, ordered page with totals over the filter. */
    async listTasks(
      actor: Actor,
      projectId: number,
      opts: { view?: number; query?: string; page: number; pageSize: number; withRelated: boolean },
    ) {
      // A read-only unit of work: on PostgreSQL its opener goes out with the first query (db/scope.ts).
      return readScope(database, scopeOf(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.read', [projectId]);
        const q = compile(projectId, await prepared(tx, projectId, opts));
        await guardRegexes(tx, q);
        const offset = (opts.page - 1) * opts.pageSize;
        const page = q.whole
          ? await wholeProjectPage(tx, projectId, q, opts.pageSize, offset)
          : await filtered(tx, actor.organizationId!, q, opts.pageSize, offset).catch(regexTimeout);
        // Label Studio's clients stop paging on 404 past the last page.
        if (opts.page > 1 && (opts.page - 1) * opts.pageSize >= page.total)
          throw new AppError('not_found', `page ${opts.page} is past the last page`);
        return {
          tasks: await dmTasks(tx, page.rows, opts.withRelated),
          total: page.total,
          total_annotations: page.total_annotations,
          total_predictions: page.total_predictions,
        };
      });
    },
  };
}

export type DmService = ReturnType<typeof createDmService>;

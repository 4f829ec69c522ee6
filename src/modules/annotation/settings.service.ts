// Label Studio's project settings on the one projects resource (the projects module calls this extension
// inside its own unit of work), config validation (/validate) and the project summary.
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { ProjectExtension } from '../projects/index.ts';
import {
  configChangeProblems,
  type LabelConfig,
  LabelConfigError,
  parseLabelConfig,
} from './label-config/index.ts';
import {
  applyOverlap,
  defaultSettings,
  labelUsage,
  loadSettings,
  settingsOf,
  summaryOf,
  toSettings,
  upsertSettings,
} from './settings.repo.ts';
import { settingsInput, settingsProperties } from './settings.schemas.ts';

const configError = (message: string) =>
  new AppError('validation_failed', message, [{ in: 'body', field: 'label_config', message }]);

/** Parses a config or answers 400 naming the problem (Label Studio's wording). */
export function parseOrReject(xml: string): LabelConfig {
  try {
    return parseLabelConfig(xml);
  } catch (err) {
    if (err instanceof LabelConfigError) throw configError(err.message);
    throw err;
  }
}

/** Refuses a config that would orphan labels, names or types used by annotations and drafts. */
async function checkUsage(tx: Tx, projectId: number, next: LabelConfig) {
  const usage = await labelUsage(tx, projectId, true);
  const problems = configChangeProblems(null, next, usage.used, usage.labels, true, usage.drafts);
  if (problems.length) throw configError(problems.join('\n'));
}

/** Body values for annotation_settings: nulls become the defaults, the config its parsed form too. */
function settingsValues(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(key in settingsInput)) continue;
    out[key] = value === null ? defaultSettings[key as keyof typeof defaultSettings] : value;
  }
  if (typeof input.label_config === 'string') {
    out.parsed_label_config = parseOrReject(input.label_config).parsed;
  }
  return out;
}

export function annotationProjectExtension(): ProjectExtension {
  return {
    properties: settingsProperties,
    input: settingsInput,
    module: 'annotation',
    async load(tx, ids) {
      const rows = new Map((await loadSettings(tx, ids)).map((r) => [r.project_id, r]));
      return new Map(ids.map((id) => [id, toSettings(rows.get(id))]));
    },
    async create(tx, actor, projectId, input) {
      await upsertSettings(tx, actor.organizationId!, projectId, settingsValues(input));
    },
    async update(tx, actor, projectId, input) {
      const values = settingsValues(input);
      const before = await settingsOf(tx, projectId);
      const maximum = (values.maximum_annotations as number | undefined) ?? before?.maximum_annotations ?? 1;
      const cohort =
        (values.overlap_cohort_percentage as number | undefined) ?? before?.overlap_cohort_percentage ?? 100;
      const overlapChanged =
        maximum !== (before?.maximum_annotations ?? 1) ||
        cohort !== (before?.overlap_cohort_percentage ?? 100);
      // Lock order of every writer: tasks, then the settings row, then the summary row.
      if (overlapChanged) await applyOverlap(tx, projectId, maximum, cohort);
      await upsertSettings(tx, actor.organizationId!, projectId, values);
      if (typeof input.label_config === 'string' && input.label_config !== before?.label_config) {
        await checkUsage(tx, projectId, parseOrReject(input.label_config));
      }
    },
  };
}

export function createSettingsService({ database }: Pick<Deps, 'database'>) {
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => {
    if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
    return inScope(
      database.db,
      { organizationId: actor.organizationId, userId: actor.userId, requireMembership: true },
      fn,
    );
  };
  const answer = (xml: string, config: LabelConfig) => ({
    label_config: xml,
    parsed_label_config: config.parsed,
    config_has_control_tags: Object.keys(config.parsed).length > 0,
  });
  return {
    /** POST /api/projects/validate: the config alone. */
    validate: (actor: Actor, xml: string) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'project.create', []);
        return answer(xml, parseOrReject(xml));
      }),
    /** POST /api/projects/{id}/validate: the config, and that it keeps every label in use (strict). */
    validateFor: (actor: Actor, projectId: number, xml: string) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'project.read', [projectId]);
        const config = parseOrReject(xml);
        const usage = await labelUsage(tx, projectId, false);
        const problems = configChangeProblems(null, config, usage.used, usage.labels, true, usage.drafts);
        if (problems.length) throw configError(problems.join('\n'));
        return answer(xml, config);
      }),
    summary: (actor: Actor, projectId: number) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'tasks.read', [projectId]);
        const row = await summaryOf(tx, projectId);
        const columns = (row?.all_data_columns ?? {}) as Record<string, number>;
        const tasks = (await settingsOf(tx, projectId))?.task_number ?? 0;
        return {
          project: projectId,
          all_data_columns: columns,
          // The columns every task has (a count equal to the project's tasks).
          common_data_columns: Object.keys(columns)
            .filter((c) => tasks > 0 && Number(columns[c]) >= tasks)
            .sort(),
          created_annotations: (row?.created_annotations ?? {}) as Record<string, unknown>,
          created_labels: (row?.created_labels ?? {}) as Record<string, unknown>,
          created_labels_drafts: (row?.created_labels_drafts ?? {}) as Record<string, unknown>,
          created_at: row?.created_at ?? new Date(),
        };
      }),
  };
}

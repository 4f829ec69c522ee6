// `GET /api/dm/project?project=`: Label Studio's ProjectStateAPI, the project as the data manager needs it:
// its Label Studio fields plus what the caller may do (can_delete_tasks, can_manage_tasks,
// can_manage_annotations), whether a bucket is syncing (source_syncing, target_syncing), task and annotation
// counts (the project's counters, kept exact by the writes) and config_has_control_tags.
import { sql } from 'kysely';
import type { Static } from 'typebox';
import { inScope } from '../../db/scope.ts';
import { permitted } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { DmProject } from './dm.schemas.ts';
import { annotationProjectExtension } from './settings.service.ts';
import { authorizeOn, scopeOf } from './targets.ts';

const settingsFields = annotationProjectExtension();

export function createDmProjectService({ database }: Pick<Deps, 'database'>) {
  return {
    async state(actor: Actor, projectId: number): Promise<Static<typeof DmProject>> {
      return inScope(database.db, scopeOf(actor), async (tx) => {
        await authorizeOn(tx, actor, 'tasks.read', projectId, `project ${projectId}`);
        const project = await tx
          .selectFrom('projects')
          .select(['id', 'title', 'description', 'created_by', 'created_at', 'updated_at'])
          .where('id', '=', projectId)
          .executeTakeFirst();
        if (!project) throw new AppError('not_found', `project ${projectId} not found`);
        const [fields, manage, review, syncing] = await Promise.all([
          settingsFields.load(tx, [projectId]),
          permitted(tx, actor, 'tasks.manage', [projectId]),
          permitted(tx, actor, 'annotations.review', [projectId]),
          sql<{ direction: string; busy: boolean }>`
            SELECT direction, bool_or(status IN ('queued', 'in_progress')) AS busy
            FROM storages WHERE project_id = ${projectId} GROUP BY direction`.execute(tx),
        ]);
        const ls = fields.get(projectId) ?? {};
        const busy = (direction: string) => syncing.rows.some((r) => r.direction === direction && r.busy);
        const parsed = (ls.parsed_label_config ?? {}) as Record<string, unknown>;
        const out = {
          ...ls,
          id: project.id,
          title: project.title,
          description: project.description,
          created_by: project.created_by,
          created_at: project.created_at,
          updated_at: project.updated_at,
          can_delete_tasks: manage.has(projectId),
          can_manage_tasks: manage.has(projectId),
          can_manage_annotations: manage.has(projectId) || review.has(projectId),
          source_syncing: busy('import'),
          target_syncing: busy('export'),
          task_count: Number(ls.task_number ?? 0),
          annotation_count:
            Number(ls.total_annotations_number ?? 0) + Number(ls.skipped_annotations_number ?? 0),
          config_has_control_tags: Object.keys(parsed).length > 0,
        };
        // The settings fields are the extension's (every project answer shows them, defaults included).
        return out as Static<typeof DmProject>;
      });
    },
  };
}

export type DmProjectService = ReturnType<typeof createDmProjectService>;

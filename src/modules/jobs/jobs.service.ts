// The user-visible record of background work. A job is visible to whoever may read its project, to the person
// who started it, and to the organization's owners and admins.
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Jobs } from '../../db/types.ts';
import { authorize, organizationRole } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

function toJob(j: Selectable<Jobs>) {
  return {
    id: j.id,
    kind: j.kind,
    state: j.state as 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled',
    progress: j.progress,
    message: j.message,
    error: j.error,
    result: j.result,
    project: j.project_id,
    created_by: j.created_by,
    attempts: j.attempts,
    created_at: j.created_at,
    started_at: j.started_at,
    finished_at: j.finished_at,
  };
}

async function isOrgAdmin(tx: Tx, actor: Actor): Promise<boolean> {
  const role = await organizationRole(tx, actor);
  return role === 'owner' || role === 'admin';
}

export function createJobsService({ database }: Pick<Deps, 'database'>) {
  const scope = (actor: Actor) => ({
    organizationId: actor.organizationId,
    userId: actor.userId,
    requireMembership: true,
  });

  async function list(actor: Actor, filter: { project?: number; state?: string }, page: PageRequest) {
    return inScope(database.db, scope(actor), async (tx) => {
      let q = tx.selectFrom('jobs');
      if (filter.project !== undefined) {
        await authorize(tx, actor, 'project.read', [filter.project]);
        q = q.where('project_id', '=', filter.project);
      } else if (!(await isOrgAdmin(tx, actor))) {
        q = q.where('created_by', '=', actor.userId);
      }
      if (filter.state) q = q.where('state', '=', filter.state);
      const { count } = await q
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      const rows = await q
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.pageSize)
        .offset((page.page - 1) * page.pageSize)
        .execute();
      return { count: Number(count), results: rows.map(toJob) };
    });
  }

  async function get(actor: Actor, id: number) {
    return inScope(database.db, scope(actor), async (tx) => {
      const job = await tx.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!job) throw new AppError('not_found', `job ${id} not found`);
      if (job.created_by !== actor.userId && !(await isOrgAdmin(tx, actor))) {
        if (job.project_id === null) throw new AppError('not_found', `job ${id} not found`);
        await authorize(tx, actor, 'project.read', [job.project_id]).catch(() => {
          throw new AppError('not_found', `job ${id} not found`);
        });
      }
      return toJob(job);
    });
  }

  return { list, get };
}

// Project onboarding: the step catalogue (onboarding_steps, the product's, written by migration 0026) with the
// project's state of each (project_onboarding). The state also moves by itself, in the transaction of the write
// that did the thing (database triggers of 0026): the first import, a label config, publishing, the first
// collaborator, the first annotation. Marking by hand is for steps done elsewhere, or to start over.
import { sql } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { authorizeOn, orgOf, scopeOf } from './targets.ts';

interface StepRow {
  id: number;
  code: string;
  title: string;
  description: string;
  link: string | null;
  video: string | null;
  order: number;
  finished: boolean;
  updated_at: Date | null;
}

async function state(tx: Tx, projectId: number) {
  const { rows } = await sql<StepRow>`
    SELECT s.id, s.code, s.title, s.description, s.link, s.video, s."order",
           coalesce(o.finished, false) AS finished, o.updated_at
    FROM onboarding_steps s
    LEFT JOIN project_onboarding o ON o.step_id = s.id AND o.project_id = ${projectId}
    WHERE s.enabled
    ORDER BY s."order"`.execute(tx);
  const steps = rows.map((r) => ({ ...r, id: Number(r.id) }));
  return { project: projectId, finished: steps.every((s) => s.finished), steps };
}

export function createOnboardingService({ database }: Pick<Deps, 'database'>) {
  return {
    async get(actor: Actor, projectId: number) {
      return inScope(database.db, scopeOf(actor), async (tx) => {
        await authorizeOn(tx, actor, 'onboarding.read', projectId, `project ${projectId}`);
        return state(tx, projectId);
      });
    },

    /** Marks one step (by code or id), or every step, done or not done; answers the whole state. */
    async update(actor: Actor, projectId: number, body: { step?: string | number; finished: boolean }) {
      return inScope(database.db, scopeOf(actor), async (tx) => {
        await authorizeOn(tx, actor, 'onboarding.update', projectId, `project ${projectId}`);
        let steps = tx.selectFrom('onboarding_steps').select('id').where('enabled', '=', true);
        if (body.step !== undefined) {
          steps =
            typeof body.step === 'number'
              ? steps.where('id', '=', body.step)
              : steps.where('code', '=', body.step);
        }
        const ids = (await steps.execute()).map((s) => s.id);
        if (ids.length === 0) {
          const known = await tx
            .selectFrom('onboarding_steps')
            .select('code')
            .where('enabled', '=', true)
            .execute();
          throw new AppError(
            'validation_failed',
            `unknown onboarding step ${JSON.stringify(body.step)}: one of ${known.map((k) => k.code).join(', ')}`,
          );
        }
        await tx
          .insertInto('project_onboarding')
          .values(
            ids.map((stepId) => ({
              organization_id: orgOf(actor),
              project_id: projectId,
              step_id: stepId,
              finished: body.finished,
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(['project_id', 'step_id'])
              .doUpdateSet({ finished: body.finished, updated_at: new Date() }),
          )
          .execute();
        return state(tx, projectId);
      });
    },
  };
}

export type OnboardingService = ReturnType<typeof createOnboardingService>;

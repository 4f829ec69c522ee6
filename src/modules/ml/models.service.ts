// Model interfaces with their associated projects, third-party model versions (a prompt on a provider's model) and model runs, which queue
// a job (models.runs.ts) that runs the prompt over a selection of a project's tasks.
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { ModelInterfaces, ThirdPartyModelVersions } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { checkSelection } from '../annotation/index.ts';
import { connectionRow } from './connections.service.ts';
import { authorizeOn, orgOf, scopeOf } from './ml.repo.ts';
import { type SelectionInput, selectionOf } from './ml.service.ts';
import { toRun } from './models.runs.ts';

export const RUN_JOB = 'ml.model-run';

type Provider = 'OpenAI' | 'AzureOpenAI' | 'Custom';

export interface InterfaceInput {
  title?: string | undefined;
  description?: string | undefined;
  skill_name?: string | undefined;
  project?: number | null | undefined;
  input_fields?: string[] | undefined;
  output_classes?: string[] | undefined;
  associated_projects?: number[] | undefined;
}

function toVersion(v: Selectable<ThirdPartyModelVersions>) {
  return {
    id: v.id,
    parent_model: v.model_interface_id,
    title: v.title,
    provider: v.provider,
    provider_model_id: v.provider_model_id,
    prompt: v.prompt,
    model_provider_connection: v.connection_id,
    is_default: v.is_default,
    model_metadata: v.model_metadata as Record<string, unknown>,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

export function createModelsService(deps: Pick<Deps, 'database' | 'jobs'>) {
  const { database, jobs } = deps;
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);
  const org = (tx: Tx, actor: Actor, action: 'models.read' | 'models.manage') =>
    authorize(tx, actor, action, [orgOf(actor)]);

  async function checkProjects(tx: Tx, actor: Actor, ids: (number | null | undefined)[]) {
    const real = ids.filter((i): i is number => typeof i === 'number');
    if (real.length) await authorize(tx, actor, 'ml.read', real);
  }

  async function interfaceRow(tx: Tx, id: number) {
    const row = await tx.selectFrom('model_interfaces').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', `model interface ${id} not found`);
    return row;
  }

  async function toInterface(tx: Tx, m: Selectable<ModelInterfaces>) {
    const links = await tx
      .selectFrom('model_interface_projects')
      .select('project_id')
      .where('model_interface_id', '=', m.id)
      .orderBy('project_id')
      .execute();
    return {
      id: m.id,
      title: m.title,
      description: m.description,
      skill_name: m.skill_name,
      project: m.project_id,
      input_fields: m.input_fields as string[],
      output_classes: m.output_classes as string[],
      associated_projects: links.map((l) => l.project_id),
      created_at: m.created_at,
      updated_at: m.updated_at,
    };
  }

  async function link(tx: Tx, organizationId: number, interfaceId: number, projects: number[] | undefined) {
    if (projects === undefined) return;
    await tx.deleteFrom('model_interface_projects').where('model_interface_id', '=', interfaceId).execute();
    const unique = [...new Set(projects)];
    if (unique.length === 0) return;
    await tx
      .insertInto('model_interface_projects')
      .values(
        unique.map((p) => ({
          organization_id: organizationId,
          model_interface_id: interfaceId,
          project_id: p,
        })),
      )
      .execute();
  }

  async function versionRow(tx: Tx, interfaceId: number, versionId: number) {
    const row = await tx
      .selectFrom('third_party_model_versions')
      .selectAll()
      .where('id', '=', versionId)
      .where('model_interface_id', '=', interfaceId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `model version ${versionId} not found`);
    return row;
  }

  return {
    listInterfaces: (actor: Actor) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.read');
        const rows = await tx.selectFrom('model_interfaces').selectAll().orderBy('id').limit(1000).execute();
        return Promise.all(rows.map((r) => toInterface(tx, r)));
      }),

    createInterface: (actor: Actor, input: InterfaceInput & { title: string }) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.manage');
        await checkProjects(tx, actor, [input.project, ...(input.associated_projects ?? [])]);
        const row = await tx
          .insertInto('model_interfaces')
          .values({
            organization_id: orgOf(actor),
            title: input.title,
            description: input.description ?? '',
            skill_name: input.skill_name ?? 'TextClassification',
            project_id: input.project ?? null,
            input_fields: JSON.stringify(input.input_fields ?? []),
            output_classes: JSON.stringify(input.output_classes ?? []),
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await link(tx, row.organization_id, row.id, input.associated_projects);
        return toInterface(tx, row);
      }),

    getInterface: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.read');
        return toInterface(tx, await interfaceRow(tx, id));
      }),

    updateInterface: (actor: Actor, id: number, input: InterfaceInput) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.manage');
        await interfaceRow(tx, id);
        await checkProjects(tx, actor, [input.project, ...(input.associated_projects ?? [])]);
        const row = await tx
          .updateTable('model_interfaces')
          .set({
            ...(input.title !== undefined && { title: input.title }),
            ...(input.description !== undefined && { description: input.description }),
            ...(input.skill_name !== undefined && { skill_name: input.skill_name }),
            ...(input.project !== undefined && { project_id: input.project }),
            ...(input.input_fields !== undefined && { input_fields: JSON.stringify(input.input_fields) }),
            ...(input.output_classes !== undefined && {
              output_classes: JSON.stringify(input.output_classes),
            }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await link(tx, row.organization_id, id, input.associated_projects);
        return toInterface(tx, row);
      }),

    removeInterface: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.manage');
        await interfaceRow(tx, id);
        await tx.deleteFrom('model_interfaces').where('id', '=', id).execute();
      }),

    listVersions: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.read');
        await interfaceRow(tx, id);
        const rows = await tx
          .selectFrom('third_party_model_versions')
          .selectAll()
          .where('model_interface_id', '=', id)
          .orderBy('id')
          .limit(1000)
          .execute();
        return rows.map(toVersion);
      }),

    createVersion: (
      actor: Actor,
      id: number,
      input: {
        title: string;
        provider?: Provider | undefined;
        provider_model_id: string;
        prompt: string;
        model_provider_connection: number;
        is_default?: boolean | undefined;
        model_metadata?: Record<string, unknown> | undefined;
      },
    ) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.manage');
        const parent = await interfaceRow(tx, id);
        const connection = await connectionRow(tx, input.model_provider_connection);
        const row = await tx
          .insertInto('third_party_model_versions')
          .values({
            organization_id: parent.organization_id,
            model_interface_id: id,
            connection_id: connection.id,
            project_id: parent.project_id,
            title: input.title,
            provider: input.provider ?? (connection.provider as Provider),
            provider_model_id: input.provider_model_id,
            prompt: input.prompt,
            is_default: input.is_default ?? false,
            model_metadata: JSON.stringify(input.model_metadata ?? {}),
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch((err: { code?: string }) => {
            if (err.code === '23505') throw new AppError('conflict', `a version "${input.title}" exists`);
            throw err;
          });
        return toVersion(row);
      }),

    getVersion: (actor: Actor, id: number, versionId: number) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.read');
        return toVersion(await versionRow(tx, id, versionId));
      }),

    removeVersion: (actor: Actor, id: number, versionId: number) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.manage');
        await versionRow(tx, id, versionId);
        await tx.deleteFrom('third_party_model_versions').where('id', '=', versionId).execute();
      }),

    /** Starts a model run of a version over a selection of a project's tasks. */
    startRun: (
      actor: Actor,
      id: number,
      versionId: number,
      input: SelectionInput & { project: number; timeout?: number | undefined; retries?: number | undefined },
    ) => {
      return run(actor, async (tx) => {
        await org(tx, actor, 'models.read');
        const version = await versionRow(tx, id, versionId);
        await authorizeOn(tx, actor, 'ml.manage', input.project, `project ${input.project}`);
        const selection = selectionOf(input);
        checkSelection(input.project, selection);
        const row = await tx
          .insertInto('model_runs')
          .values({
            organization_id: version.organization_id,
            model_interface_id: id,
            model_version_id: version.id,
            project_id: input.project,
            selection: JSON.stringify(selection),
            timeout: input.timeout ?? 60,
            retries: input.retries ?? 2,
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const job = await jobs.enqueue(tx, RUN_JOB, {
          organizationId: row.organization_id,
          userId: actor.userId,
          projectId: row.project_id,
          payload: { model_run_id: row.id },
          message: `model run of "${version.title}"`,
        });
        const linked = await tx
          .updateTable('model_runs')
          .set({ job_id: job.id })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRun(tx, linked);
      });
    },

    listRuns: (actor: Actor, id: number, versionId: number) =>
      run(actor, async (tx) => {
        await org(tx, actor, 'models.read');
        await versionRow(tx, id, versionId);
        const rows = await tx
          .selectFrom('model_runs')
          .selectAll()
          .where('model_version_id', '=', versionId)
          .orderBy('id', 'desc')
          .limit(100)
          .execute();
        const out = [];
        for (const r of rows) {
          // Runs over projects the actor cannot see are left out.
          const visible = await authorizeOn(tx, actor, 'ml.read', r.project_id, 'run').then(
            () => true,
            () => false,
          );
          if (visible) out.push(await toRun(tx, r));
        }
        return out;
      }),

    getRun: (actor: Actor, runId: number) =>
      run(actor, async (tx) => {
        const row = await tx.selectFrom('model_runs').selectAll().where('id', '=', runId).executeTakeFirst();
        if (!row) throw new AppError('not_found', `model run ${runId} not found`);
        await authorizeOn(tx, actor, 'ml.read', row.project_id, `model run ${runId}`);
        return toRun(tx, row);
      }),
  };
}

export type ModelsService = ReturnType<typeof createModelsService>;

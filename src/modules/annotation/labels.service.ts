// The organization's label library (seed 003 labels_manager_label) and its links to project controls
// (labels_manager_labellink), as Label Studio's /api/labels and /api/label_links. Owners and admins keep the
// library; a project's managers link library labels to the project's controls.
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { LabelLibrary } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { authorizeOn, orgOf, scopeOf } from './targets.ts';

export interface LabelInput {
  title?: string | undefined;
  description?: string | null | undefined;
  value?: unknown;
  approved?: boolean | undefined;
}

const toLabel = (l: Selectable<LabelLibrary>) => ({
  id: l.id,
  organization: l.organization_id,
  title: l.title,
  description: l.description,
  value: l.value,
  approved: l.approved,
  approved_by: l.approved_by,
  created_by: l.created_by,
  created_at: l.created_at,
  updated_at: l.updated_at,
});

function cleanTitle(title: string): string {
  const out = title.trim();
  if (!out || out.includes('\u0000')) {
    const message = out ? 'must not contain NUL characters' : 'must not be blank';
    throw new AppError('validation_failed', `invalid request: title ${message}`, [
      { in: 'body', field: 'title', message },
    ]);
  }
  return out;
}

export function createLabelsService({ database }: Pick<Deps, 'database'>) {
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);

  async function label(tx: Tx, id: number) {
    const row = await tx.selectFrom('label_library').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', `label ${id} not found`);
    return row;
  }

  async function link(tx: Tx, actor: Actor, id: number) {
    const row = await tx.selectFrom('label_links').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', `label link ${id} not found`);
    await authorizeOn(tx, actor, 'project.read', row.project_id, `label link ${id}`);
    return row;
  }

  const toLink = (l: { id: number; project_id: number; label_id: number; from_name: string }) => ({
    id: l.id,
    project: l.project_id,
    label: l.label_id,
    from_name: l.from_name,
  });

  return {
    list: (actor: Actor, page: PageRequest) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.read', []);
        const { count } = await tx
          .selectFrom('label_library')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await tx
          .selectFrom('label_library')
          .selectAll()
          .orderBy('title')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(count), results: rows.map(toLabel) };
      }),

    get: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.read', []);
        return toLabel(await label(tx, id));
      }),

    create: (actor: Actor, input: LabelInput & { title: string; value: unknown }) => {
      const title = cleanTitle(input.title);
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.vocabulary.manage', []);
        const approved = input.approved ?? true;
        const row = await tx
          .insertInto('label_library')
          .values({
            organization_id: orgOf(actor),
            title,
            description: input.description ?? null,
            value: JSON.stringify(input.value),
            approved,
            approved_by: approved ? actor.userId : null,
            created_by: actor.userId,
          })
          .onConflict((oc) => oc.columns(['organization_id', 'title']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new AppError('conflict', `a label titled "${title}" already exists`);
        return toLabel(row);
      });
    },

    update: (actor: Actor, id: number, input: LabelInput) => {
      const title = input.title === undefined ? undefined : cleanTitle(input.title);
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.vocabulary.manage', []);
        await label(tx, id);
        if (title !== undefined) {
          const taken = await tx
            .selectFrom('label_library')
            .select('id')
            .where('title', '=', title)
            .where('id', '<>', id)
            .executeTakeFirst();
          if (taken) throw new AppError('conflict', `a label titled "${title}" already exists`);
        }
        const row = await tx
          .updateTable('label_library')
          .set({
            ...(title !== undefined && { title }),
            ...(input.description !== undefined && { description: input.description }),
            ...(input.value !== undefined && { value: JSON.stringify(input.value) }),
            ...(input.approved !== undefined && {
              approved: input.approved,
              approved_by: input.approved ? actor.userId : null,
            }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toLabel(row);
      });
    },

    remove: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.vocabulary.manage', []);
        const gone = await tx
          .deleteFrom('label_library')
          .where('id', '=', id)
          .returning('id')
          .executeTakeFirst();
        if (!gone) throw new AppError('not_found', `label ${id} not found`);
      }),

    links: (actor: Actor, projectId: number) =>
      run(actor, async (tx) => {
        await authorizeOn(tx, actor, 'project.read', projectId, `project ${projectId}`);
        const rows = await tx
          .selectFrom('label_links')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('id')
          .limit(10_000)
          .execute();
        return rows.map(toLink);
      }),

    getLink: (actor: Actor, id: number) => run(actor, async (tx) => toLink(await link(tx, actor, id))),

    addLink: (actor: Actor, input: { project: number; label: number; from_name: string }) =>
      run(actor, async (tx) => {
        await authorizeOn(tx, actor, 'project.update', input.project, `project ${input.project}`);
        await label(tx, input.label);
        const row = await tx
          .insertInto('label_links')
          .values({
            organization_id: orgOf(actor),
            project_id: input.project,
            label_id: input.label,
            from_name: input.from_name,
          })
          .onConflict((oc) => oc.columns(['project_id', 'label_id', 'from_name']).doNothing())
          .returningAll()
          .executeTakeFirst();
        const out =
          row ??
          (await tx
            .selectFrom('label_links')
            .selectAll()
            .where('project_id', '=', input.project)
            .where('label_id', '=', input.label)
            .where('from_name', '=', input.from_name)
            .executeTakeFirstOrThrow());
        return toLink(out);
      }),

    removeLink: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        const found = await link(tx, actor, id);
        await authorize(tx, actor, 'project.update', [found.project_id]);
        await tx.deleteFrom('label_links').where('id', '=', id).execute();
      }),
  };
}

export type LabelsService = ReturnType<typeof createLabelsService>;

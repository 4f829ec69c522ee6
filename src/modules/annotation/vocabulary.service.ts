// The organization's task flags (seed 003 tasks_flag, task_flags) and project tags (projects_tag,
// projects_projecttag): short vocabularies owners and admins keep, attached to tasks by the people labeling
// and reviewing them, and to projects by their managers. Titles are unique per organization.
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { authorizeOn, orgOf, scopeOf, taskFor } from './targets.ts';

export type VocabularyKind = 'flags' | 'tags';
export interface TermInput {
  title?: string | undefined;
  description?: string | null | undefined;
  color?: string | null | undefined;
}

const noun = { flags: 'flag', tags: 'tag' } as const;

function cleanTitle(title: string): string {
  const out = title.trim();
  const bad = (message: string) =>
    new AppError('validation_failed', `invalid request: title ${message}`, [
      { in: 'body', field: 'title', message },
    ]);
  if (!out) throw bad('must not be blank');
  if (out.includes('\u0000')) throw bad('must not contain NUL characters');
  return out;
}

export function createVocabularyService({ database }: Pick<Deps, 'database'>) {
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);

  const columns = (kind: VocabularyKind) =>
    kind === 'flags'
      ? (['id', 'title', 'description', 'color', 'created_at'] as const)
      : (['id', 'title', 'description', 'created_at'] as const);

  async function term(tx: Tx, kind: VocabularyKind, id: number) {
    const row = await tx.selectFrom(kind).select(columns(kind)).where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', `${noun[kind]} ${id} not found`);
    return row as {
      id: number;
      title: string;
      description: string | null;
      color?: string | null;
      created_at: Date;
    };
  }

  async function unique<T>(
    kind: VocabularyKind,
    title: string | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new AppError('conflict', `a ${noun[kind]} titled "${title}" already exists`);
      throw err;
    }
  }

  return {
    list: (actor: Actor, kind: VocabularyKind, page: PageRequest) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.read', []);
        const { count } = await tx
          .selectFrom(kind)
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await tx
          .selectFrom(kind)
          .select(columns(kind))
          .orderBy('title')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(count), results: rows };
      }),

    get: (actor: Actor, kind: VocabularyKind, id: number) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.read', []);
        return term(tx, kind, id);
      }),

    create: (actor: Actor, kind: VocabularyKind, input: TermInput & { title: string }) => {
      const title = cleanTitle(input.title);
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.vocabulary.manage', []);
        const values = {
          organization_id: orgOf(actor),
          title,
          description: input.description ?? null,
          ...(kind === 'flags' && { color: input.color ?? null }),
        };
        // ON CONFLICT keeps the unit of work usable; a taken title is a 409.
        const row = await tx
          .insertInto(kind)
          .values(values)
          .onConflict((oc) => oc.columns(['organization_id', 'title']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!row) throw new AppError('conflict', `a ${noun[kind]} titled "${title}" already exists`);
        return term(tx, kind, row.id);
      });
    },

    update: (actor: Actor, kind: VocabularyKind, id: number, input: TermInput) => {
      const title = input.title === undefined ? undefined : cleanTitle(input.title);
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.vocabulary.manage', []);
        await term(tx, kind, id);
        const set = {
          ...(title !== undefined && { title }),
          ...(input.description !== undefined && { description: input.description }),
          ...(kind === 'flags' && input.color !== undefined && { color: input.color }),
        };
        if (Object.keys(set).length) {
          await unique(kind, title, () => tx.updateTable(kind).set(set).where('id', '=', id).execute());
        }
        return term(tx, kind, id);
      });
    },

    remove: (actor: Actor, kind: VocabularyKind, id: number) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.vocabulary.manage', []);
        const gone = await tx.deleteFrom(kind).where('id', '=', id).returning('id').executeTakeFirst();
        if (!gone) throw new AppError('not_found', `${noun[kind]} ${id} not found`);
      }),

    /** The flags on a task. */
    taskFlags: (actor: Actor, taskId: number) =>
      run(actor, async (tx) => {
        await taskFor(tx, actor, taskId, 'tasks.read');
        return tx
          .selectFrom('task_flags as tf')
          .innerJoin('flags as f', 'f.id', 'tf.flag_id')
          .select(['f.id', 'f.title', 'f.description', 'f.color', 'f.created_at'])
          .where('tf.task_id', '=', taskId)
          .orderBy('f.title')
          .limit(1000)
          .execute();
      }),

    setTaskFlag: (actor: Actor, taskId: number, flagId: number, on: boolean) =>
      run(actor, async (tx) => {
        await taskFor(tx, actor, taskId, 'comments.create');
        await term(tx, 'flags', flagId);
        if (on) {
          await tx
            .insertInto('task_flags')
            .values({
              organization_id: orgOf(actor),
              task_id: taskId,
              flag_id: flagId,
              created_by: actor.userId,
            })
            .onConflict((oc) => oc.columns(['task_id', 'flag_id']).doNothing())
            .execute();
        } else {
          await tx
            .deleteFrom('task_flags')
            .where('task_id', '=', taskId)
            .where('flag_id', '=', flagId)
            .execute();
        }
      }),

    projectTags: (actor: Actor, projectId: number) =>
      run(actor, async (tx) => {
        await authorizeOn(tx, actor, 'project.read', projectId, `project ${projectId}`);
        return tx
          .selectFrom('project_tags as pt')
          .innerJoin('tags as t', 't.id', 'pt.tag_id')
          .select(['t.id', 't.title', 't.description', 't.created_at'])
          .where('pt.project_id', '=', projectId)
          .orderBy('t.title')
          .limit(1000)
          .execute();
      }),

    setProjectTag: (actor: Actor, projectId: number, tagId: number, on: boolean) =>
      run(actor, async (tx) => {
        await authorizeOn(tx, actor, 'project.update', projectId, `project ${projectId}`);
        await term(tx, 'tags', tagId);
        if (on) {
          await tx
            .insertInto('project_tags')
            .values({ organization_id: orgOf(actor), project_id: projectId, tag_id: tagId })
            .onConflict((oc) => oc.columns(['project_id', 'tag_id']).doNothing())
            .execute();
        } else {
          await tx
            .deleteFrom('project_tags')
            .where('project_id', '=', projectId)
            .where('tag_id', '=', tagId)
            .execute();
        }
      }),
  };
}

export type VocabularyService = ReturnType<typeof createVocabularyService>;

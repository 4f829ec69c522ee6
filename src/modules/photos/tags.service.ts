// Tags: a project's catalogue (name, source ai|user, colour) and the tags on photos, one photo or a selection.
import { sql } from 'kysely';
import { inScope } from '../../db/scope.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { canOnProject, tenantScope } from './photos.access.ts';
import { findPhotos, tagsOf } from './photos.repo.ts';
import { visiblePhoto } from './photos.service.ts';
import { applyTags, removeTags } from './tags.repo.ts';

const toTag = (r: {
  id: number;
  project_id: number;
  name: string;
  source: string;
  color: string | null;
  created_at: Date;
}) => ({
  id: r.id,
  project: r.project_id,
  name: r.name,
  source: r.source as 'ai' | 'user',
  color: r.color,
  created_at: r.created_at,
});

const tagNotFound = (id: number) => new AppError('not_found', `tag ${id} not found`);

export interface Selection {
  photo_ids: number[];
  add?: string[];
  add_ids?: number[];
  remove_ids?: number[];
}

export function createTagsService(deps: Pick<Deps, 'database' | 'config' | 'webhooks'>) {
  const { database, config, webhooks } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const conflict = (name: string) => new AppError('conflict', `the project already has a tag named ${name}`);

  return {
    async list(actor: Actor, projectId: number, page: { page: number; pageSize: number }) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.read', projectId, access);
        const base = tx.selectFrom('photo_tag_catalog').where('project_id', '=', projectId);
        const { count } = await base
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await base
          .selectAll()
          .orderBy('name')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(count), results: rows.map(toTag) };
      });
    },

    async create(actor: Actor, projectId: number, input: { name: string; color?: string | null }) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.tag', projectId, access);
        const row = await tx
          .insertInto('photo_tag_catalog')
          .values({
            organization_id: actor.organizationId!,
            project_id: projectId,
            name: input.name.trim(),
            source: 'user',
            color: input.color ?? null,
            created_by: actor.userId,
          })
          .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) throw conflict(input.name);
        return toTag(row);
      });
    },

    async update(
      actor: Actor,
      projectId: number,
      tagId: number,
      patch: { name?: string; color?: string | null },
    ) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.tag', projectId, access);
        if (patch.name !== undefined) {
          const clash = await tx
            .selectFrom('photo_tag_catalog')
            .select('id')
            .where('project_id', '=', projectId)
            .where('name', '=', patch.name.trim())
            .where('id', '<>', tagId)
            .executeTakeFirst();
          if (clash) throw conflict(patch.name);
        }
        const row = await tx
          .updateTable('photo_tag_catalog')
          .set({
            ...(patch.name !== undefined && { name: patch.name.trim() }),
            ...(patch.color !== undefined && { color: patch.color }),
            updated_at: sql`now()`,
          })
          .where('id', '=', tagId)
          .where('project_id', '=', projectId)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw tagNotFound(tagId);
        return toTag(row);
      });
    },

    async remove(actor: Actor, projectId: number, tagId: number) {
      await inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.manage', projectId, access);
        const res = await tx
          .deleteFrom('photo_tag_catalog')
          .where('id', '=', tagId)
          .where('project_id', '=', projectId)
          .executeTakeFirst();
        if (!res.numDeletedRows) throw tagNotFound(tagId);
      });
    },

    /** Adds tags (by name, created as user tags when new, or by id) to one photo; answers its tags. */
    async tagPhoto(actor: Actor, photoId: number, input: { names?: string[]; tag_ids?: number[] }) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        const photo = await visiblePhoto(tx, actor, photoId, 'photos.tag', access);
        const added = await applyTags(tx, {
          organizationId: photo.organization_id,
          projectId: photo.project_id,
          photoIds: [photo.id],
          names: input.names ?? [],
          tagIds: input.tag_ids ?? [],
          source: 'user',
          userId: actor.userId,
        });
        if (added)
          await webhooks.emit(tx, {
            organizationId: photo.organization_id,
            projectId: photo.project_id,
            action: 'PHOTO_TAGGED',
            payload: { photos: [photo.id], added: input },
          });
        return (await tagsOf(tx, [photo.id])).get(photo.id) ?? [];
      });
    },

    async untagPhoto(actor: Actor, photoId: number, tagId: number) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        const photo = await visiblePhoto(tx, actor, photoId, 'photos.tag', access);
        await removeTags(tx, photo.project_id, [photo.id], [tagId]);
        return (await tagsOf(tx, [photo.id])).get(photo.id) ?? [];
      });
    },

    /** Tags and untags a selection of the project's photos in one transaction, set-based. */
    async bulk(actor: Actor, projectId: number, s: Selection) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.tag', projectId, access);
        const found = (await findPhotos(tx, s.photo_ids)).filter((p) => p.project_id === projectId);
        if (found.length !== new Set(s.photo_ids).size) {
          const have = new Set(found.map((p) => p.id));
          const missing = s.photo_ids.filter((id) => !have.has(id));
          throw new AppError(
            'not_found',
            `photos not found in project ${projectId}: ${missing.slice(0, 20).join(', ')}`,
          );
        }
        const ids = found.map((p) => p.id);
        const added = await applyTags(tx, {
          organizationId: actor.organizationId!,
          projectId,
          photoIds: ids,
          names: s.add ?? [],
          tagIds: s.add_ids ?? [],
          source: 'user',
          userId: actor.userId,
        });
        const removed = await removeTags(tx, projectId, ids, s.remove_ids ?? []);
        if (added)
          await webhooks.emit(tx, {
            organizationId: actor.organizationId!,
            projectId,
            action: 'PHOTO_TAGGED',
            payload: { photos: ids, added: { names: s.add ?? [], tag_ids: s.add_ids ?? [] } },
          });
        return { photos: ids.length, added, removed };
      });
    },
  };
}

export type TagsService = ReturnType<typeof createTagsService>;

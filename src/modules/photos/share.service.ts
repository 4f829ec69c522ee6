// Share links: a read-only link to one photo or a set, with an unguessable token (32 random bytes, only its
// SHA-256 stored), an expiry, and revocation. The public read path resolves the token through one SECURITY
// DEFINER function (gt_open_photo_share) and then reads inside the link's organization: RLS is never weakened.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { inScope } from '../../db/scope.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { ThumbnailSize } from './image.ts';
import { canOnProject, tenantScope } from './photos.access.ts';
import { findPhotos, tagsOf } from './photos.repo.ts';
import { type PhotosService, toPhoto } from './photos.service.ts';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const DAY = 86_400;
const noLink = () => new AppError('not_found', 'this share link does not exist, has expired or was revoked');

export function createShareService(deps: Pick<Deps, 'database' | 'config'>, photos: PhotosService) {
  const { database, config } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const base = config.PUBLIC_URL?.replace(/\/+$/, '') ?? '';

  const toLink = (r: {
    id: number;
    project_id: number;
    photo_ids: number[];
    expires_at: Date;
    revoked_at: Date | null;
    created_at: Date;
  }) => ({
    id: r.id,
    project: r.project_id,
    photo_ids: r.photo_ids.map(Number),
    expires_at: r.expires_at,
    revoked_at: r.revoked_at,
    created_at: r.created_at,
  });

  /** The live link's organization and photos, or 404. */
  async function resolve(token: string) {
    const { rows } = await inScope(database.db, { organizationId: null, userId: null }, (tx) =>
      sql<{ organization_id: number; link_id: number; photo_ids: number[]; expires_at: Date }>`
        SELECT * FROM gt_open_photo_share(${hashOf(token)})`.execute(tx),
    );
    const link = rows[0];
    if (!link) throw noLink();
    return { ...link, photo_ids: link.photo_ids.map(Number) };
  }

  return {
    async create(actor: Actor, input: { photo_ids: number[]; expires_in_days?: number }) {
      const ids = [...new Set(input.photo_ids)];
      return inScope(database.db, tenantScope(actor), async (tx) => {
        const found = await findPhotos(tx, ids);
        const projects = [...new Set(found.map((p) => p.project_id))];
        if (found.length !== ids.length || projects.length !== 1) {
          if (projects.length > 1)
            throw new AppError('bad_request', 'the photos of one link must be in one project');
          throw new AppError('not_found', 'some of these photos do not exist');
        }
        try {
          await canOnProject(tx, actor, 'photos.read', projects[0]!, access);
        } catch (err) {
          if (err instanceof AppError && err.code === 'not_found')
            throw new AppError('not_found', 'some of these photos do not exist');
          throw err;
        }
        await canOnProject(tx, actor, 'photos.manage', projects[0]!, access);
        const token = randomBytes(32).toString('base64url');
        const row = await tx
          .insertInto('photo_share_links')
          .values({
            organization_id: actor.organizationId!,
            project_id: projects[0]!,
            token_hash: hashOf(token),
            photo_ids: ids,
            created_by: actor.userId,
            expires_at: new Date(Date.now() + (input.expires_in_days ?? 7) * DAY * 1000),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { ...toLink(row), token, url: `${base}/api/shared/photos/${token}` };
      });
    },

    async list(actor: Actor, projectId: number) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.manage', projectId, access);
        const rows = await tx
          .selectFrom('photo_share_links')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('created_at', 'desc')
          .limit(500)
          .execute();
        return rows.map(toLink);
      });
    },

    async revoke(actor: Actor, linkId: number) {
      await inScope(database.db, tenantScope(actor), async (tx) => {
        const row = await tx
          .selectFrom('photo_share_links')
          .selectAll()
          .where('id', '=', linkId)
          .executeTakeFirst();
        if (!row) throw new AppError('not_found', `share link ${linkId} not found`);
        try {
          await canOnProject(tx, actor, 'photos.manage', row.project_id, access);
        } catch (err) {
          if (err instanceof AppError && err.code === 'not_found')
            throw new AppError('not_found', `share link ${linkId} not found`);
          throw err;
        }
        await tx
          .updateTable('photo_share_links')
          .set({ revoked_at: sql`coalesce(revoked_at, now())` })
          .where('id', '=', linkId)
          .execute();
      });
    },

    /** The shared photos (no EXIF: it can hold more than the sharer meant to give), with public URLs. */
    async open(token: string) {
      const link = await resolve(token);
      return inScope(database.db, { organizationId: link.organization_id, userId: null }, async (tx) => {
        const rows = await findPhotos(tx, link.photo_ids);
        const tags = await tagsOf(
          tx,
          rows.map((r) => r.id),
        );
        const at = `${base}/api/shared/photos/${token}/${'{id}'}`;
        return {
          expires_at: link.expires_at,
          photos: rows.map((r) => {
            const p = toPhoto(r, tags.get(r.id) ?? [], false);
            const own = at.replace('{id}', String(r.id));
            return {
              ...p,
              urls: {
                original: `${own}/original`,
                small: p.urls.small && `${own}/thumbnail?size=small`,
                large: p.urls.large && `${own}/thumbnail?size=large`,
              },
            };
          }),
        };
      });
    },

    async bytes(token: string, photoId: number, what: 'original' | ThumbnailSize) {
      const link = await resolve(token);
      if (!link.photo_ids.includes(photoId)) throw noLink();
      const row = await inScope(
        database.db,
        { organizationId: link.organization_id, userId: null },
        async (tx) => (await findPhotos(tx, [photoId]))[0],
      );
      if (!row) throw noLink();
      return { row, ...(await photos.bytesOf(row, what)) };
    },
  };
}

export type ShareService = ReturnType<typeof createShareService>;

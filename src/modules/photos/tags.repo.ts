// SQL for the tag catalogue and photo tags, set-based: a selection of photos is tagged in two statements.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';

export interface ApplyTags {
  organizationId: number;
  projectId: number;
  photoIds: readonly number[];
  /** Tag names, created in the catalogue (with `source`) when new. */
  names?: readonly string[];
  tagIds?: readonly number[];
  source: 'ai' | 'user';
  confidence?: number | null;
  detectionId?: number | null;
  userId: number | null;
}

/** Ensures the named tags exist in the project's catalogue; answers their ids by name. */
export async function ensureTags(
  tx: Tx,
  organizationId: number,
  projectId: number,
  names: readonly string[],
  source: 'ai' | 'user',
  userId: number | null,
): Promise<Map<string, number>> {
  const unique = [...new Set(names.map((n) => n.trim()).filter((n) => n.length > 0))];
  if (unique.length === 0) return new Map();
  await tx
    .insertInto('photo_tag_catalog')
    .values(
      unique.map((name) => ({
        organization_id: organizationId,
        project_id: projectId,
        name,
        source,
        created_by: userId,
      })),
    )
    .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
    .execute();
  const rows = await tx
    .selectFrom('photo_tag_catalog')
    .select(['id', 'name'])
    .where('project_id', '=', projectId)
    .where('name', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** Tags every photo of the selection with every tag (named or by id); existing pairs stay as they are. */
export async function applyTags(tx: Tx, a: ApplyTags): Promise<number> {
  const byName = await ensureTags(tx, a.organizationId, a.projectId, a.names ?? [], a.source, a.userId);
  const tagIds = [...new Set([...byName.values(), ...(a.tagIds ?? [])])];
  if (tagIds.length === 0 || a.photoIds.length === 0) return 0;
  const { rows } = await sql<{ n: number }>`
    WITH added AS (
      INSERT INTO photo_tags (organization_id, photo_id, tag_id, source, confidence, detection_id, created_by)
      SELECT ${a.organizationId}, p.id, t.id, ${a.source}, ${a.confidence ?? null}::double precision,
             ${a.detectionId ?? null}::bigint, ${a.userId}::bigint
      FROM photos p
      JOIN photo_tag_catalog t ON t.project_id = p.project_id
      WHERE p.id = ANY(${a.photoIds as number[]}::bigint[]) AND p.project_id = ${a.projectId}
        AND p.deleted_at IS NULL AND t.id = ANY(${tagIds}::bigint[])
      ON CONFLICT (photo_id, tag_id) DO NOTHING
      RETURNING 1
    ) SELECT count(*)::int AS n FROM added`.execute(tx);
  return rows[0]?.n ?? 0;
}

export async function removeTags(
  tx: Tx,
  projectId: number,
  photoIds: readonly number[],
  tagIds: readonly number[],
): Promise<number> {
  if (photoIds.length === 0 || tagIds.length === 0) return 0;
  const res = await tx
    .deleteFrom('photo_tags')
    .where('photo_id', 'in', photoIds as number[])
    .where('tag_id', 'in', tagIds as number[])
    .where('tag_id', 'in', (eb) =>
      eb.selectFrom('photo_tag_catalog').select('id').where('project_id', '=', projectId),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

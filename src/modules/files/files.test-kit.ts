// Helpers for the files tests: multipart bodies, PNG bytes, and the blob reference count the module asks a
// migration for (applied here to the test's own database, idempotently, until the migration exists).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { inOrg, type Person } from '../../../test/http-factories.ts';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

export const PNG_HEADER = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0c6bb6a0000000049454e44ae426082',
  'hex',
);

export interface PartSpec {
  name: string;
  bytes: Buffer | string;
  type?: string;
  field?: string;
}

/** A multipart/form-data body as a browser would send it. */
export async function multipart(parts: PartSpec[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const p of parts) {
    const bytes = typeof p.bytes === 'string' ? Buffer.from(p.bytes) : p.bytes;
    form.append(p.field ?? 'file', new Blob([bytes], { type: p.type ?? 'application/octet-stream' }), p.name);
  }
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await req.arrayBuffer()),
    headers: { 'content-type': req.headers.get('content-type')! },
  };
}

/**
 * The migration the files module needs for deleting blobs safely: a count, across organizations, of the live
 * files rows that point at each content-addressed blob (RLS hides the other organizations' rows).
 */
export const BLOB_REFS_SQL = `
  CREATE TABLE IF NOT EXISTS blob_refs (
    storage_key text PRIMARY KEY CHECK (length(storage_key) BETWEEN 1 AND 1024),
    refs integer NOT NULL DEFAULT 0 CHECK (refs >= 0)
  );
  REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON blob_refs FROM groundtruth_app;
  GRANT SELECT ON blob_refs TO groundtruth_app;
  CREATE OR REPLACE FUNCTION gt_count_blob_refs() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
  BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'deleted' THEN
      UPDATE blob_refs SET refs = refs - 1 WHERE storage_key = OLD.storage_key;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> 'deleted' THEN
      INSERT INTO blob_refs (storage_key, refs) VALUES (NEW.storage_key, 1)
        ON CONFLICT (storage_key) DO UPDATE SET refs = blob_refs.refs + 1;
    END IF;
    RETURN NULL;
  END $f$;
  DROP TRIGGER IF EXISTS files_blob_refs ON files;
  CREATE TRIGGER files_blob_refs AFTER INSERT OR DELETE OR UPDATE OF status, storage_key ON files
    FOR EACH ROW EXECUTE FUNCTION gt_count_blob_refs();
`;

export async function applyBlobRefs(database: Database): Promise<void> {
  await sql.raw(BLOB_REFS_SQL).execute(database.db);
}

export const MHD =
  'ObjectType = Image\nNDims = 3\nDimSize = 4 4 4\nElementType = MET_UCHAR\nElementDataFile = ct.raw\n';

/** Calls of the files API as a person (the app is built in before(), hence the getter). */
export function filesClient(appOf: () => App) {
  async function upload(
    person: Person,
    parts: PartSpec[],
    fields: Record<string, string> = {},
    orgId?: number,
  ) {
    const body = await multipart(parts, fields);
    return appOf().inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...inOrg(person, orgId ?? person.orgId), ...body.headers },
      payload: body.payload,
    });
  }
  const get = (person: Person, url: string, headers: Record<string, string> = {}) =>
    appOf().inject({ method: 'GET', url, headers: { ...person.headers, ...headers } });

  /** A project of `person`'s organization with the given members. */
  async function project(person: Person, members: { user: Person; role: string }[] = []) {
    const app = appOf();
    const res = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: person.headers,
      payload: { title: `site ${randomBytes(3).toString('hex')}` },
    });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id as number;
    for (const m of members) {
      const added = await app.inject({
        method: 'POST',
        url: `/api/projects/${id}/members`,
        headers: person.headers,
        payload: { user_id: m.user.id, role: m.role },
      });
      assert.equal(added.statusCode, 201, added.body);
    }
    return id;
  }
  return { upload, get, project };
}

/** Adds `person` to `orgOwner`'s organization as a member (the invitation flow is tenancy's). */
export async function joinOrg(database: Database, orgOwner: Person, person: Person): Promise<void> {
  await inScope(database.db, { organizationId: orgOwner.orgId, userId: orgOwner.id }, (tx) =>
    tx
      .insertInto('organization_members')
      .values({ organization_id: orgOwner.orgId, user_id: person.id, role: 'member' })
      .execute(),
  );
}

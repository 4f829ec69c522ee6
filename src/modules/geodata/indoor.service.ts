// Indoor projects (D2S): organization-level containers, optionally in a team, behind the `indoor` extension.
// Viewer reads, Manager writes, Owner deletes (policy.ts 'indoor.*' on the indoor_project kind). Their data files
// are spreadsheets (CSV, TSV, XLSX: parsed into indoor_data_rows by a job, see indoor.jobs.ts) and images
// (width and height read with sharp), typed from their bytes.
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize, effectiveRoles, organizationRole } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { StoredBlob } from '../../platform/files/index.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import {
  detectMimeType,
  findByUploadId,
  hasBlobRefs,
  insertFile,
  keysInUseHere,
  storeWithHead,
  unreferencedKeys,
} from '../files/index.ts';
import { requireExtension } from './extensions.service.ts';
import { orgOf, record } from './geodata.service.ts';
import { INDOOR_PARSE_JOB } from './indoor.jobs.ts';
import type { Column } from './indoor.parse.ts';
import { sheetFormatOf } from './indoor.parse.ts';
import * as repo from './indoor.repo.ts';

export const INDOOR_FILE_MAX_BYTES = 200 * 1024 ** 2;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/tiff', 'image/webp']);
const ACCEPTED = 'CSV, TSV or XLSX spreadsheets, or PNG, JPEG, TIFF or WebP images';

type IndoorAction = 'indoor.read' | 'indoor.write' | 'indoor.delete';

const toProject = (r: repo.ProjectRow) => ({
  id: r.id,
  team_id: r.team_id,
  title: r.title,
  description: r.description,
  start_date: r.start_date as string | null,
  end_date: r.end_date as string | null,
  created_by: r.created_by,
  role: r.role as 'owner' | 'manager' | 'viewer',
  created_at: r.created_at,
  updated_at: r.updated_at,
});

const toData = (r: repo.DataRow) => ({
  id: r.id,
  indoor_project_id: r.indoor_project_id,
  file_id: r.file_id,
  original_name: r.original_name,
  file_type: r.file_type as 'spreadsheet' | 'image' | 'other',
  mime_type: r.mime_type,
  size_bytes: r.size_bytes === null ? null : Number(r.size_bytes),
  status: r.status as 'processing' | 'ready' | 'failed',
  error: r.error,
  job_id: r.job_id,
  columns: r.columns as Column[] | null,
  row_count: r.row_count,
  width: r.width,
  height: r.height,
  created_by: r.created_by,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

const bad = (field: string, message: string, where: 'body' | 'querystring' = 'body') =>
  new AppError('bad_request', `invalid request: ${field} ${message}`, [{ in: where, field, message }]);

function checkDates(start: string | null | undefined, end: string | null | undefined) {
  if (start && end && end < start) throw bad('end_date', 'must not be before start_date');
}

export interface RowsRequest {
  page: PageRequest;
  sort?: string | undefined;
  /** The remaining query keys: filter[col] and contains[col]. */
  extra: Record<string, string>;
}

export function createIndoorService(deps: Pick<Deps, 'database' | 'jobs' | 'blobs'>) {
  const { database, jobs, blobs } = deps;
  const run = <T>(actor: Actor, fn: (tx: Tx, org: number) => Promise<T>) => {
    const org = orgOf(actor);
    return inScope(
      database.db,
      { organizationId: org, userId: actor.userId, requireMembership: true },
      (tx) => fn(tx, org),
    );
  };

  /** The project if the actor may `action` on it (404 when invisible, 403 when the role is not enough). */
  async function projectIn(tx: Tx, actor: Actor, id: number, action: IndoorAction) {
    // Visibility first: an invisible project is 404 whether or not the actor has the extension.
    await authorize(tx, actor, action, [id]);
    await requireExtension(tx, actor, 'indoor');
    const role = (await organizationRole(tx, actor)) ?? 'member';
    return (await repo.findProject(tx, actor.userId, role, id))!;
  }

  async function dataIn(tx: Tx, actor: Actor, id: number, action: IndoorAction) {
    const row = await repo.findData(tx, id);
    const missing = new AppError('not_found', `indoor data ${id} not found`);
    if (!row) throw missing;
    try {
      await authorize(tx, actor, action, [row.indoor_project_id]);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw missing;
      throw err;
    }
    await requireExtension(tx, actor, 'indoor');
    return row;
  }

  /** A team the actor may file projects in: one they own or manage (404 when not visible). */
  async function checkTeam(tx: Tx, actor: Actor, teamId: number) {
    const roles = await effectiveRoles(tx, actor, 'team', [teamId]);
    const role = roles.get(teamId);
    if (!role) throw new AppError('not_found', `team ${teamId} not found`);
    if (role !== 'owner' && role !== 'manager')
      throw new AppError(
        'forbidden',
        `your role on team ${teamId} (${role}) does not allow filing projects in it`,
      );
  }

  async function dropBlobs(tx: Tx, keys: string[]) {
    const usedHere = await keysInUseHere(tx, keys);
    const candidates = keys.filter((k) => !usedHere.has(k));
    if (candidates.length === 0 || !(await hasBlobRefs(tx))) return;
    for (const key of await unreferencedKeys(tx, candidates)) await blobs.delete(key);
  }

  async function discard(actor: Actor, key: string) {
    await run(actor, (tx) => dropBlobs(tx, [key]));
  }

  /** What a stored file is: a sheet, or an image with its size; 415 for anything else. */
  async function classify(key: string, head: Buffer, name: string) {
    const mime = await detectMimeType(head, name, null);
    if (sheetFormatOf(mime)) return { mime, fileType: 'spreadsheet' as const, width: null, height: null };
    if (!IMAGE_TYPES.has(mime))
      throw new AppError('unsupported_media_type', `${mime} is not accepted here: send ${ACCEPTED}`);
    try {
      const meta = await (await blobs.get(key)).pipe(sharp({ limitInputPixels: false })).metadata();
      if (!meta.width || !meta.height) throw new Error('no dimensions');
      return { mime, fileType: 'image' as const, width: meta.width, height: meta.height };
    } catch (err) {
      throw new AppError('unprocessable', `${name} is not a readable image: ${(err as Error).message}`);
    }
  }

  /** The data file's rows, its parse job queued when it is a sheet. */
  async function admit(
    tx: Tx,
    actor: Actor,
    org: number,
    projectId: number,
    file: { id: number; name: string },
    kind: Awaited<ReturnType<typeof classify>>,
  ) {
    const sheet = kind.fileType === 'spreadsheet';
    const { id } = await tx
      .insertInto('indoor_project_data')
      .values({
        organization_id: org,
        indoor_project_id: projectId,
        file_id: file.id,
        original_name: file.name,
        file_type: kind.fileType,
        status: sheet ? 'processing' : 'ready',
        width: kind.width,
        height: kind.height,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (sheet) {
      const job = await jobs.enqueue(tx, INDOOR_PARSE_JOB, {
        organizationId: org,
        userId: actor.userId,
        payload: { dataId: id },
        message: `parse ${file.name}`,
      });
      await tx.updateTable('indoor_project_data').set({ job_id: job.id }).where('id', '=', id).execute();
    }
    await record(tx, actor, 'indoor.data_create', 'indoor_project_data', id, { name: file.name });
    return toData((await repo.findData(tx, id))!);
  }

  return {
    async create(
      actor: Actor,
      body: {
        title: string;
        description?: string | null | undefined;
        start_date?: string | null | undefined;
        end_date?: string | null | undefined;
        team_id?: number | null | undefined;
      },
    ) {
      return run(actor, async (tx, org) => {
        await requireExtension(tx, actor, 'indoor');
        await authorize(tx, actor, 'indoor.create', []);
        checkDates(body.start_date, body.end_date);
        if (body.team_id) await checkTeam(tx, actor, body.team_id);
        const { id } = await tx
          .insertInto('indoor_projects')
          .values({
            organization_id: org,
            team_id: body.team_id ?? null,
            title: body.title.trim(),
            description: body.description ?? null,
            start_date: body.start_date ?? null,
            end_date: body.end_date ?? null,
            created_by: actor.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'indoor.project_create', 'indoor_project', id, { title: body.title });
        return toProject((await repo.findProject(tx, actor.userId, 'owner', id))!);
      });
    },

    async list(
      actor: Actor,
      q: { search?: string | undefined; team_id?: number | undefined },
      page: PageRequest,
    ) {
      return run(actor, async (tx) => {
        await requireExtension(tx, actor, 'indoor');
        const role = await organizationRole(tx, actor);
        if (role === null) throw new AppError('not_found', 'organization not found');
        const { count, rows } = await repo.listProjects(
          tx,
          actor.userId,
          role,
          { search: q.search, teamId: q.team_id },
          page,
        );
        return { count, results: rows.map(toProject) };
      });
    },

    async get(actor: Actor, id: number) {
      return run(actor, async (tx) => toProject(await projectIn(tx, actor, id, 'indoor.read')));
    },

    async update(
      actor: Actor,
      id: number,
      patch: {
        title?: string | undefined;
        description?: string | null | undefined;
        start_date?: string | null | undefined;
        end_date?: string | null | undefined;
        team_id?: number | null | undefined;
      },
    ) {
      return run(actor, async (tx) => {
        const row = await projectIn(tx, actor, id, 'indoor.write');
        const start = patch.start_date !== undefined ? patch.start_date : (row.start_date as string | null);
        const end = patch.end_date !== undefined ? patch.end_date : (row.end_date as string | null);
        checkDates(start, end);
        if (patch.team_id) await checkTeam(tx, actor, patch.team_id);
        await tx
          .updateTable('indoor_projects')
          .set({
            ...(patch.title !== undefined && { title: patch.title.trim() }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.start_date !== undefined && { start_date: patch.start_date }),
            ...(patch.end_date !== undefined && { end_date: patch.end_date }),
            ...(patch.team_id !== undefined && { team_id: patch.team_id }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute();
        await record(tx, actor, 'indoor.project_update', 'indoor_project', id, {
          fields: Object.keys(patch),
        });
        const role = (await organizationRole(tx, actor)) ?? 'member';
        const after = await repo.findProject(tx, actor.userId, role, id);
        if (!after) throw new AppError('not_found', `indoor project ${id} not found`); // moved out of reach
        return toProject(after);
      });
    },

    /** Deletes the project with its data files, their rows and stored bytes. */
    async remove(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        await projectIn(tx, actor, id, 'indoor.delete');
        const files = await tx
          .selectFrom('indoor_project_data')
          .select('file_id')
          .where('indoor_project_id', '=', id)
          .where('file_id', 'is not', null)
          .execute();
        await tx.deleteFrom('indoor_projects').where('id', '=', id).execute();
        const keys = await repo.deleteFiles(
          tx,
          files.map((f) => f.file_id!),
        );
        await record(tx, actor, 'indoor.project_delete', 'indoor_project', id, { files: files.length });
        await dropBlobs(tx, keys);
      });
    },

    /** Refuses early, before any byte is stored, an upload the actor may not make. */
    async checkUpload(actor: Actor, projectId: number) {
      await run(actor, (tx) => projectIn(tx, actor, projectId, 'indoor.write'));
    },

    /** Streams one file in (at most INDOOR_FILE_MAX_BYTES), types it from its bytes, records it. */
    async upload(actor: Actor, projectId: number, source: Readable, name: string) {
      const { blob, head } = await storeWithHead(blobs, source, INDOOR_FILE_MAX_BYTES);
      let kind: Awaited<ReturnType<typeof classify>>;
      try {
        kind = await classify(blob.key, head, name);
      } catch (err) {
        await discard(actor, blob.key);
        throw err;
      }
      return run(actor, async (tx, org) => {
        await projectIn(tx, actor, projectId, 'indoor.write');
        const file = await insertFile(tx, fileOf(actor, org, blob, name, kind.mime, projectId));
        return admit(tx, actor, org, projectId, { id: file.id, name }, kind);
      });
    },

    /** A finished tus upload of the actor's becomes a data file of the project (its bytes are stored already). */
    async uploadFromTus(actor: Actor, projectId: number, uploadId: string) {
      const file = await run(actor, async (tx) => {
        await projectIn(tx, actor, projectId, 'indoor.write');
        const row = await findByUploadId(tx, uploadId);
        return row && row.uploaded_by === actor.userId ? row : null;
      });
      if (!file) throw new AppError('not_found', `no finished upload ${uploadId} of yours`);
      if (file.size_bytes > INDOOR_FILE_MAX_BYTES)
        throw new AppError(
          'payload_too_large',
          `indoor data files are limited to ${INDOOR_FILE_MAX_BYTES} bytes`,
        );
      const chunks: Buffer[] = [];
      for await (const c of await blobs.get(file.storage_key, { start: 0, end: 64 * 1024 - 1 }))
        chunks.push(c as Buffer);
      const kind = await classify(file.storage_key, Buffer.concat(chunks), file.original_name);
      return run(actor, async (tx, org) => {
        await projectIn(tx, actor, projectId, 'indoor.write');
        const used = await tx
          .selectFrom('indoor_project_data')
          .select('id')
          .where('file_id', '=', file.id)
          .executeTakeFirst();
        if (used) throw new AppError('conflict', `upload ${uploadId} is indoor data ${used.id} already`);
        return admit(tx, actor, org, projectId, { id: file.id, name: file.original_name }, kind);
      });
    },

    async listData(
      actor: Actor,
      projectId: number,
      q: { file_type?: string | undefined },
      page: PageRequest,
    ) {
      return run(actor, async (tx) => {
        await projectIn(tx, actor, projectId, 'indoor.read');
        const { count, rows } = await repo.listData(tx, projectId, { fileType: q.file_type }, page);
        return { count, results: rows.map(toData) };
      });
    },

    async getData(actor: Actor, id: number) {
      return run(actor, async (tx) => toData(await dataIn(tx, actor, id, 'indoor.read')));
    },

    async removeData(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        const row = await dataIn(tx, actor, id, 'indoor.write');
        await tx.deleteFrom('indoor_project_data').where('id', '=', id).execute();
        const keys = await repo.deleteFiles(tx, row.file_id ? [row.file_id] : []);
        await record(tx, actor, 'indoor.data_delete', 'indoor_project_data', id, { name: row.original_name });
        await dropBlobs(tx, keys);
      });
    },

    /** The stored bytes of a data file. */
    async open(actor: Actor, id: number) {
      const row = await run(actor, (tx) => dataIn(tx, actor, id, 'indoor.read'));
      if (!row.storage_key) throw new AppError('not_found', `the file of indoor data ${id} is gone`);
      return { row, stream: await blobs.get(row.storage_key) };
    },

    /** A page of a parsed sheet's rows: filter[col] equals, contains[col] substring, sort by a column. */
    async rows(actor: Actor, id: number, q: RowsRequest) {
      return run(actor, async (tx) => {
        const row = await dataIn(tx, actor, id, 'indoor.read');
        if (row.file_type !== 'spreadsheet')
          throw new AppError('bad_request', `indoor data ${id} is not a spreadsheet`);
        if (row.status === 'processing')
          throw new AppError('conflict', `indoor data ${id} is still being parsed (job ${row.job_id})`, {
            job_id: row.job_id,
          });
        if (row.status === 'failed')
          throw new AppError('conflict', `indoor data ${id} could not be parsed: ${row.error}`);
        const columns = (row.columns ?? []) as unknown as Column[];
        const position = (name: string, field: string) => {
          const i = columns.findIndex((c) => c.name === name);
          if (i < 0)
            throw bad(
              field,
              `names no column of this sheet (columns: ${columns.map((c) => c.name).join(', ')})`,
              'querystring',
            );
          return i + 1;
        };
        const query: repo.RowQuery = { equals: [], contains: [], sort: null };
        for (const [key, value] of Object.entries(q.extra)) {
          const m = /^(filter|contains)\[(.+)\]$/.exec(key);
          if (!m)
            throw bad(
              key,
              'is not a parameter here: use filter[column], contains[column], sort, page, page_size',
              'querystring',
            );
          if (typeof value !== 'string') throw bad(key, 'must be given once', 'querystring');
          const col = position(m[2]!, key);
          (m[1] === 'filter' ? query.equals : query.contains).push([col, value]);
        }
        if (q.sort) {
          const desc = q.sort.startsWith('-');
          const name = desc ? q.sort.slice(1) : q.sort;
          const col = position(name, 'sort');
          query.sort = { column: col, numeric: columns[col - 1]!.type === 'number', desc };
        }
        const unfiltered = query.equals.length === 0 && query.contains.length === 0;
        const { count, rows } = await repo.queryRows(
          tx,
          id,
          query,
          q.page,
          unfiltered ? row.row_count : null,
        );
        return {
          count,
          columns,
          results: rows.map((r) => ({
            row_number: r.row_number,
            values: Object.fromEntries(columns.map((c, i) => [c.name, r.cells[i] ?? null])),
          })),
        };
      });
    },
  };
}

function fileOf(actor: Actor, org: number, blob: StoredBlob, name: string, mime: string, projectId: number) {
  return {
    organizationId: org,
    projectId: null,
    uploadedBy: actor.userId,
    parentFileId: null,
    storageKey: blob.key,
    name,
    mimeType: mime,
    size: blob.size,
    sha256: blob.sha256,
    metadata: { indoor_project_id: projectId },
  };
}

export type IndoorService = ReturnType<typeof createIndoorService>;

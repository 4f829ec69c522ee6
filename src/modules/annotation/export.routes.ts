// Label Studio's export endpoints: the easy export streamed as a download, and snapshot exports.
import type { Readable } from 'node:stream';
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  ConvertAnswer,
  ConvertBody,
  CreateExportBody,
  DownloadQuery,
  ExportParams,
  ExportQuery,
  Snapshot,
  SnapshotListQuery,
  SnapshotParams,
} from './export.schemas.ts';
import type { ExportService } from './export.service.ts';

const tags = ['export'];
const File = Type.Unsafe<Readable>(Type.String({ format: 'binary', description: 'the export file' }));

const disposition = (projectId: number, extension: string) => {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `attachment; filename="project-${projectId}-at-${stamp}.${extension}"`;
};

export function exportRoutes(app: App, exports: ExportService): void {
  app.get(
    '/api/projects/:id/export',
    {
      schema: {
        tags,
        summary: "Download the project's tasks in an export format, streamed (Label Studio's easy export)",
        description:
          'JSON (default), JSON_MIN, CSV, TSV, CONLL2003 (text NER projects); COCO, YOLO and VOC as a zip. ' +
          'Without download_all_tasks=true only tasks with annotations are exported; ids (or ids[]) picks tasks.',
        params: ExportParams,
        querystring: ExportQuery,
        response: { 200: File, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const type = q.exportType ?? q.export_type ?? 'JSON';
      const out = await exports.stream(actorOf(request), request.params.id, type, {
        all: q.download_all_tasks ?? false,
        ...((q.ids ?? q['ids[]']) && { ids: [...(q.ids ?? []), ...(q['ids[]'] ?? [])] }),
      });
      return reply
        .header('content-type', out.contentType)
        .header('content-disposition', disposition(request.params.id, out.extension))
        .send(out.stream);
    },
  );

  app.post(
    '/api/projects/:id/exports',
    {
      schema: {
        tags,
        summary: 'Create a snapshot export (runs as a job; poll it, then download)',
        params: ExportParams,
        body: CreateExportBody,
        response: { 201: Snapshot, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await exports.create(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/projects/:id/exports',
    {
      schema: {
        tags,
        summary: "The project's snapshot exports, newest first (a list, as Label Studio answers)",
        params: ExportParams,
        querystring: SnapshotListQuery,
        response: { 200: Type.Array(Snapshot), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      exports.list(actorOf(request), request.params.id, {
        page: request.query.page ?? 1,
        pageSize: request.query.page_size ?? 100,
      }),
  );

  app.get(
    '/api/projects/:id/exports/:export_id',
    {
      schema: {
        tags,
        summary: 'One snapshot export',
        params: SnapshotParams,
        response: { 200: Snapshot, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => exports.get(actorOf(request), request.params.id, request.params.export_id),
  );

  app.delete(
    '/api/projects/:id/exports/:export_id',
    {
      schema: {
        tags,
        summary: 'Delete a snapshot export',
        params: SnapshotParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await exports.remove(actorOf(request), request.params.id, request.params.export_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/projects/:id/exports/:export_id/convert',
    {
      schema: {
        tags,
        summary: 'Convert a finished snapshot into another format (runs as a job)',
        params: SnapshotParams,
        body: ConvertBody,
        response: { 201: ConvertAnswer, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await exports.convert(
            actorOf(request),
            request.params.id,
            request.params.export_id,
            request.body.export_type,
          ),
        ),
  );

  app.get(
    '/api/projects/:id/exports/:export_id/download',
    {
      schema: {
        tags,
        summary:
          "A snapshot's file (JSON, or a format it was converted to; 404 until that conversion exists)",
        params: SnapshotParams,
        querystring: DownloadQuery,
        response: { 200: File, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const type = request.query.exportType ?? request.query.export_type ?? 'JSON';
      const out = await exports.download(actorOf(request), request.params.id, request.params.export_id, type);
      return reply
        .header('content-type', out.contentType)
        .header('content-disposition', disposition(request.params.id, out.extension))
        .send(out.stream);
    },
  );
}

// HTTP for vector layers that needs its own body handling: creating a layer from GeoJSON (JSON body) or from an
// uploaded file (multipart `file`: GeoJSON, zipped shapefile, GeoPackage), and the layer's vector tiles.
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Actor } from '../../platform/auth/actor.ts';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { Id, IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { validatorCompiler } from '../../platform/http/validator.ts';
import { VectorLayer, VectorLayerBody } from './geodata.schemas.ts';
import type { SpooledFile, VectorImport } from './vectors.import.ts';
import type { VectorsService } from './vectors.service.ts';
import { MVT_LAYER, type VectorTiles } from './vectors.tiles.ts';

const tags = ['geodata'];
export const VECTOR_FILE_MAX_BYTES = 200 * 1024 ** 2;

const invalid = (field: string, message: string) =>
  new AppError('bad_request', `invalid request: ${field} ${message}`, [{ in: 'body', field, message }]);

function multipartError(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
    return new AppError('payload_too_large', (err as Error).message);
  if (err instanceof AppError) return err;
  if (
    err instanceof Error &&
    !(err as { statusCode?: number }).statusCode &&
    /form|multipart|boundary|part/i.test(err.message)
  )
    return new AppError('bad_request', `the multipart body is malformed: ${err.message}`);
  return err;
}

const baseName = (raw: string) => raw.replaceAll('\\', '/').split('/').pop()!.trim();

/** The form's optional `name` and one `file`, spooled to a temporary directory after the access check. */
async function readForm(request: FastifyRequest, actor: Actor, projectId: number, importer: VectorImport) {
  let name: string | null = null;
  let spooled: SpooledFile | null = null;
  try {
    await importer.checkWrite(actor, projectId);
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const file = part as MultipartFile;
        if (file.fieldname !== 'file' || spooled) {
          file.file.resume();
          throw invalid(file.fieldname, 'is not expected (send one part named "file")');
        }
        const userName = baseName(file.filename ?? '') || 'upload';
        spooled = await importer.spool(file.file, userName.slice(0, 255));
        if (file.file.truncated)
          throw new AppError('payload_too_large', `the file is larger than ${VECTOR_FILE_MAX_BYTES} bytes`);
      } else {
        const field = part as MultipartValue<unknown>;
        if (field.fieldname !== 'name') throw invalid(field.fieldname, 'is not a field of this form');
        name = String(field.value).trim();
        if (name.length < 1 || name.length > 255) throw invalid('name', 'must be 1 to 255 characters');
      }
    }
    if (!spooled) throw invalid('file', 'is missing (send the vector file in a part named "file")');
  } catch (err) {
    if (spooled) await importer.discard(spooled);
    throw multipartError(err);
  }
  return { spooled, name: name ?? (spooled.userName.replace(/\.[^.]+$/, '') || 'upload') };
}

export async function vectorRoutes(
  app: App,
  vectors: VectorsService,
  importer: VectorImport,
  tiles: VectorTiles,
) {
  await app.register(async (scope: App) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      limits: { fileSize: VECTOR_FILE_MAX_BYTES, files: 1, fields: 2, parts: 3, fieldSize: 1024 },
    });
    scope.post(
      '/api/projects/:id/vector-layers',
      {
        schema: {
          tags,
          summary: 'Create a vector layer from GeoJSON or an uploaded vector file (owners, managers)',
          description:
            'JSON: `{name, data: FeatureCollection}` in EPSG:4326. Or multipart/form-data with a part `file` ' +
            '(GeoJSON, a zipped shapefile or a GeoPackage, in any CRS GDAL knows) and an optional `name`: ' +
            "ogr2ogr reprojects it to EPSG:4326. A file GDAL cannot read answers 422 with GDAL's reason; one " +
            'that is none of these formats 415.',
          params: IdParams,
          body: VectorLayerBody,
          consumes: ['application/json', 'multipart/form-data'],
          response: { 201: VectorLayer, ...errors(400, 401, 403, 404, 413, 415, 422) },
        },
        // A multipart body is not an object for the JSON schema; the form is checked part by part instead.
        validatorCompiler: (route) => {
          const check = validatorCompiler(route);
          return route.httpPart === 'body'
            ? (data: unknown) => (data === undefined || data === null ? { value: undefined } : check(data))
            : check;
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const projectId = request.params.id;
        if (request.isMultipart()) {
          const { spooled, name } = await readForm(request, actor, projectId, importer);
          return reply.status(201).send(await importer.importFile(actor, projectId, spooled, name));
        }
        if (request.body === undefined || request.body === null)
          throw new AppError(
            'unsupported_media_type',
            'send GeoJSON as application/json or a file as multipart/form-data',
          );
        return reply.status(201).send(await vectors.createLayer(actor, projectId, request.body));
      },
    );
  });

  app.get(
    '/api/vector-layers/:id/tiles/:z/:x/:y.mvt',
    {
      schema: {
        tags,
        summary: 'A Mapbox Vector Tile of the layer (PostGIS only)',
        description:
          `XYZ (Web Mercator) tile with one layer named "${MVT_LAYER}" (extent 4096), each feature with its id ` +
          'and properties. Needs PostGIS: the embedded PGlite answers 501 (use the GeoJSON features with bbox).',
        params: Type.Object({
          id: Id,
          z: Type.Integer({ minimum: 0, maximum: 24 }),
          x: Type.Integer({ minimum: 0 }),
          y: Type.Integer({ minimum: 0 }),
        }),
        response: {
          200: Type.Unsafe({
            type: 'string',
            format: 'binary',
            description: 'application/vnd.mapbox-vector-tile',
          }),
          304: Type.Null(),
          ...errors(400, 401, 404, 501),
        },
      },
    },
    async (request, reply) => {
      const { id, z, x, y } = request.params;
      const tile = await tiles.tile(actorOf(request), id, z, x, y);
      reply.header('etag', tile.etag).header('cache-control', 'private, no-cache');
      if (request.headers['if-none-match']?.split(',').some((t) => t.trim() === tile.etag))
        return reply.code(304).send(null);
      return reply.type('application/vnd.mapbox-vector-tile').send(tile.bytes);
    },
  );
}

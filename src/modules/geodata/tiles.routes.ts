// HTTP for the rendered side of data products: PNG tiles and the COG itself (byte ranges), for members and by
// share token. ETags make repeated tiles and re-read ranges cheap (304).
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { Id } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { parseRange } from '../files/range.ts';
import { TokenParams } from './geodata.schemas.ts';
import type { CogFile, TileAnswer, TilesService } from './tiles.service.ts';
import { COLORMAPS } from './tiles.ts';

const tags = ['geodata'];
const Zxy = {
  z: Type.Integer({ minimum: 0, maximum: 30 }),
  x: Type.Integer({ minimum: 0 }),
  y: Type.Integer({ minimum: 0 }),
};
const StyleQuery = Type.Object(
  {
    bands: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,5}(,[0-9]{1,5}){0,2}$',
        description: 'one band (colormap) or three (RGB)',
      }),
    ),
    colormap: Type.Optional(Type.Enum([...COLORMAPS])),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
const Png = Type.Unsafe({ type: 'string', format: 'binary', description: 'a 256x256 PNG' });
const Binary = (description: string) => Type.Unsafe({ type: 'string', format: 'binary', description });
const tileDescription =
  'XYZ (Web Mercator) tile drawn from the COG by range reads. Style: the query (bands, colormap, min, max), ' +
  'else your saved style (PUT /api/users/me/styles/{id}), else RGB for three bands and viridis over the ' +
  "band's min/max for one. Transparent where there is no data. 409 until the processing job has written the COG.";

function notModified(request: FastifyRequest, etag: string) {
  return request.headers['if-none-match']?.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}

async function sendTile(request: FastifyRequest, reply: FastifyReply, tile: TileAnswer, cache: string) {
  reply.header('etag', tile.etag).header('cache-control', cache);
  if (notModified(request, tile.etag)) return reply.code(304).send(null);
  return reply.type('image/png').send(await tile.render());
}

async function sendCog(
  request: FastifyRequest,
  reply: FastifyReply,
  file: CogFile,
  read: (range?: { start: number; end: number }) => Promise<NodeJS.ReadableStream>,
  cache: string,
) {
  const size = file.size_bytes;
  const etag = `"${file.sha256}"`;
  reply
    .header('etag', etag)
    .header('accept-ranges', 'bytes')
    .header('cache-control', cache)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `attachment; filename="${file.original_name.replace(/[^\w.-]/g, '_')}"`);
  if (notModified(request, etag)) return reply.code(304).send(null);
  const ifRange = request.headers['if-range'];
  const range =
    ifRange && ifRange !== etag ? ({ kind: 'full' } as const) : parseRange(request.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    throw new AppError('bad_request', `range not satisfiable: the file has ${size} bytes`, { size }, 416);
  }
  reply.type('image/tiff; application=geotiff; profile=cloud-optimized');
  if (range.kind === 'partial') {
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', String(range.end - range.start + 1))
      .send(await read({ start: range.start, end: range.end }));
  }
  return reply.header('content-length', String(size)).send(await read());
}

export function tilesRoutes(app: App, tiles: TilesService): void {
  const read = (file: CogFile) => (range?: { start: number; end: number }) =>
    tiles.read(file, range) as Promise<NodeJS.ReadableStream>;

  app.get(
    '/api/data-products/:id/tiles/:z/:x/:y.png',
    {
      schema: {
        tags,
        summary: 'A PNG map tile of the data product',
        description: tileDescription,
        params: Type.Object({ id: Id, ...Zxy }),
        querystring: StyleQuery,
        response: { 200: Png, 304: Type.Null(), ...errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id, z, x, y } = request.params;
      const tile = await tiles.tile(actorOf(request), id, z, x, y, request.query);
      return sendTile(request, reply, tile, 'private, no-cache');
    },
  );

  app.get(
    '/api/data-products/:id/file',
    {
      schema: {
        tags,
        summary: 'The Cloud Optimized GeoTIFF (single-range Range requests answer 206)',
        description: 'For QGIS, GDAL /vsicurl/ and other clients that stream COGs. ETag is its SHA-256.',
        params: Type.Object({ id: Id }),
        response: {
          200: Binary('the whole COG'),
          206: Binary('the requested range'),
          304: Type.Null(),
          ...errors(400, 401, 404, 409, 416),
        },
      },
    },
    async (request, reply) => {
      const file = await tiles.file(actorOf(request), request.params.id);
      return sendCog(request, reply, file, read(file), 'private, no-cache');
    },
  );

  app.get(
    '/api/public/data-products/:token/tiles/:z/:x/:y.png',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'A PNG map tile of a public data product, without login',
        description: tileDescription,
        params: Type.Object({ ...TokenParams.properties, ...Zxy }),
        querystring: StyleQuery,
        response: { 200: Png, 304: Type.Null(), ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { token, z, x, y } = request.params;
      const tile = await tiles.publicTile(token, z, x, y, request.query);
      return sendTile(request, reply, tile, 'public, max-age=300');
    },
  );

  app.get(
    '/api/public/data-products/:token/file',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'The COG of a public data product, without login (Range requests answer 206)',
        params: TokenParams,
        response: {
          200: Binary('the whole COG'),
          206: Binary('the requested range'),
          304: Type.Null(),
          ...errors(400, 404, 409, 416),
        },
      },
    },
    async (request, reply) => {
      const file = await tiles.publicFile(request.params.token);
      return sendCog(request, reply, file, read(file), 'public, max-age=300');
    },
  );
}

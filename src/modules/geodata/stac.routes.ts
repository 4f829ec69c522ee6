// STAC API surface of published projects: /api/stac/collections/{project_id}, its items, one item. Open to
// anyone while the project is published (no login), the way STAC browsers and QGIS read catalogues.
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { App } from '../../platform/http/app-types.ts';
import { Id } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { StacService } from './stac.service.ts';

const tags = ['geodata', 'stac'];
const open = { additionalProperties: true };
const Link = Type.Object(
  { rel: Type.String(), href: Type.String(), type: Type.Optional(Type.String()) },
  open,
);
const StacCollection = Type.Object(
  {
    type: Type.Literal('Collection'),
    stac_version: Type.String(),
    id: Type.String(),
    description: Type.String(),
    license: Type.String(),
    extent: Type.Record(Type.String(), Type.Unknown()),
    links: Type.Array(Link),
  },
  { ...open, description: 'a STAC 1.0 Collection' },
);
const StacItem = Type.Object(
  {
    type: Type.Literal('Feature'),
    stac_version: Type.String(),
    stac_extensions: Type.Array(Type.String()),
    id: Type.String(),
    collection: Type.String(),
    bbox: Type.Array(Type.Number()),
    geometry: Type.Record(Type.String(), Type.Unknown()),
    properties: Type.Record(Type.String(), Type.Unknown()),
    links: Type.Array(Link),
    assets: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown())),
  },
  { ...open, description: 'a STAC 1.0 Item (projection and raster extensions)' },
);
const ItemCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(StacItem),
    numberReturned: Type.Integer(),
    links: Type.Array(Link),
  },
  open,
);
const CollectionParams = Type.Object({ project_id: Id });

export function stacRoutes(app: App, stac: StacService, publicUrl: string | undefined): void {
  const base = (request: FastifyRequest) =>
    (publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');

  app.get(
    '/api/stac/collections/:project_id',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'A published project as a STAC Collection, without login',
        params: CollectionParams,
        response: { 200: StacCollection, ...errors(400, 404) },
      },
    },
    async (request) => stac.collection(request.params.project_id, base(request), request.ip),
  );
  app.get(
    '/api/stac/collections/:project_id/items',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: "The published project's data products as STAC Items, without login",
        params: CollectionParams,
        response: { 200: ItemCollection, ...errors(400, 404) },
      },
    },
    async (request) => stac.items(request.params.project_id, base(request), request.ip),
  );
  app.get(
    '/api/stac/collections/:project_id/items/:item_id',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'One data product of a published project as a STAC Item, without login',
        params: Type.Object({ project_id: Id, item_id: Id }),
        response: { 200: StacItem, ...errors(400, 404) },
      },
    },
    async (request) =>
      stac.item(request.params.project_id, request.params.item_id, base(request), request.ip),
  );
}

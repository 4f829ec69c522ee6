// HTTP of a flight's data products: registering an uploaded raster, listing, reading and deleting products, their
// public/private switch and public link, and each user's display style for a product.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  DataProduct,
  DataProductBody,
  DataProductListQuery,
  Permission,
  PermissionBody,
  Style,
  StyleBody,
  StyleParams,
  TokenParams,
} from './geodata.schemas.ts';
import type { ProductsService } from './products.service.ts';

const tags = ['geodata'];
const None = Type.Null();

export function productsRoutes(app: App, products: ProductsService) {
  app.post(
    '/api/flights/:id/data-products',
    {
      schema: {
        tags,
        summary: 'Register an uploaded file (POST /api/files or tus) as a data product of the flight',
        description:
          'Answers 202: processing (GeoTIFF header, statistics, COG) is not built yet; status stays pending.',
        params: IdParams,
        body: DataProductBody,
        response: { 202: DataProduct, ...errors(400, 401, 403, 404, 415, 422) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await products.create(actorOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/flights/:id/data-products',
    {
      schema: {
        tags,
        summary: "The flight's data products, newest first (filters: data_type, status)",
        params: IdParams,
        querystring: DataProductListQuery,
        response: { 200: Paged(DataProduct), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { page: _p, page_size: _s, ...filter } = request.query;
      const { count, results } = await products.list(actorOf(request), request.params.id, filter, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/data-products/:id',
    {
      schema: {
        tags,
        summary: 'One data product: status, CRS, bounds, bands, resolution, statistics',
        params: IdParams,
        response: { 200: DataProduct, ...errors(400, 401, 404) },
      },
    },
    async (request) => products.get(actorOf(request), request.params.id),
  );
  app.delete(
    '/api/data-products/:id',
    {
      schema: {
        tags,
        summary: 'Delete a data product (owners; a published project refuses with 403)',
        params: IdParams,
        response: { 204: None, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await products.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/data-products/:id/permission',
    {
      schema: {
        tags,
        summary: 'Whether the data product is public, with its share link when it is',
        params: IdParams,
        response: { 200: Permission, ...errors(400, 401, 404) },
      },
    },
    async (request) => products.getPermission(actorOf(request), request.params.id),
  );
  app.put(
    '/api/data-products/:id/permission',
    {
      schema: {
        tags,
        summary: 'Make the data product public (answers its share token) or private (owners, managers)',
        params: IdParams,
        body: PermissionBody,
        response: { 200: Permission, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => products.setPermission(actorOf(request), request.params.id, request.body.public),
  );
  app.get(
    '/api/public/data-products/:token',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'A public data product by its share token, without login',
        params: TokenParams,
        response: { 200: DataProduct, ...errors(400, 404) },
      },
    },
    async (request) =>
      products.getPublic(
        request.params.token,
        request.ip,
        request.headers['user-agent']?.slice(0, 512) ?? null,
      ),
  );

  app.get(
    '/api/users/me/styles',
    {
      schema: {
        tags,
        summary: 'Your map styles, one per data product',
        querystring: PageQuery,
        response: { 200: Paged(Style), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await products.listStyles(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.put(
    '/api/users/me/styles/:data_product_id',
    {
      schema: {
        tags,
        summary: 'Set your style for a data product you can read (colormap, min/max, band order, opacity)',
        params: StyleParams,
        body: StyleBody,
        response: { 200: Style, ...errors(400, 401, 404) },
      },
    },
    async (request) => products.setStyle(actorOf(request), request.params.data_product_id, request.body),
  );
  app.delete(
    '/api/users/me/styles/:data_product_id',
    {
      schema: {
        tags,
        summary: 'Remove your style for a data product',
        params: StyleParams,
        response: { 204: None, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await products.deleteStyle(actorOf(request), request.params.data_product_id);
      return reply.status(204).send(null);
    },
  );
}

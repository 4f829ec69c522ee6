// HTTP of the geodata module: schemas in, one service call, schema out.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  Campaign,
  CampaignBody,
  CodeParams,
  FeatureCollection,
  FeaturesQuery,
  Flight,
  FlightBody,
  FlightListQuery,
  FlightPatch,
  GeoFields,
  GeoFieldsBody,
  Location,
  LocationBody,
  ShortLink,
  ShortLinkBody,
  VectorLayer,
} from './geodata.schemas.ts';
import type { GeodataService } from './geodata.service.ts';
import type { VectorsService } from './vectors.service.ts';

const tags = ['geodata'];
const None = Type.Null();

export function geodataRoutes(app: App, geo: GeodataService, vectors: VectorsService) {
  app.put(
    '/api/projects/:id/location',
    {
      schema: {
        tags,
        summary: 'Set the project boundary (GeoJSON Polygon or MultiPolygon, EPSG:4326; anything else 422)',
        params: IdParams,
        body: LocationBody,
        response: { 200: Location, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request) => geo.setLocation(actorOf(request), request.params.id, request.body.geometry),
  );
  app.get(
    '/api/projects/:id/location',
    {
      schema: {
        tags,
        summary: 'The project boundary with area and centroid',
        params: IdParams,
        response: { 200: Location, ...errors(400, 401, 404) },
      },
    },
    async (request) => geo.getLocation(actorOf(request), request.params.id),
  );
  app.delete(
    '/api/projects/:id/location',
    {
      schema: {
        tags,
        summary: 'Remove the project boundary (owners)',
        params: IdParams,
        response: { 204: None, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await geo.deleteLocation(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/projects/:id/geodata',
    {
      schema: {
        tags,
        summary: "The project's geo fields (planting and harvest dates) and publishing state",
        params: IdParams,
        response: { 200: GeoFields, ...errors(400, 401, 404) },
      },
    },
    async (request) => geo.getGeoFields(actorOf(request), request.params.id),
  );
  app.patch(
    '/api/projects/:id/geodata',
    {
      schema: {
        tags,
        summary: 'Change planting and harvest dates (owners, managers)',
        params: IdParams,
        body: GeoFieldsBody,
        response: { 200: GeoFields, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => geo.setGeoFields(actorOf(request), request.params.id, request.body),
  );
  for (const [verb, published] of [
    ['publish', true],
    ['unpublish', false],
  ] as const) {
    app.post(
      `/api/projects/:id/${verb}`,
      {
        schema: {
          tags,
          summary: published
            ? 'Publish the project: its data products become public and cannot be deleted (owners)'
            : 'Unpublish the project (owners)',
          params: IdParams,
          response: { 200: GeoFields, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => geo.publish(actorOf(request), request.params.id, published),
    );
  }

  app.post(
    '/api/projects/:id/campaigns',
    {
      schema: {
        tags,
        summary: 'Create a field campaign (owners, managers)',
        params: IdParams,
        body: CampaignBody,
        response: { 201: Campaign, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await geo.createCampaign(actorOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/projects/:id/campaigns',
    {
      schema: {
        tags,
        summary: "The project's campaigns, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(Campaign), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await geo.listCampaigns(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/projects/:id/flights',
    {
      schema: {
        tags,
        summary: 'Record a UAV flight; the pilot must be a project member (owners, managers)',
        params: IdParams,
        body: FlightBody,
        response: { 201: Flight, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await geo.createFlight(actorOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/projects/:id/flights',
    {
      schema: {
        tags,
        summary: "The project's flights, latest acquisition first (filters: date range, sensor)",
        params: IdParams,
        querystring: FlightListQuery,
        response: { 200: Paged(Flight), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { page: _p, page_size: _s, ...filter } = request.query;
      const { count, results } = await geo.listFlights(actorOf(request), request.params.id, filter, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/flights/:id',
    {
      schema: {
        tags,
        summary: 'One flight',
        params: IdParams,
        response: { 200: Flight, ...errors(400, 401, 404) },
      },
    },
    async (request) => geo.getFlight(actorOf(request), request.params.id),
  );
  app.patch(
    '/api/flights/:id',
    {
      schema: {
        tags,
        summary:
          'Change a flight; {read_only: true} locks it (owners, managers; a locked flight answers 400)',
        params: IdParams,
        body: FlightPatch,
        response: { 200: Flight, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => geo.updateFlight(actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/flights/:id',
    {
      schema: {
        tags,
        summary: 'Delete a flight with its data products (owners; not when read-only or published)',
        params: IdParams,
        response: { 204: None, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await geo.deleteFlight(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/projects/:id/vector-layers',
    {
      schema: {
        tags,
        summary: "The project's vector layers, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(VectorLayer), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await vectors.listLayers(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/vector-layers/:id',
    {
      schema: {
        tags,
        summary: 'One vector layer',
        params: IdParams,
        response: { 200: VectorLayer, ...errors(400, 401, 404) },
      },
    },
    async (request) => vectors.getLayer(actorOf(request), request.params.id),
  );
  app.delete(
    '/api/vector-layers/:id',
    {
      schema: {
        tags,
        summary: 'Delete a vector layer and its features (owners)',
        params: IdParams,
        response: { 204: None, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await vectors.deleteLayer(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/vector-layers/:id/features',
    {
      schema: {
        tags,
        summary:
          "The layer's features as a GeoJSON FeatureCollection, optionally within a bbox (keyset paged)",
        params: IdParams,
        querystring: FeaturesQuery,
        response: { 200: FeatureCollection, ...errors(400, 401, 404) },
      },
    },
    async (request) => vectors.features(actorOf(request), request.params.id, request.query),
  );

  app.post(
    '/api/short-links',
    {
      schema: {
        tags,
        summary: 'A short link to a path on this server; /sl/{code} answers 303 to it',
        body: ShortLinkBody,
        response: { 201: ShortLink, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await vectors.createShortLink(actorOf(request), request.body.url)),
  );
  app.get(
    '/sl/:code',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'Follow a short link (303 to its target)',
        params: CodeParams,
        response: { 303: None, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const target = await vectors.resolveShortLink(
        request.params.code,
        request.ip,
        request.headers['user-agent']?.slice(0, 512) ?? null,
      );
      return reply.status(303).header('location', target).send(null);
    },
  );
}

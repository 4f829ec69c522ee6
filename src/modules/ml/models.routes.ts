// Model provider connections (/api/model-provider-connections), model interfaces and their versions
// (/api/model-interfaces, Label Studio's "prompts"), and model runs of a version over a project's tasks.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { ConnectionsService } from './connections.service.ts';
import {
  Connection,
  CreateConnectionBody,
  CreateInterfaceBody,
  CreateVersionBody,
  ModelInterface,
  ModelRun,
  ModelVersion,
  RunBody,
  UpdateConnectionBody,
  UpdateInterfaceBody,
  VersionParams,
} from './models.schemas.ts';
import type { ModelsService } from './models.service.ts';

const tags = ['ml'];

export function modelsRoutes(app: App, connections: ConnectionsService, models: ModelsService): void {
  app.get(
    '/api/model-provider-connections',
    {
      schema: {
        tags,
        summary: "The organization's model provider connections (owners, admins; keys are never shown)",
        response: { 200: Type.Array(Connection), ...errors(401, 403, 404) },
      },
    },
    async (request) => connections.listConnections(actorOf(request)),
  );
  app.post(
    '/api/model-provider-connections',
    {
      schema: {
        tags,
        summary:
          'Add a model provider connection (OpenAI, AzureOpenAI, Custom URL); the API key is sealed at rest',
        body: CreateConnectionBody,
        response: { 201: Connection, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await connections.createConnection(actorOf(request), request.body)),
  );
  app.get(
    '/api/model-provider-connections/:id',
    {
      schema: {
        tags,
        summary: 'One model provider connection',
        params: IdParams,
        response: { 200: Connection, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => connections.getConnection(actorOf(request), request.params.id),
  );
  app.patch(
    '/api/model-provider-connections/:id',
    {
      schema: {
        tags,
        summary: 'Change a model provider connection (a new api_key replaces the old one)',
        params: IdParams,
        body: UpdateConnectionBody,
        response: { 200: Connection, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => connections.updateConnection(actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/model-provider-connections/:id',
    {
      schema: {
        tags,
        summary: 'Remove a model provider connection',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await connections.removeConnection(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/model-interfaces',
    {
      schema: {
        tags,
        summary: "The organization's model interfaces",
        response: { 200: Type.Array(ModelInterface), ...errors(401, 403, 404) },
      },
    },
    async (request) => models.listInterfaces(actorOf(request)),
  );
  app.post(
    '/api/model-interfaces',
    {
      schema: {
        tags,
        summary: 'Create a model interface (skill, input fields, output classes, associated projects)',
        body: CreateInterfaceBody,
        response: { 201: ModelInterface, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await models.createInterface(actorOf(request), request.body)),
  );
  app.get(
    '/api/model-interfaces/:id',
    {
      schema: {
        tags,
        summary: 'One model interface',
        params: IdParams,
        response: { 200: ModelInterface, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => models.getInterface(actorOf(request), request.params.id),
  );
  app.patch(
    '/api/model-interfaces/:id',
    {
      schema: {
        tags,
        summary: 'Change a model interface (associated_projects replaces the list)',
        params: IdParams,
        body: UpdateInterfaceBody,
        response: { 200: ModelInterface, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => models.updateInterface(actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/model-interfaces/:id',
    {
      schema: {
        tags,
        summary: 'Delete a model interface, its versions and runs (their predictions stay)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await models.removeInterface(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/model-interfaces/:id/versions',
    {
      schema: {
        tags,
        summary: "The interface's third-party model versions",
        params: IdParams,
        response: { 200: Type.Array(ModelVersion), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => models.listVersions(actorOf(request), request.params.id),
  );
  app.post(
    '/api/model-interfaces/:id/versions',
    {
      schema: {
        tags,
        summary: 'Add a version: a prompt ({field} takes task data) on a provider model through a connection',
        params: IdParams,
        body: CreateVersionBody,
        response: { 201: ModelVersion, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await models.createVersion(actorOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/model-interfaces/:id/versions/:version_id',
    {
      schema: {
        tags,
        summary: 'One model version',
        params: VersionParams,
        response: { 200: ModelVersion, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => models.getVersion(actorOf(request), request.params.id, request.params.version_id),
  );
  app.delete(
    '/api/model-interfaces/:id/versions/:version_id',
    {
      schema: {
        tags,
        summary: 'Delete a model version and its runs',
        params: VersionParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await models.removeVersion(actorOf(request), request.params.id, request.params.version_id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/model-interfaces/:id/versions/:version_id/runs',
    {
      schema: {
        tags,
        summary: "The version's runs on projects you can see, newest first (100)",
        params: VersionParams,
        response: { 200: Type.Array(ModelRun), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => models.listRuns(actorOf(request), request.params.id, request.params.version_id),
  );
  app.post(
    '/api/model-interfaces/:id/versions/:version_id/runs',
    {
      schema: {
        tags,
        summary:
          "Run the version over a selection of a project's tasks (a job; owners, managers of the project)",
        params: VersionParams,
        body: RunBody,
        response: { 201: ModelRun, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await models.startRun(actorOf(request), request.params.id, request.params.version_id, request.body),
        ),
  );
  app.get(
    '/api/model-runs/:id',
    {
      schema: {
        tags,
        summary: 'One model run: status, counts and per-task errors',
        params: IdParams,
        response: { 200: ModelRun, ...errors(400, 401, 404) },
      },
    },
    async (request) => models.getRun(actorOf(request), request.params.id),
  );
}

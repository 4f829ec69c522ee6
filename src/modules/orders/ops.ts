// Ops manager requests (projectopsmanager): a project's owner or manager asks for an ops manager, more annotators
// or review support; staff (orders.manage) process them. And the client API configuration of a project
// (projectclientapiconfiguration): review period in days, the public data link handed to the client, status.

import type { Selectable } from 'kysely';
import Type from 'typebox';
import type { OpsManagerRequests } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import {
  Id,
  IdParams,
  NullableTimestamp,
  Paged,
  PageQuery,
  type PageRequest,
  pagedBody,
  pageOf,
  Timestamp,
} from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';

const RequestType = Type.Enum(['assign_ops_manager', 'add_annotators', 'review_support', 'other']);
const OpsRequest = Type.Object({
  id: Id,
  project: Id,
  request_type: RequestType,
  notes: Type.String(),
  requested_by: Type.Union([Id, Type.Null()]),
  requested_at: Timestamp,
  is_processed: Type.Boolean(),
  processed_by: Type.Union([Id, Type.Null()]),
  processed_at: NullableTimestamp,
  response: Type.Union([Type.String(), Type.Null()]),
});
const CreateOpsBody = Type.Object(
  { request_type: RequestType, notes: Type.Optional(Type.String({ maxLength: 5000 })) },
  { additionalProperties: false },
);
const ProcessBody = Type.Object(
  { response: Type.Optional(Type.String({ maxLength: 5000 })) },
  { additionalProperties: false },
);
const OpsListQuery = Type.Object({ ...PageQuery.properties, processed: Type.Optional(Type.Boolean()) });

const ConfigStatus = Type.Enum(['inactive', 'active', 'paused']);
const ClientApiConfig = Type.Object({
  project: Id,
  review_period: Type.Integer({ description: 'days the client has to review delivered work' }),
  public_data_link: Type.Union([Type.String(), Type.Null()]),
  status: ConfigStatus,
  updated_at: Timestamp,
});
const ClientApiBody = Type.Object(
  {
    review_period: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    public_data_link: Type.Optional(
      Type.Union([Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 }), Type.Null()]),
    ),
    status: Type.Optional(ConfigStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);

type RequestKind = 'assign_ops_manager' | 'add_annotators' | 'review_support' | 'other';
const toRequest = (r: Selectable<OpsManagerRequests>) => ({
  id: r.id,
  project: r.project_id,
  request_type: r.request_type as RequestKind,
  notes: r.notes,
  requested_by: r.requested_by,
  requested_at: r.requested_at,
  is_processed: r.is_processed,
  processed_by: r.processed_by,
  processed_at: r.processed_at,
  response: r.response,
});

export function createOpsService({ database }: Pick<Deps, 'database'>) {
  const run = organizationWork(database);
  const record = auditTrail('project');

  return {
    request: (actor: Actor, projectId: number, input: { request_type: RequestKind; notes?: string }) =>
      run(actor, async (tx, organizationId) => {
        await authorize(tx, actor, 'project.ops.request', [projectId]);
        const r = await tx
          .insertInto('ops_manager_requests')
          .values({
            organization_id: organizationId,
            project_id: projectId,
            request_type: input.request_type,
            notes: input.notes ?? '',
            requested_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'project.ops.request', projectId, { request_id: r.id, type: r.request_type });
        return toRequest(r);
      }),

    list: (actor: Actor, filter: { projectId?: number; processed?: boolean }, p: PageRequest) =>
      run(actor, async (tx) => {
        if (filter.projectId !== undefined) await authorize(tx, actor, 'project.read', [filter.projectId]);
        else await authorize(tx, actor, 'orders.manage', []);
        let q = tx.selectFrom('ops_manager_requests');
        if (filter.projectId !== undefined) q = q.where('project_id', '=', filter.projectId);
        if (filter.processed !== undefined) q = q.where('is_processed', '=', filter.processed);
        const { n } = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
        const rows = await q
          .selectAll()
          .orderBy('requested_at', 'desc')
          .orderBy('id', 'desc')
          .limit(p.pageSize)
          .offset((p.page - 1) * p.pageSize)
          .execute();
        return { count: Number(n), results: rows.map(toRequest) };
      }),

    process: (actor: Actor, id: number, input: { response?: string }) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'orders.manage', []);
        const r = await tx
          .selectFrom('ops_manager_requests')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!r) throw new AppError('not_found', `ops request ${id} not found`);
        if (r.is_processed) throw new AppError('conflict', `ops request ${id} is processed already`);
        const done = await tx
          .updateTable('ops_manager_requests')
          .set({
            is_processed: true,
            processed_at: new Date(),
            processed_by: actor.userId,
            response: input.response ?? null,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'project.ops.process', r.project_id, { request_id: id });
        return toRequest(done);
      }),

    config: (actor: Actor, projectId: number) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'project.read', [projectId]);
        const c = await tx
          .selectFrom('project_client_api_configs')
          .selectAll()
          .where('project_id', '=', projectId)
          .executeTakeFirst();
        if (!c) throw new AppError('not_found', `project ${projectId} has no client API configuration yet`);
        return toConfig(c);
      }),

    setConfig: (
      actor: Actor,
      projectId: number,
      input: {
        review_period?: number;
        public_data_link?: string | null;
        status?: 'inactive' | 'active' | 'paused';
      },
    ) =>
      run(actor, async (tx, organizationId) => {
        await authorize(tx, actor, 'project.client_api.manage', [projectId]);
        const c = await tx
          .insertInto('project_client_api_configs')
          .values({
            organization_id: organizationId,
            project_id: projectId,
            ...input,
            updated_by: actor.userId,
          })
          .onConflict((oc) =>
            oc
              .column('project_id')
              .doUpdateSet({ ...input, updated_by: actor.userId, updated_at: new Date() }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'project.client_api.update', projectId, { ...input });
        return toConfig(c);
      }),
  };
}

function toConfig(c: {
  project_id: number;
  review_period: number;
  public_data_link: string | null;
  status: string;
  updated_at: Date;
}) {
  return {
    project: c.project_id,
    review_period: c.review_period,
    public_data_link: c.public_data_link,
    status: c.status as 'inactive' | 'active' | 'paused',
    updated_at: c.updated_at,
  };
}

export function opsRoutes(app: App, ops: ReturnType<typeof createOpsService>): void {
  const tags = ['orders'];
  app.post(
    '/api/projects/:id/ops-requests',
    {
      schema: {
        tags,
        summary: 'Ask for an ops manager, more annotators or review support on a project',
        params: IdParams,
        body: CreateOpsBody,
        response: { 201: OpsRequest, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await ops.request(actorOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/projects/:id/ops-requests',
    {
      schema: {
        tags,
        summary: "A project's ops requests, newest first",
        params: IdParams,
        querystring: OpsListQuery,
        response: { 200: Paged(OpsRequest), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const filter = { projectId: request.params.id, processed: request.query.processed };
      const { count, results } = await ops.list(actorOf(request), filter, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/ops-requests',
    {
      schema: {
        tags,
        summary: "The organization's ops requests, newest first (staff)",
        querystring: OpsListQuery,
        response: { 200: Paged(OpsRequest), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await ops.list(
        actorOf(request),
        { processed: request.query.processed },
        page,
      );
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    '/api/ops-requests/:id/process',
    {
      schema: {
        tags,
        summary: 'Mark an ops request processed, with an answer',
        params: IdParams,
        body: Type.Optional(ProcessBody),
        response: { 200: OpsRequest, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ops.process(actorOf(request), request.params.id, request.body ?? {}),
  );
  app.get(
    '/api/projects/:id/client-api-config',
    {
      schema: {
        tags,
        summary: "The project's client API configuration",
        params: IdParams,
        response: { 200: ClientApiConfig, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ops.config(actorOf(request), request.params.id),
  );
  app.put(
    '/api/projects/:id/client-api-config',
    {
      schema: {
        tags,
        summary: "Set the project's client API configuration (review period, public data link, status)",
        params: IdParams,
        body: ClientApiBody,
        response: { 200: ClientApiConfig, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ops.setConfig(actorOf(request), request.params.id, request.body),
  );
}
